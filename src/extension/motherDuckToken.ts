import * as vscode from 'vscode';
import { DisposableStore } from './disposables';

const SECRET_KEY = 'assetStudio.motherduckToken';

/** The MotherDuck token, kept only in VS Code's secret storage: never in settings, logs or messages. */
export class MotherDuckToken implements vscode.Disposable {
  private readonly store = new DisposableStore();
  private readonly changed = this.store.add(new vscode.EventEmitter<void>());
  readonly onDidChange = this.changed.event;

  constructor(private readonly secrets: vscode.SecretStorage) {
    this.store.add(
      secrets.onDidChange((e) => {
        if (e.key === SECRET_KEY) this.changed.fire();
      }),
    );
  }

  async get(): Promise<string | undefined> {
    const value = await this.secrets.get(SECRET_KEY);
    return value && value.length > 0 ? value : undefined;
  }

  /** `assetStudio.setMotherDuckToken`. */
  async promptAndStore(): Promise<void> {
    const value = await vscode.window.showInputBox({
      title: 'Set MotherDuck Token',
      prompt: 'Paste a MotherDuck access token. It is kept in VS Code secret storage, never in settings or logs.',
      password: true,
      ignoreFocusOut: true,
      validateInput: (text) => (text.trim().length === 0 ? 'The token is empty.' : undefined),
    });
    if (value === undefined) return;
    await this.secrets.store(SECRET_KEY, value.trim());
    void vscode.window.showInformationMessage('Asset Studio: MotherDuck token saved in secret storage.');
  }

  /** `assetStudio.clearMotherDuckToken`. */
  async clear(): Promise<void> {
    const had = (await this.get()) !== undefined;
    await this.secrets.delete(SECRET_KEY);
    void vscode.window.showInformationMessage(
      had ? 'Asset Studio: MotherDuck token removed from secret storage.' : 'Asset Studio: no MotherDuck token was saved.',
    );
  }

  dispose(): void {
    this.store.dispose();
  }
}

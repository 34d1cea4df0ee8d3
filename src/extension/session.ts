import * as vscode from 'vscode';
import { DisposableStore } from './disposables';
import { TargetStatusItem } from './targetStatusItem';
import { probeDuckDb } from '../core/engine/duckdbProbe';

/**
 * The one object that owns everything the extension registers. Features are
 * created here, in order, and disposed in reverse when the extension stops.
 */
export class AssetStudioSession implements vscode.Disposable {
  private readonly store = new DisposableStore();
  readonly log: vscode.LogOutputChannel;

  private constructor(readonly context: vscode.ExtensionContext) {
    this.log = this.store.add(vscode.window.createOutputChannel('Asset Studio', { log: true }));
  }

  static async start(context: vscode.ExtensionContext): Promise<AssetStudioSession> {
    const session = new AssetStudioSession(context);
    context.subscriptions.push(session);
    try {
      session.registerFeatures();
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      session.log.error(`Activation failed: ${message}`);
      void vscode.window.showErrorMessage(`Asset Studio could not start: ${message}`, 'Show Log').then((choice) => {
        if (choice === 'Show Log') session.log.show();
      });
    }
    return session;
  }

  private registerFeatures(): void {
    this.store.add(new TargetStatusItem());
    this.store.add(
      vscode.commands.registerCommand('assetStudio.showLog', () => this.log.show()),
    );
    // Heavy work after activation returns, so the editor is never held up.
    setTimeout(() => void this.checkEngine(), 0);
  }

  private async checkEngine(): Promise<void> {
    try {
      const version = await probeDuckDb();
      this.log.info(`DuckDB ${version} ready`);
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      this.log.error(`DuckDB could not be loaded: ${message}`);
      void vscode.window.showErrorMessage(`Asset Studio: DuckDB could not be loaded (${message}).`);
    }
  }

  dispose(): void {
    this.store.dispose();
  }
}

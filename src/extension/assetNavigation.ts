import * as vscode from 'vscode';
import type { AssetGraphService } from './assetGraphService';
import { DisposableStore } from './disposables';

/** Opening an asset's definition, rediscovery, and the `assetStudio.editorHasAsset` context key for menus. */
export class AssetNavigation implements vscode.Disposable {
  private readonly store = new DisposableStore();

  constructor(private readonly graphs: AssetGraphService) {
    this.store.add(vscode.window.onDidChangeActiveTextEditor(() => this.updateContext()));
    this.store.add(graphs.onDidChangeGraph(() => this.updateContext()));
  }

  /** `assetStudio.refresh`: discovers every folder again. */
  async refresh(): Promise<void> {
    await this.graphs.rediscover();
  }

  /** Opens the file of an asset at its definition line; `column` picks a group, or places it beside the one given by a function of the file's URI. */
  async open(arg?: string | { key: string }, column?: (file: vscode.Uri) => vscode.ViewColumn): Promise<void> {
    const key = typeof arg === 'string' ? arg : arg?.key;
    if (!key) return;
    await this.graphs.ready;
    const found = this.graphs.findAsset(key);
    const loc = found?.node.definition.location;
    if (!loc?.file) {
      void vscode.window.showInformationMessage(`Asset Studio: ${key} has no definition in this workspace (an external source).`);
      return;
    }
    const line = Math.max(0, loc.line - 1);
    const position = new vscode.Position(line, Math.max(0, loc.column - 1));
    const uri = vscode.Uri.file(loc.file);
    await vscode.window.showTextDocument(uri, {
      selection: new vscode.Range(position, position),
      ...(column ? { viewColumn: column(uri) } : {}),
    });
  }

  private updateContext(): void {
    const file = vscode.window.activeTextEditor?.document.uri.fsPath;
    const has = file !== undefined && this.graphs.assetsIn(file).length > 0;
    void vscode.commands.executeCommand('setContext', 'assetStudio.editorHasAsset', has);
  }

  dispose(): void {
    this.store.dispose();
  }
}

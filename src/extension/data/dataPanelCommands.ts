import * as vscode from 'vscode';
import type { AssetArgument } from '../assetGraphService';
import { DisposableStore } from '../disposables';
import { parseSavedState } from '../../protocol/parseDataPanelMessage';
import { DataPanel } from './dataPanel';
import type { DataPanelDeps } from './dataPanel';

/**
 * **Asset Studio: Preview Data** (the Preview lens, the Assets view) and
 * **Asset Studio: Run Query** (a .sql file's selection, else the whole file),
 * both into the one data panel, which comes back after a window reload.
 */
export class DataPanelCommands implements vscode.Disposable {
  private readonly store = new DisposableStore();

  constructor(
    private readonly context: vscode.ExtensionContext,
    private readonly deps: DataPanelDeps,
  ) {
    this.store.add(
      vscode.window.registerWebviewPanelSerializer(DataPanel.viewType, {
        deserializeWebviewPanel: async (panel, state: unknown) => {
          await deps.graphs.ready;
          DataPanel.revive(context, deps, panel, parseSavedState(state));
        },
      }),
    );
  }

  /** `assetStudio.previewData`. */
  async preview(arg: AssetArgument): Promise<void> {
    await this.deps.graphs.ready;
    const found = this.deps.graphs.assetFor(arg);
    if (!found) {
      void vscode.window.showInformationMessage('Asset Studio: Preview Data shows an asset\'s rows: open its definition, or pick it in the Assets view.');
      return;
    }
    DataPanel.show(this.context, this.deps, { kind: 'asset', key: found.node.id, root: found.root });
  }

  /** `assetStudio.runQuery`: the selection of `uri`'s document when it is the active editor's, else the whole document. */
  async runQuery(uri: vscode.Uri | undefined): Promise<void> {
    const editor = vscode.window.activeTextEditor;
    const document = uri && uri.toString() !== editor?.document.uri.toString() ? await vscode.workspace.openTextDocument(uri) : editor?.document;
    if (!document) {
      void vscode.window.showInformationMessage('Asset Studio: Run Query runs the selection of a .sql file, or the whole file: open one first.');
      return;
    }
    const selection = editor && editor.document === document && !editor.selection.isEmpty ? document.getText(editor.selection) : document.getText();
    const folder = vscode.workspace.getWorkspaceFolder(document.uri) ?? vscode.workspace.workspaceFolders?.[0];
    if (!folder) {
      void vscode.window.showInformationMessage('Asset Studio: Run Query needs a workspace folder (its targets say where to read).');
      return;
    }
    await this.deps.graphs.ready;
    const thisKey = this.deps.graphs.assetsIn(document.uri.fsPath)[0]?.node.id;
    DataPanel.show(this.context, this.deps, { kind: 'query', sql: selection, root: folder.uri.fsPath, ...(thisKey ? { thisKey } : {}) });
  }

  dispose(): void {
    this.store.dispose();
  }
}

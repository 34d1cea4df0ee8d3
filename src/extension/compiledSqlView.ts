import * as path from 'node:path';
import * as vscode from 'vscode';
import type { AssetArgument, AssetGraphService } from './assetGraphService';
import type { CoreAccess } from './coreAccess';
import { DisposableStore } from './disposables';
import type { MotherDuckToken } from './motherDuckToken';
import type { TargetSelection } from './targetSelection';

const SCHEME = 'asset-studio-compiled';

/**
 * **Asset Studio: Show Compiled SQL**: a dbt model's SQL as it runs on the
 * current target, read-only beside the model, rendered again when a file of
 * its project is saved or the target changes. A render error is a problem at
 * its line (the model's, or the macro's) until the model renders again.
 */
export class CompiledSqlView implements vscode.Disposable, vscode.TextDocumentContentProvider {
  private readonly store = new DisposableStore();
  private readonly changed = this.store.add(new vscode.EventEmitter<vscode.Uri>());
  readonly onDidChange = this.changed.event;
  private readonly diagnostics = this.store.add(vscode.languages.createDiagnosticCollection('asset-studio-dbt-compile'));
  /** Open compiled documents by URI, with the model file each shows. */
  private readonly open = new Map<string, { readonly key: string; readonly modelFile: string }>();

  constructor(
    private readonly core: CoreAccess,
    private readonly graphs: AssetGraphService,
    private readonly targets: TargetSelection,
    private readonly token: MotherDuckToken,
  ) {
    this.store.add(vscode.workspace.registerTextDocumentContentProvider(SCHEME, this));
    this.store.add(vscode.workspace.onDidSaveTextDocument(() => this.refreshAll()));
    this.store.add(targets.onDidChange(() => this.refreshAll()));
    this.store.add(
      vscode.workspace.onDidCloseTextDocument((doc) => {
        if (doc.uri.scheme === SCHEME) this.open.delete(doc.uri.toString());
      }),
    );
  }

  /** `assetStudio.showCompiledSql`. */
  async show(arg: AssetArgument): Promise<void> {
    await this.graphs.ready;
    const found = this.graphs.assetFor(arg);
    if (!found || found.node.definition.dbt?.resourceType !== 'model') {
      void vscode.window.showInformationMessage('Asset Studio: Show Compiled SQL works on a dbt model: open one, or pick it in the Assets view.');
      return;
    }
    const node = found.node;
    const uri = vscode.Uri.from({ scheme: SCHEME, path: `/${node.id}.sql`, query: encodeURIComponent(found.root) });
    this.open.set(uri.toString(), { key: node.id, modelFile: node.definition.location.file });
    const doc = await vscode.workspace.openTextDocument(uri);
    await vscode.languages.setTextDocumentLanguage(doc, 'sql');
    await vscode.window.showTextDocument(doc, { viewColumn: vscode.ViewColumn.Beside, preview: false, preserveFocus: true });
  }

  async provideTextDocumentContent(uri: vscode.Uri): Promise<string> {
    const root = decodeURIComponent(uri.query);
    const key = uri.path.replace(/^\//, '').replace(/\.sql$/, '');
    const graph = this.graphs.graphOf(root);
    const node = graph?.nodes.get(key);
    const target = this.targets.targetFor(root);
    if (!graph || !node || !target) return `-- ${key} is no longer a dbt model of this workspace.\n`;
    const compiled = await this.core.compileSql(root, node, target, await this.token.get());
    const modelFile = node.definition.location.file;
    this.diagnostics.delete(vscode.Uri.file(modelFile));
    if (!compiled.ok) {
      const p = compiled.problem;
      const at = new vscode.Range(Math.max(0, p.line - 1), Math.max(0, p.column - 1), Math.max(0, p.line - 1), Number.MAX_SAFE_INTEGER);
      const d = new vscode.Diagnostic(at, p.message, vscode.DiagnosticSeverity.Error);
      d.source = 'Asset Studio (dbt)';
      d.code = p.code;
      this.diagnostics.set(vscode.Uri.file(p.file), [d]);
      return `-- ${key} does not render on '${target.name}':\n-- ${path.relative(root, p.file)}:${p.line}: ${p.message.replace(/\n/g, '\n-- ')}\n`;
    }
    const header = `-- ${key}: ${compiled.materialized} ${compiled.relation} on '${target.name}'${compiled.materialized === 'incremental' ? `, is_incremental() ${compiled.isIncremental ? 'true' : 'false'}` : ''}\n`;
    return header + compiled.sql.replace(/^\n+/, '') + (compiled.sql.endsWith('\n') ? '' : '\n');
  }

  private refreshAll(): void {
    for (const uri of this.open.keys()) this.changed.fire(vscode.Uri.parse(uri));
  }

  dispose(): void {
    this.store.dispose();
  }
}

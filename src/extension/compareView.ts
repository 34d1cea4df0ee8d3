import * as vscode from 'vscode';
import type { TargetConfig } from '../core/project/targetConfig';
import type { AssetArgument, AssetGraphService } from './assetGraphService';
import type { CoreAccess } from './coreAccess';
import { DisposableStore } from './disposables';
import type { MotherDuckToken } from './motherDuckToken';
import type { TargetSelection } from './targetSelection';
import { describeTargetLocation } from './targetSelection';
import type { DataCompareSpec } from '../protocol/dataMessages';

const SCHEME = 'asset-studio-compare';

/** What one compare document shows; kept so that reopening it compares again. */
interface CompareSpec {
  readonly root: string;
  readonly from: string;
  readonly to: string;
  readonly asset?: string;
  readonly selections?: readonly string[];
}

/**
 * **Asset Studio: Compare with Target…** (an asset, current target against the
 * one picked: a diff drawn in the data panel) and **Preview Promotion…** (every
 * asset, or an asset and what is downstream of it: a read-only Markdown
 * document beside the editor). Both targets are only read.
 */
export class CompareView implements vscode.Disposable, vscode.TextDocumentContentProvider {
  private readonly store = new DisposableStore();
  private readonly changed = this.store.add(new vscode.EventEmitter<vscode.Uri>());
  readonly onDidChange = this.changed.event;
  /** The last report of each open document, for the in-editor tests. */
  readonly reports = new Map<string, { readonly ok: boolean; readonly markdown: string }>();
  /** Picks the other target; a field so the in-editor tests can answer it. */
  pickTarget = async (targets: readonly TargetConfig[], current: string): Promise<TargetConfig | undefined> =>
    (
      await vscode.window.showQuickPick(
        targets.map((t) => ({ label: t.name, description: describeTargetLocation(t), target: t })),
        { title: `Asset Studio: Compare ${current} with…`, placeHolder: 'The target to compare with (read only, nothing is written)' },
      )
    )?.target;

  constructor(
    private readonly core: CoreAccess,
    private readonly graphs: AssetGraphService,
    private readonly targets: TargetSelection,
    private readonly token: MotherDuckToken,
    private readonly log: vscode.LogOutputChannel,
    /** Draws one asset's compare in the data panel. */
    private readonly showInPanel: (spec: DataCompareSpec) => unknown,
  ) {
    this.store.add(vscode.workspace.registerTextDocumentContentProvider(SCHEME, this));
  }

  /** Compares the asset of the argument (else the active editor's) between the current target and `toName` (the Compare lens) or a picked one, in the data panel. */
  async compare(arg?: AssetArgument, toName?: string): Promise<DataCompareSpec | undefined> {
    await this.graphs.ready;
    const found = this.graphs.assetFor(arg);
    if (!found) {
      void vscode.window.showInformationMessage('Asset Studio: Compare with Target works on an asset: open its definition, or pick it in the Assets view.');
      return undefined;
    }
    // The asset's folder's targets: another folder's 'prod' may be another file altogether.
    const named = typeof toName === 'string' ? this.targets.targetsOf(found.root).find((t) => t.name === toName && t.name !== this.targets.currentName()) : undefined;
    const to = named ?? (await this.otherTarget(found.root));
    if (!to) return undefined;
    const spec: DataCompareSpec = { root: found.root, from: this.targets.currentName(), to: to.name, asset: found.node.id };
    this.showInPanel(spec);
    return spec;
  }

  /** The promotion preview of the current target onto a picked one: the asset and its downstream, or everything. */
  async preview(arg?: AssetArgument): Promise<vscode.TextDocument | undefined> {
    await this.graphs.ready;
    const found = arg === undefined ? undefined : this.graphs.assetFor(arg);
    const root = found?.root ?? this.graphs.roots()[0];
    if (!root) return undefined;
    const to = await this.otherTarget();
    if (!to) return undefined;
    return this.open({ root, from: this.targets.currentName(), to: to.name, selections: [found ? `${found.node.id}+` : '*'] });
  }

  private async otherTarget(root?: string): Promise<TargetConfig | undefined> {
    const current = this.targets.currentName();
    const others = (root ? this.targets.targetsOf(root) : this.targets.allTargets()).filter((t) => t.name !== current);
    if (others.length === 0) {
      void vscode.window.showInformationMessage(`Asset Studio: '${current}' is the only target: add another to asset-studio.yml (or profiles.yml) to compare.`);
      return undefined;
    }
    return this.pickTarget(others, current);
  }

  private async open(spec: CompareSpec): Promise<vscode.TextDocument> {
    const name = spec.asset ?? 'promotion';
    const uri = vscode.Uri.from({ scheme: SCHEME, path: `/${name} (${spec.from} → ${spec.to}).md`, query: encodeURIComponent(JSON.stringify(spec)) });
    // Opening again compares again: the targets may have changed since.
    this.changed.fire(uri);
    const doc = await vscode.workspace.openTextDocument(uri);
    await vscode.languages.setTextDocumentLanguage(doc, 'markdown');
    await vscode.window.showTextDocument(doc, { viewColumn: vscode.ViewColumn.Beside, preview: false, preserveFocus: true });
    return doc;
  }

  async provideTextDocumentContent(uri: vscode.Uri): Promise<string> {
    const spec = JSON.parse(decodeURIComponent(uri.query)) as CompareSpec;
    const graph = this.graphs.graphOf(spec.root);
    const all = this.targets.allTargets();
    const from = all.find((t) => t.name === spec.from);
    const to = all.find((t) => t.name === spec.to);
    if (!graph || !from || !to) return `# Compare\n\nThe workspace or one of the targets ('${spec.from}', '${spec.to}') is gone.\n`;
    const report = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Window, title: `Comparing ${spec.asset ?? 'assets'}: ${spec.from} → ${spec.to}` },
      async () => {
        try {
          return await this.core.compare({ root: spec.root, graph, from, to, asset: spec.asset, selections: spec.selections, token: await this.token.get() });
        } catch (err) {
          return { ok: false, markdown: `# Compare failed\n\n${err instanceof Error ? err.message : String(err)}\n` };
        }
      },
    );
    this.reports.set(uri.toString(), report);
    if (!report.ok) this.log.warn(`Compare ${spec.asset ?? spec.selections?.join(' ')} ${spec.from} → ${spec.to}: ${report.markdown.split('\n').filter(Boolean)[1] ?? ''}`);
    return report.markdown;
  }

  dispose(): void {
    this.store.dispose();
  }
}

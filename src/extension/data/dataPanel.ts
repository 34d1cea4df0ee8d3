import * as vscode from 'vscode';
import { randomBytes } from 'node:crypto';
import { DisposableStore } from '../disposables';
import { dataHtml } from './dataHtml';
import { parseDataPanelMessage } from '../../protocol/parseDataPanelMessage';
import type { DataExtensionToWebviewMessage, DataPanelSource, DataViewSpec, DataWebviewToExtensionMessage, RequestPageMessage, RequestProfileMessage } from '../../protocol/dataMessages';
import type { TargetConfig } from '../../core/project/targetConfig';
import type { DataSource } from '../../core/data/dataView';
import type { DataReadSession } from '../../core/data/dataReadSession';
import type { DataPage } from '../../core/data/dataReader';
import { DATA_PAGE_ROWS } from '../../protocol/dataMessages';
import type { AssetGraphService } from '../assetGraphService';
import type { TargetSelection } from '../targetSelection';
import type { MotherDuckToken } from '../motherDuckToken';
import type { CoreAccess } from '../coreAccess';
import type { DataCompareSpec } from '../../protocol/dataMessages';
import { compareResultOf } from './compareResult';

export interface DataPanelDeps {
  readonly core: Pick<CoreAccess, 'compare'>;
  readonly graphs: AssetGraphService;
  readonly targets: TargetSelection;
  readonly token: MotherDuckToken;
  readonly log: vscode.LogOutputChannel;
}

/** While another process holds the file, ask again this often, this many times. */
const LOCK_RETRY_MS = 1_500;
const LOCK_RETRIES = 40;

/** What the panel reads now: the source resolved on a target, and the session reading it. */
interface Showing {
  readonly generation: number;
  readonly source: DataPanelSource;
  readonly target: TargetConfig;
  /** When the asset's last run finished, as known when shown: a later run means new data to read. */
  readonly finishedAt?: number;
  /** performance.now() when the command (or the refresh) asked for this show. */
  readonly startedAt: number;
  readonly read?: {
    readonly source: DataSource;
    readonly session: DataReadSession;
    /** The first page, read while the webview starts; used once, by the request it answers. */
    first?: { readonly view: string; readonly page: Promise<DataPage> };
  };
}

function webviewRoot(context: vscode.ExtensionContext): vscode.Uri {
  return vscode.Uri.joinPath(context.extensionUri, 'dist', 'webview');
}

function webviewOptions(context: vscode.ExtensionContext): vscode.WebviewOptions {
  return { enableScripts: true, localResourceRoots: [webviewRoot(context)] };
}

/**
 * The one data panel: an asset's rows or a query's, on a target, paged by
 * DuckDB as the grid scrolls. Reads only, on read-only connections that are
 * closed when reads stop, so it never asks before reading a protected target.
 */
export class DataPanel implements vscode.Disposable {
  static readonly viewType = 'assetStudio.data';
  private static current: DataPanel | undefined;

  private readonly store = new DisposableStore();
  private ready = false;
  private generation = 0;
  private showing: Showing | undefined;
  /** The target chosen in the panel; unset: the workspace's current target. */
  private chosenTarget: string | undefined;
  private view: DataViewSpec = { sort: [], filters: [] };
  /** The last show (and its error), sent again when the webview says it is ready. */
  private replay: DataExtensionToWebviewMessage[] = [];
  /** The first row on screen in the grid, as its latest page request said. */
  private screenRow = 0;
  /** The compare shown, when the panel shows one instead of rows. */
  private comparing: { readonly generation: number; readonly spec: DataCompareSpec } | undefined;

  static show(context: vscode.ExtensionContext, deps: DataPanelDeps, source: DataPanelSource): DataPanel {
    const panel = DataPanel.openOrReveal(context, deps);
    void panel.showSource(source, true);
    return panel;
  }

  /** The one panel, revealed beside the editor; made when there is none. */
  private static openOrReveal(context: vscode.ExtensionContext, deps: DataPanelDeps): DataPanel {
    const panel = DataPanel.current;
    if (panel) {
      panel.panel.reveal(undefined, true);
      return panel;
    }
    const webviewPanel = vscode.window.createWebviewPanel(DataPanel.viewType, 'Asset Data', { viewColumn: vscode.ViewColumn.Beside, preserveFocus: true }, { ...webviewOptions(context), retainContextWhenHidden: true });
    return DataPanel.adopt(context, deps, webviewPanel);
  }

  /** Takes over a panel VS Code restored after a window reload, showing what it showed. */
  static revive(context: vscode.ExtensionContext, deps: DataPanelDeps, webviewPanel: vscode.WebviewPanel, saved: { source?: DataPanelSource; compare?: DataCompareSpec; target?: string; view?: DataViewSpec }): DataPanel {
    DataPanel.current?.panel.dispose();
    webviewPanel.webview.options = webviewOptions(context);
    const panel = DataPanel.adopt(context, deps, webviewPanel);
    panel.chosenTarget = saved.target;
    if (saved.view) panel.view = saved.view;
    if (saved.compare) void panel.compare(saved.compare);
    else if (saved.source) void panel.showSource(saved.source, false);
    return panel;
  }

  /** Compare with Target…: the asset on two targets, drawn as a diff in the panel. */
  static showCompare(context: vscode.ExtensionContext, deps: DataPanelDeps, spec: DataCompareSpec): DataPanel {
    const panel = DataPanel.openOrReveal(context, deps);
    void panel.compare(spec);
    return panel;
  }

  static get active(): DataPanel | undefined {
    return DataPanel.current;
  }

  private static adopt(context: vscode.ExtensionContext, deps: DataPanelDeps, webviewPanel: vscode.WebviewPanel): DataPanel {
    webviewPanel.iconPath = vscode.Uri.joinPath(context.extensionUri, 'media', 'asset-studio.svg');
    const panel = new DataPanel(webviewPanel, webviewRoot(context), deps);
    DataPanel.current = panel;
    context.subscriptions.push(panel);
    return panel;
  }

  private constructor(
    private readonly panel: vscode.WebviewPanel,
    root: vscode.Uri,
    private readonly deps: DataPanelDeps,
  ) {
    const webview = panel.webview;
    const uri = (file: string): string => webview.asWebviewUri(vscode.Uri.joinPath(root, file)).toString();
    webview.html = dataHtml({ cspSource: webview.cspSource, nonce: randomBytes(18).toString('base64'), scriptUri: uri('data.js'), styleUri: uri('data.css'), codiconUri: uri('codicon.css') });
    this.store.add(webview.onDidReceiveMessage((raw: unknown) => this.receive(raw)));
    this.store.add(panel.onDidDispose(() => this.dispose()));
    // A run rewrote the data, or the workspace moved to another target: read again, keeping sort and filters.
    this.store.add(deps.graphs.onDidChangeStates(() => {
      if (this.showing?.source.kind === 'asset' && this.finishedAt(this.showing.source) !== this.showing.finishedAt) this.reshow();
    }));
    this.store.add(deps.targets.onDidChange(() => {
      if (!this.chosenTarget) this.reshow();
    }));
  }

  private reshow(): void {
    if (this.showing) void this.showSource(this.showing.source, false);
  }

  /** Shows a source: resolves its target and relation, then the webview asks for pages. */
  async showSource(source: DataPanelSource, resetView: boolean): Promise<void> {
    const startedAt = performance.now();
    const generation = ++this.generation;
    this.comparing = undefined;
    if (resetView && !sameSource(source, this.showing?.source)) this.view = { sort: [], filters: [] };
    void this.showing?.read?.session.close();
    const target = this.targetOf(source.root);
    const title = source.kind === 'asset' ? source.key : 'Query';
    this.panel.title = `Data: ${title}`;
    if (!target) {
      this.showing = undefined;
      this.post({ type: 'error', generation, message: 'No target is configured for this folder yet: open an asset-studio.yml or dbt project.' });
      return;
    }
    const showing: Showing = { generation, source, target, startedAt, ...(source.kind === 'asset' ? { finishedAt: this.finishedAt(source) } : {}) };
    this.showing = showing;
    // The asset's folder's targets only: another folder's 'prod' may be another file altogether.
    const targets = this.deps.targets.targetsOf(source.root).map((t) => t.name);
    try {
      const token = await this.deps.token.get();
      const [{ DataReadSession }, resolved] = await Promise.all([import('../../core/data/dataReadSession'), this.resolve(source, target)]);
      if (generation !== this.generation) return;
      if (typeof resolved === 'string') {
        this.post({ type: 'show', generation, title, source, target: target.name, targets, view: this.view });
        this.post({ type: 'error', generation, message: resolved });
        return;
      }
      const session = new DataReadSession(target, { projectRoot: source.root, token });
      // Read the first page now rather than when the webview asks: a new panel takes a while to start.
      const page = session.page({ source: resolved, view: this.view, offset: 0, limit: DATA_PAGE_ROWS, count: true });
      page.catch(() => undefined);
      this.showing = { ...showing, read: { source: resolved, session, first: { view: JSON.stringify(this.view), page } } };
      this.post({ type: 'show', generation, title, source, ...(resolved.kind === 'relation' ? { relation: resolved.relation } : {}), target: target.name, targets, view: this.view });
    } catch (err) {
      if (generation === this.generation) this.post({ type: 'error', generation, message: messageOf(err) });
    }
  }

  /** Runs the compare (both targets read-only, nothing written) and draws it; the grid's reads stop meanwhile. */
  async compare(spec: DataCompareSpec): Promise<void> {
    const generation = ++this.generation;
    void this.showing?.read?.session.close();
    this.showing = undefined;
    this.comparing = { generation, spec };
    this.panel.title = `Compare: ${spec.asset}`;
    this.post({ type: 'compare', generation, spec });
    const started = performance.now();
    const targets = this.deps.targets.targetsOf(spec.root);
    const from = targets.find((t) => t.name === spec.from);
    const to = targets.find((t) => t.name === spec.to);
    await this.deps.graphs.ready;
    const graph = this.deps.graphs.graphOf(spec.root);
    const done = (m: { result?: ReturnType<typeof compareResultOf>; error?: string }) => {
      if (this.comparing?.generation === generation && generation === this.generation) this.post({ type: 'compare', generation, spec, ...m, elapsedMs: performance.now() - started });
    };
    if (!graph || !from || !to) {
      done({ error: `The folder or one of the targets ('${spec.from}', '${spec.to}') is gone from ${spec.root}.` });
      return;
    }
    try {
      const report = await this.deps.core.compare({ root: spec.root, graph, from, to, asset: spec.asset, token: await this.deps.token.get() });
      if (report.diff) {
        done({ result: compareResultOf(report.diff) });
        this.deps.log.info(`Compare ${spec.asset} ${spec.from} → ${spec.to}: ${report.diff.rows.changed ?? '?'} changed, ${report.diff.rows.onlyInFrom} only in ${spec.from}, ${report.diff.rows.onlyInTo} only in ${spec.to} (${Math.round(performance.now() - started)} ms)`);
      } else {
        done({ error: report.problem ?? 'The compare could not be made.' });
        this.deps.log.warn(`Compare ${spec.asset} ${spec.from} → ${spec.to}: ${report.problem ?? ''}`);
      }
    } catch (err) {
      done({ error: messageOf(err) });
    }
  }

  private finishedAt(source: DataPanelSource & { kind: 'asset' }): number | undefined {
    return this.deps.graphs.states(source.root).get(source.key)?.finishedAt;
  }

  private targetOf(root: string): TargetConfig | undefined {
    const chosen = this.chosenTarget ? this.deps.targets.targetsOf(root).find((t) => t.name === this.chosenTarget) : undefined;
    return chosen ?? this.deps.targets.targetFor(root);
  }

  /** The core's source for what the panel shows: an asset's relation on the target, or the query as typed. */
  private async resolve(source: DataPanelSource, target: TargetConfig): Promise<DataSource | string> {
    await this.deps.graphs.ready;
    if (source.kind === 'query') {
      const graph = this.deps.graphs.graphOf(source.root);
      const [{ resolveQueryTemplates }, { graphTemplateLookup }] = await Promise.all([import('../../core/data/queryTemplates'), import('../../core/data/queryRelations')]);
      try {
        const sql = graph ? await resolveQueryTemplates(source.sql, graphTemplateLookup(graph, target, source.thisKey)) : source.sql;
        return { kind: 'query', sql };
      } catch (err) {
        return messageOf(err);
      }
    }
    const found = this.deps.graphs.findAsset(source.key);
    if (!found) return `${source.key} is no longer an asset of this workspace.`;
    const { assetRelation } = await import('../../core/data/assetRelation');
    const relation = await assetRelation(found.node, target);
    return relation.ok ? { kind: 'relation', relation: relation.relation } : relation.message;
  }

  private post(message: DataExtensionToWebviewMessage): void {
    if (message.type === 'show' || message.type === 'compare') this.replay = [message];
    else if (message.type === 'error' && message.requestId === undefined) this.replay = [...this.replay.filter((m) => m.type === 'show' && m.generation === message.generation), message];
    // Before the handshake the webview would drop it; the last show is sent again on 'ready'.
    if (this.ready) void this.panel.webview.postMessage(message);
  }

  private receive(raw: unknown): void {
    const message = parseDataPanelMessage(raw);
    if (!message) {
      this.deps.log.warn('Data panel: ignored a malformed message from the panel');
      return;
    }
    this.handle(message);
  }

  private handle(message: DataWebviewToExtensionMessage): void {
    switch (message.type) {
      case 'ready':
        this.ready = true;
        for (const m of this.replay) void this.panel.webview.postMessage(m);
        return;
      case 'requestPage':
        void this.readPage(message, 0);
        return;
      case 'requestProfile':
        void this.readProfile(message);
        return;
      case 'selectTarget':
        this.chosenTarget = message.target;
        this.reshow();
        return;
      case 'copy':
        void vscode.env.clipboard.writeText(message.text);
        return;
      case 'drawn': {
        const showing = this.current(message.generation);
        if (showing) this.deps.log.info(`Data: ${message.rows} rows of ${showing.source.kind === 'asset' ? showing.source.key : 'a query'} on '${showing.target.name}' drawn ${Math.round(performance.now() - showing.startedAt)} ms after the command`);
        return;
      }
      case 'export':
        void this.exportView(message.generation, message.view, message.format);
        return;
      case 'compareAgain':
        if (this.comparing && this.comparing.generation === message.generation) void this.compare(this.comparing.spec);
        return;
      case 'previewSide':
        if (this.comparing && this.comparing.generation === message.generation) {
          this.chosenTarget = message.target;
          void this.showSource({ kind: 'asset', key: this.comparing.spec.asset, root: this.comparing.spec.root }, true);
        }
        return;
      case 'runQuery': {
        const root = this.showing?.source.root ?? this.deps.graphs.roots()[0];
        const thisKey = this.showing?.source.kind === 'asset' ? this.showing.source.key : this.showing?.source.thisKey;
        if (root) void this.showSource({ kind: 'query', sql: message.sql, root, ...(thisKey ? { thisKey } : {}) }, true);
        return;
      }
    }
  }

  private current(generation: number): Showing | undefined {
    return this.showing && this.showing.generation === generation && generation === this.generation ? this.showing : undefined;
  }

  private async readPage(m: RequestPageMessage, attempt: number): Promise<void> {
    const showing = this.current(m.generation);
    if (!showing?.read) return;
    this.view = m.view;
    this.screenRow = m.screenRow;
    try {
      const first = showing.read.first;
      showing.read.first = undefined;
      const ahead = first && m.offset === 0 && m.count && m.limit === DATA_PAGE_ROWS && first.view === JSON.stringify(m.view) ? first.page : undefined;
      // A page more than two pages from where the grid is now, by the time its read comes up, is skipped.
      const stillWanted = () => m.count || Math.abs(m.offset - this.screenRow) <= 2 * m.limit + m.limit;
      const page = await (ahead ?? showing.read.session.page({ source: showing.read.source, view: m.view, offset: m.offset, limit: m.limit, count: m.count }, { stillWanted, screen: m.screen === true }));
      if (!this.current(m.generation)) return;
      this.deps.log.debug(`Data: ${page.rows.length} rows at ${m.offset} in ${Math.round(page.elapsedMs)} ms: ${page.sql}`);
      this.post({ type: 'page', generation: m.generation, requestId: m.requestId, offset: page.offset, columns: page.columns, rows: page.rows, ...(page.totalRows !== undefined ? { totalRows: page.totalRows } : {}), sql: page.sql, elapsedMs: page.elapsedMs });
    } catch (err) {
      if (!this.current(m.generation)) return;
      if (err instanceof Error && err.name === 'SkippedRead') {
        this.post({ type: 'error', generation: m.generation, requestId: m.requestId, message: '', skipped: true });
        return;
      }
      const locked = isLocked(err);
      if (locked && attempt < LOCK_RETRIES) {
        this.post({ type: 'error', generation: m.generation, requestId: m.requestId, message: `${messageOf(err)} Retrying…`, retrying: true });
        setTimeout(() => void this.readPage(m, attempt + 1), LOCK_RETRY_MS);
        return;
      }
      this.post({ type: 'error', generation: m.generation, requestId: m.requestId, message: messageOf(err) });
    }
  }

  private async readProfile(m: RequestProfileMessage): Promise<void> {
    const showing = this.current(m.generation);
    if (!showing?.read) return;
    try {
      const profile = await showing.read.session.profile(showing.read.source, m.view);
      if (!this.current(m.generation)) return;
      this.post({ type: 'profile', generation: m.generation, requestId: m.requestId, columns: profile.columns, ...(profile.sample ? { sample: profile.sample } : {}), sql: profile.sql, elapsedMs: profile.elapsedMs });
    } catch (err) {
      if (this.current(m.generation)) this.post({ type: 'error', generation: m.generation, requestId: m.requestId, message: messageOf(err) });
    }
  }

  private async exportView(generation: number, view: DataViewSpec, format: 'csv' | 'parquet'): Promise<void> {
    const showing = this.current(generation);
    if (!showing?.read) return;
    const name = showing.source.kind === 'asset' ? showing.source.key.replace(/[\\/]/g, '_') : 'query';
    const file = await vscode.window.showSaveDialog({
      title: `Export ${showing.source.kind === 'asset' ? showing.source.key : 'the query'} from '${showing.target.name}'`,
      defaultUri: vscode.Uri.joinPath(vscode.Uri.file(showing.source.root), `${name}.${format}`),
      filters: format === 'csv' ? { CSV: ['csv'] } : { Parquet: ['parquet'] },
    });
    if (!file) return;
    try {
      const done = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: `Exporting to ${file.fsPath}…` }, () => showing.read!.session.export(showing.read!.source, view, file.fsPath, format));
      this.deps.log.info(`Data: exported ${done.rows} rows: ${done.sql}`);
      void vscode.window.showInformationMessage(`Asset Studio: exported ${done.rows.toLocaleString()} rows to ${file.fsPath}`);
    } catch (err) {
      void vscode.window.showErrorMessage(`Asset Studio: could not export to ${file.fsPath}: ${messageOf(err)}`);
    }
  }

  dispose(): void {
    if (DataPanel.current === this) DataPanel.current = undefined;
    void this.showing?.read?.session.close();
    this.store.dispose();
    this.panel.dispose();
  }
}

function sameSource(a: DataPanelSource, b: DataPanelSource | undefined): boolean {
  if (!b || a.kind !== b.kind || a.root !== b.root) return false;
  return a.kind === 'asset' ? a.key === (b as typeof a).key : a.sql === (b as typeof a).sql;
}

function isLocked(err: unknown): boolean {
  return typeof err === 'object' && err !== null && (err as { reason?: unknown }).reason === 'locked';
}

function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

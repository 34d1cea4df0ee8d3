import * as vscode from 'vscode';
import { randomBytes } from 'node:crypto';
import { DisposableStore } from '../disposables';
import type { CommandId } from '../commands';
import { lineageHtml } from './lineageHtml';
import { lineagePageAssets } from './lineagePageAssets';
import { definitionColumn } from './definitionColumn';
import { afterFirstDrawing } from './afterFirstDrawing';
import type { InlinedDrawing } from './afterFirstDrawing';
import type { OpeningTimeline } from './openingTimeline';
import { parseWebviewMessage } from '../../protocol/parseWebviewMessage';
import type {
  ExtensionToWebviewMessage,
  FirstDrawing,
  LineageAssetColumns,
  LineageAssetDetails,
  LineageColumnLink,
  LineageSnapshot,
  MaterializeMode,
  RememberedLayout,
  WebviewToExtensionMessage,
} from '../../protocol/lineageMessages';

export interface LineagePanelDeps {
  /** The graph with its state on the current target, as it is now. */
  getSnapshot(): LineageSnapshot;
  /** Fires after a run, a target switch or a file change. */
  readonly onDidChange: vscode.Event<void>;
  /** `column` says where, from the file's URI: the panel passes a group other than its own. */
  openDefinition(key: string, column?: (file: vscode.Uri) => vscode.ViewColumn): void;
  materialize(key: string, mode: MaterializeMode): void;
  /** Opens the data panel on the asset's rows. */
  previewData?(key: string): void;
  /** Compares the asset between the current target and one the user picks. */
  compare?(key: string): void;
  runChecks(key: string): void;
  /** What the details pane shows of a selected asset on the current target. */
  details(key: string): Promise<LineageAssetDetails | undefined>;
  /** An asset's output columns, when a node is expanded. */
  columns(key: string): Promise<LineageAssetColumns>;
  /** A column's upstream and downstream columns across the graph, with the columns of each asset involved. */
  traceColumn(
    key: string,
    column: string,
  ): Promise<{ readonly links: readonly LineageColumnLink[]; readonly assets: readonly LineageAssetColumns[]; readonly truncated: boolean } | { readonly error: string }>;
  readonly log: vscode.LogOutputChannel;
  /** The last layout a panel computed, handed to a new panel with its first snapshot. */
  readonly layouts?: { get(): RememberedLayout | undefined; set(layout: RememberedLayout): void };
  /** The asset defined at a place in a document, to follow the active editor; absent: the panel does not follow. */
  keyAt?(uri: vscode.Uri, line: number): string | undefined;
}

/** The commands behind the panel's materialize actions, for `deps.materialize`. */
export const materializeCommands: Readonly<Record<MaterializeMode, CommandId>> = {
  asset: 'assetStudio.materialize',
  upstream: 'assetStudio.materializeWithUpstream',
  downstream: 'assetStudio.materializeWithDownstream',
};

function webviewRoot(context: vscode.ExtensionContext): vscode.Uri {
  return vscode.Uri.joinPath(context.extensionUri, 'dist', 'webview');
}

function webviewOptions(context: vscode.ExtensionContext): vscode.WebviewOptions {
  return { enableScripts: true, localResourceRoots: [webviewRoot(context), vscode.Uri.joinPath(context.extensionUri, 'media')] };
}

/** One lineage panel per window; `show` reveals it, focused on a key when given. */
export class LineagePanel implements vscode.Disposable {
  static readonly viewType = 'assetStudio.lineage';
  private static current: LineagePanel | undefined;

  private readonly store = new DisposableStore();
  private ready = false;
  private focusKey: string | undefined;
  private snapshot: LineageSnapshot | undefined;
  private snapshotTimer: ReturnType<typeof setTimeout> | undefined;
  private followTimer: ReturnType<typeof setTimeout> | undefined;
  /** An asset the user opened from the panel: following the editor to it would move the graph they are looking at. */
  private openedFromPanel: string | undefined;
  /** Opened before discovery ended: nothing to draw until `graphArrived`. */
  private awaitingGraph = false;
  /** Set from the command to the first paint, then logged once. */
  private opening: OpeningTimeline | undefined;
  /** When the page began loading, on the host's clock (from 'ready'), to place the page's own times in the breakdown. */
  private pageStartedAt: number | undefined;
  /** The first drawing went into the page's HTML: what it showed, and whether the graph changed before the page was ready. */
  private inlined: { readonly focus: string | undefined; changed: boolean } | undefined;

  /**
   * Reveals the panel, or creates it. `opening` times a new panel's first paint;
   * `awaitingGraph`: the graph is not discovered yet, the page boots meanwhile.
   */
  static show(
    context: vscode.ExtensionContext,
    deps: LineagePanelDeps,
    focusKey?: string,
    opening?: { readonly timeline: OpeningTimeline; readonly awaitingGraph: boolean },
  ): LineagePanel {
    const existing = LineagePanel.current;
    if (existing) {
      existing.panel.reveal(undefined, false);
      if (focusKey) existing.focus(focusKey);
      return existing;
    }
    const panel = vscode.window.createWebviewPanel(
      LineagePanel.viewType,
      'Asset Lineage',
      { viewColumn: vscode.ViewColumn.Beside, preserveFocus: true },
      {
        ...webviewOptions(context),
        // Laying out thousands of nodes again each time the tab is shown would be slow; the webview also keeps its view state.
        retainContextWhenHidden: true,
      },
    );
    opening?.timeline.mark('panel created');
    return LineagePanel.adopt(context, deps, panel, focusKey, opening);
  }

  /** Takes over a panel VS Code restored after a window reload (the webview keeps its own view state). */
  static revive(context: vscode.ExtensionContext, deps: LineagePanelDeps, panel: vscode.WebviewPanel): LineagePanel {
    LineagePanel.current?.panel.dispose();
    panel.webview.options = webviewOptions(context);
    return LineagePanel.adopt(context, deps, panel, undefined, undefined);
  }

  private static adopt(
    context: vscode.ExtensionContext,
    deps: LineagePanelDeps,
    panel: vscode.WebviewPanel,
    focusKey: string | undefined,
    opening: { readonly timeline: OpeningTimeline; readonly awaitingGraph: boolean } | undefined,
  ): LineagePanel {
    panel.iconPath = vscode.Uri.joinPath(context.extensionUri, 'media', 'asset-studio.svg');
    const created = new LineagePanel(panel, webviewRoot(context), deps, focusKey, opening);
    LineagePanel.current = created;
    context.subscriptions.push(created);
    return created;
  }

  private constructor(
    private readonly panel: vscode.WebviewPanel,
    webviewRoot: vscode.Uri,
    private readonly deps: LineagePanelDeps,
    focusKey: string | undefined,
    opening: { readonly timeline: OpeningTimeline; readonly awaitingGraph: boolean } | undefined,
  ) {
    this.focusKey = focusKey;
    this.opening = opening?.timeline;
    this.awaitingGraph = opening?.awaitingGraph ?? false;
    const webview = panel.webview;
    const uri = (file: string): string => webview.asWebviewUri(vscode.Uri.joinPath(webviewRoot, file)).toString();
    // A new panel of a discovered graph: the page draws from its HTML as its script runs, no round trip first.
    const first = opening && !opening.awaitingGraph ? this.firstDrawing() : undefined;
    const inline = lineagePageAssets(webviewRoot.fsPath, uri('codicon.ttf'));
    webview.html = lineageHtml(
      {
        cspSource: webview.cspSource,
        nonce: randomBytes(18).toString('base64'),
        scriptUri: uri('lineage.js'),
        workerUri: uri('layout-worker.js'),
        styleUri: uri('lineage.css'),
        codiconUri: uri('codicon.css'),
        preloadFontUris: [uri('codicon.ttf')],
        // Fetched when the built files cannot be read here (the page works either way).
        ...(inline ? { inline } : {}),
      },
      first,
    );
    this.store.add(webview.onDidReceiveMessage((raw: unknown) => this.receive(raw)));
    this.store.add(panel.onDidDispose(() => this.dispose()));
    this.store.add(deps.onDidChange(() => this.scheduleSnapshot()));
    if (deps.keyAt) {
      this.store.add(vscode.window.onDidChangeActiveTextEditor(() => this.scheduleFollow()));
      this.store.add(vscode.window.onDidChangeTextEditorSelection(() => this.scheduleFollow()));
    }
  }

  /** Discovery ended: draw the graph now (focused on `key` if given), without waiting for the targets' states. */
  graphArrived(key: string | undefined): void {
    if (!this.awaitingGraph) {
      if (key) this.focus(key);
      return;
    }
    this.awaitingGraph = false;
    if (key) this.focusKey = key;
    if (this.ready) this.sendFirst();
  }

  /** Where to look, then the first snapshot: told the focus first, the page lays out only that neighbourhood. */
  private sendFirst(): void {
    if (this.focusKey) this.post({ type: 'focus', key: this.focusKey });
    else this.followActiveEditor();
    this.sendSnapshot(this.deps.layouts?.get());
  }

  /** The first snapshot, its remembered layout and where to look, for the page's HTML; undefined if the graph cannot be built now. */
  private firstDrawing(): FirstDrawing | undefined {
    this.focusKey ??= this.activeEditorKey();
    const snapshot = this.takeSnapshot('put in the page');
    if (!snapshot) return undefined;
    this.inlined = { focus: this.focusKey, changed: false };
    const layout = this.deps.layouts?.get();
    return { snapshot, ...(layout ? { layout } : {}), ...(this.focusKey !== undefined ? { focus: this.focusKey } : {}) };
  }

  /** The page is ready and drew what its HTML held: only what changed since is sent. */
  private sendAfterInlined(inlined: InlinedDrawing): void {
    const next = afterFirstDrawing(inlined, this.focusKey);
    if (next.focus !== undefined) this.post({ type: 'focus', key: next.focus });
    if (next.snapshot) this.sendSnapshot();
  }

  /** Shows the neighbourhood of `key`. */
  focus(key: string): void {
    this.focusKey = key;
    this.post({ type: 'focus', key });
  }

  private post(message: ExtensionToWebviewMessage): void {
    // Before the handshake the webview would drop it; what matters is re-sent on 'ready'.
    if (!this.ready) return;
    void this.panel.webview.postMessage(message);
  }

  /** `layout`: a remembered layout the page may use instead of laying the graph out (the first snapshot only). */
  private sendSnapshot(layout?: RememberedLayout): void {
    // Before the page is ready it would be dropped; 'ready' sends the first one (or, after a first drawing in the HTML, this one).
    if (this.inlined && !this.ready) this.inlined.changed = true;
    if (this.awaitingGraph || !this.ready) return;
    const snapshot = this.takeSnapshot('sent');
    if (snapshot) this.post({ type: 'snapshot', snapshot, ...(layout ? { layout } : {}) });
  }

  /** The graph's snapshot for the page, kept as the panel's (`how` it goes there, for the opening's breakdown); undefined when it cannot be built. */
  private takeSnapshot(how: string): LineageSnapshot | undefined {
    let snapshot: LineageSnapshot;
    try {
      snapshot = this.deps.getSnapshot();
    } catch (err) {
      this.deps.log.error(`Lineage: could not build the graph: ${err instanceof Error ? err.message : String(err)}`);
      return undefined;
    }
    this.snapshot = snapshot;
    this.opening?.mark(`snapshot of ${snapshot.nodes.length} assets ${how}${snapshot.statesPending ? ' (states not read yet)' : ''}`);
    return snapshot;
  }

  /** Bursts of changes (a run updating many assets) become one redraw. */
  private scheduleSnapshot(): void {
    clearTimeout(this.snapshotTimer);
    this.snapshotTimer = setTimeout(() => this.sendSnapshot(), 100);
  }

  private scheduleFollow(): void {
    clearTimeout(this.followTimer);
    this.followTimer = setTimeout(() => this.followActiveEditor(), 250);
  }

  /** The asset at the active editor's cursor, when the panel follows the editor. */
  private activeEditorKey(): string | undefined {
    if (!vscode.workspace.getConfiguration('assetStudio').get<boolean>('lineage.followActiveEditor', true)) return undefined;
    const editor = vscode.window.activeTextEditor;
    if (!editor || !this.deps.keyAt) return undefined;
    return this.deps.keyAt(editor.document.uri, editor.selection.active.line + 1);
  }

  private followActiveEditor(): void {
    if (!vscode.workspace.getConfiguration('assetStudio').get<boolean>('lineage.followActiveEditor', true)) return;
    const editor = vscode.window.activeTextEditor;
    if (!editor || !this.deps.keyAt) return;
    const key = this.activeEditorKey();
    if (key !== undefined && key === this.openedFromPanel) return;
    this.openedFromPanel = undefined;
    if (key && key !== this.focusKey) this.focus(key);
  }

  private knows(key: string): boolean {
    return this.snapshot?.nodes.some((n) => n.id === key) ?? false;
  }

  private receive(raw: unknown): void {
    const message = parseWebviewMessage(raw);
    if (!message) {
      this.deps.log.warn('Lineage: ignored a malformed message from the panel');
      return;
    }
    this.handle(message);
  }

  private handle(message: WebviewToExtensionMessage): void {
    switch (message.type) {
      case 'ready': {
        this.ready = true;
        this.pageStartedAt = message.pageStartedAt;
        if (this.opening && message.pageStartedAt !== undefined) {
          this.opening.markAt('page began loading', message.pageStartedAt);
          if (message.scriptLoadedMs !== undefined) this.opening.markAt('its script loaded', message.pageStartedAt + message.scriptLoadedMs);
        }
        this.opening?.mark(`page ready${message.pageMs !== undefined ? ` (its script ran ${Math.round(message.pageMs)} ms after it began loading)` : ''}`);
        const inlined = this.inlined;
        this.inlined = undefined;
        if (inlined) this.sendAfterInlined(inlined);
        else if (!this.awaitingGraph) this.sendFirst();
        return;
      }
      case 'openDefinition':
        if (this.knows(message.key)) {
          this.openedFromPanel = message.key;
          this.deps.openDefinition(message.key, (file) => this.columnBeside(file));
        } else this.deps.log.warn(`Lineage: no asset ${message.key} to open`);
        return;
      case 'materialize':
        if (this.knows(message.key)) this.deps.materialize(message.key, message.mode);
        else this.deps.log.warn(`Lineage: no asset ${message.key} to materialize`);
        return;
      case 'previewData':
        if (this.knows(message.key)) this.deps.previewData?.(message.key);
        return;
      case 'compare':
        if (this.knows(message.key)) this.deps.compare?.(message.key);
        return;
      case 'runChecks':
        if (this.knows(message.key)) this.deps.runChecks(message.key);
        else this.deps.log.warn(`Lineage: no asset ${message.key} to check`);
        return;
      case 'details':
        if (this.knows(message.key)) void this.sendDetails(message.key);
        return;
      case 'columns':
        if (this.knows(message.key)) void this.sendColumns(message.key);
        return;
      case 'columnTrace':
        if (this.knows(message.key)) void this.sendTrace(message.key, message.column);
        return;
      case 'exportSvg':
        void this.saveSvg(message.svg);
        return;
      case 'layout':
        this.deps.layouts?.set(message.layout);
        return;
      case 'rendered':
        if (this.opening && message.nodes > 0) {
          if (message.snapshotMs !== undefined && this.pageStartedAt !== undefined) {
            this.opening.markAt('snapshot in the page', this.pageStartedAt + message.snapshotMs);
          }
          if (message.loadedMs !== undefined && this.pageStartedAt !== undefined) this.opening.markAt('page loaded (shown)', this.pageStartedAt + message.loadedMs);
          if (message.pageMs !== undefined && this.pageStartedAt !== undefined) this.opening.markAt('painted in the page', this.pageStartedAt + message.pageMs);
          this.opening.mark(
            `first ${message.nodes} nodes painted (layout ${Math.round(message.layoutMs)} ms` +
              `${message.inWorker ? ' in a worker' : ''}${message.remembered ? ', remembered from an earlier panel' : ''}, ` +
              `draw ${Math.round(message.drawMs)} ms, ${Math.round(message.totalMs)} ms from snapshot to paint)`,
          );
          this.deps.log.info(`Lineage ${this.opening.summary()}`);
          this.opening = undefined;
        }
        this.deps.log.debug(
          `Lineage: ${message.nodes} nodes, ${message.edges} edges laid out in ${Math.round(message.layoutMs)} ms` +
            `${message.inWorker ? ' (worker)' : ''}, drawn in ${Math.round(message.drawMs)} ms, ${Math.round(message.totalMs)} ms in all`,
        );
        return;
    }
  }

  private async sendDetails(key: string): Promise<void> {
    try {
      const details = await this.deps.details(key);
      if (details) this.post({ type: 'details', details });
    } catch (err) {
      this.deps.log.warn(`Lineage: no details for ${key}: ${err instanceof Error ? err.message : String(err)}`);
    }
  }

  private async sendColumns(key: string): Promise<void> {
    try {
      this.post({ type: 'columns', columns: await this.deps.columns(key) });
    } catch (err) {
      const note = err instanceof Error ? err.message : String(err);
      this.deps.log.warn(`Lineage: no columns for ${key}: ${note}`);
      this.post({ type: 'columns', columns: { key, columns: [], note } });
    }
  }

  private async sendTrace(key: string, column: string): Promise<void> {
    let error: string;
    try {
      const trace = await this.deps.traceColumn(key, column);
      if (!('error' in trace)) {
        this.post({ type: 'columnTrace', key, column, links: trace.links, assets: trace.assets, ...(trace.truncated ? { truncated: true } : {}) });
        return;
      }
      error = trace.error;
    } catch (err) {
      error = err instanceof Error ? err.message : String(err);
    }
    this.deps.log.warn(`Lineage: could not trace ${key}.${column}: ${error}`);
    this.post({ type: 'columnTrace', key, column, links: [], assets: [], error });
  }

  /** An editor group other than the panel's, preferring one that already has the file. */
  private columnBeside(file: vscode.Uri): vscode.ViewColumn {
    const wanted = file.toString();
    const uriOf = (tab: vscode.Tab | undefined): string | undefined =>
      tab?.input instanceof vscode.TabInputText ? tab.input.uri.toString() : undefined;
    const groups = vscode.window.tabGroups.all.map((g) => {
      const active = uriOf(g.activeTab);
      return {
        column: g.viewColumn,
        files: g.tabs.map(uriOf).filter((u): u is string => u !== undefined),
        ...(active !== undefined ? { activeFile: active } : {}),
      };
    });
    const column = definitionColumn(groups, this.panel.viewColumn, wanted);
    return column === 'beside' ? vscode.ViewColumn.Beside : column;
  }

  private async saveSvg(svg: string): Promise<void> {
    const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
    const target = await vscode.window.showSaveDialog({
      title: 'Export Lineage as SVG',
      filters: { SVG: ['svg'] },
      ...(folder ? { defaultUri: vscode.Uri.joinPath(folder, 'lineage.svg') } : {}),
    });
    if (!target) return;
    try {
      await vscode.workspace.fs.writeFile(target, new TextEncoder().encode(svg));
      this.deps.log.info(`Lineage exported to ${target.fsPath}`);
    } catch (err) {
      void vscode.window.showErrorMessage(
        `Asset Studio: could not write ${target.fsPath}: ${err instanceof Error ? err.message : String(err)}`,
      );
    }
  }

  dispose(): void {
    if (LineagePanel.current === this) LineagePanel.current = undefined;
    clearTimeout(this.snapshotTimer);
    clearTimeout(this.followTimer);
    this.store.dispose();
    this.panel.dispose();
  }
}

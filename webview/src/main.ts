// The lineage panel: draws the view model with d3, talks to the extension only through src/protocol.
import { select } from 'd3-selection';
import { zoom as d3zoom, zoomIdentity, zoomTransform } from 'd3-zoom';
import type { ZoomBehavior, ZoomTransform } from 'd3-zoom';
import { linkHorizontal, linkVertical } from 'd3-shape';
import 'd3-transition';
import type {
  ExtensionToWebviewMessage,
  LineageAssetDetails,
  LineageColumnLink,
  LineageSnapshot,
  MaterializeMode,
  WebviewToExtensionMessage,
} from '../../src/protocol/lineageMessages';
import { buildLineageView, defaultViewOptions, statusColour } from './model/lineageViewModel';
import { renderDetails } from './detailsPane';
import {
  afterSnapshot,
  clearSelection,
  columnLines,
  drawnColumnLinks,
  emptyColumnView,
  highlightedColumns,
  isExpanded,
  nodeColumns,
  selectColumn,
  toggleExpanded,
  tracedAssets,
  withColumns,
  withTrace,
} from './model/columnView';
import type { ColumnViewState, NodeColumns } from './model/columnView';
import type { GroupBy, LineageView, LineageViewOptions } from './model/lineageViewModel';
import { clusterSignatures, clustersOnly, layoutClusterBoxes, placeClusters } from './layout/layeredLayout';
import { NodeIndex, roundedPath, routeAround, swapRect, swapXY } from './layout/edgeRoutes';
import type { NodeBox, Pt } from './layout/edgeRoutes';
import {
  chooseDirection,
  contentInView,
  fitTransform,
  flowStart,
  keepInPlace,
  MAX_ZOOM,
  MIN_ZOOM,
  overviewFrame,
  overviewViewport,
  panToOverviewPoint,
  parseFontPx,
  readableScale,
  zoomBy,
  zoomToScale,
} from './model/lineageViewport';
import type { DirectionPreference, LayoutDirection, ViewTransform } from './model/lineageViewport';
import type { ClusterBox, LayoutInput, LayoutNodeInput, LayoutResult, PlacedNode } from './layout/layeredLayout';

interface VsCodeApi {
  postMessage(message: unknown): void;
  getState(): unknown;
  setState(state: unknown): void;
}
declare function acquireVsCodeApi(): VsCodeApi;

interface SavedState {
  options: LineageViewOptions;
  transform?: { k: number; x: number; y: number };
  direction?: DirectionPreference;
  legend?: boolean;
}

const NODE_W = 200;
const NODE_H = 44;
/** One column row of an expanded node. */
const ROW_H = 20;
const ROWS_PAD = 6;
/** Above this many nodes the layout runs in the worker so typing and panning stay responsive. */
const WORKER_THRESHOLD = 300;
/** Below this zoom, text is hidden: unreadable anyway, and far cheaper to repaint while panning. */
const FAR_ZOOM = 0.45;
const FAR_MIN_NODES = 150;
/** Above this many nodes, detail is dropped while a pan or zoom is under way. */
const MOVING_THRESHOLD = 800;
const ICON_CHARS: Record<string, string> = {
  database: '\ueace',
  'symbol-method': '\uea8c',
  layers: '\uebd2',
  cloud: '\uebaa',
};
const SVG_NS = 'http://www.w3.org/2000/svg';
/** Size of the overview (minimap) shown when the graph is bigger than the view. */
const OVERVIEW_W = 180;
const OVERVIEW_H = 120;

const vscode = acquireVsCodeApi();
const post = (message: WebviewToExtensionMessage): void => vscode.postMessage(message);

const saved = (vscode.getState() as SavedState | undefined) ?? undefined;
let options: LineageViewOptions = { ...defaultViewOptions, ...(saved?.options ?? {}) };
let savedTransform: ZoomTransform | undefined = saved?.transform
  ? zoomIdentity.translate(saved.transform.x, saved.transform.y).scale(saved.transform.k)
  : undefined;
let snapshot: LineageSnapshot | undefined;
let view: LineageView | undefined;
let layout: LayoutResult | undefined;
let renderSeq = 0;
let directionPreference: DirectionPreference = saved?.direction ?? 'auto';
/** The direction the current layout was made in. */
let direction: LayoutDirection = 'lr';
/** Expanded nodes, their columns and the selected column (webview/src/model/columnView.ts). */
let columnState: ColumnViewState = emptyColumnView;
/** After an expand or a trace: this node keeps its place on screen through the new layout. */
let keepNode: { key: string; top: { x: number; y: number } } | undefined;

function saveState(): void {
  const t = zoomTransform(svgNode);
  const state: SavedState = { options, transform: { k: t.k, x: t.x, y: t.y }, direction: directionPreference, legend: !legend.hidden };
  vscode.setState(state);
}

// ---- page structure -------------------------------------------------------

const app = document.getElementById('app')!;
app.innerHTML = `
<div class="toolbar" role="toolbar" aria-label="Lineage controls">
  <span class="codicon codicon-search" aria-hidden="true"></span>
  <input id="search" type="search" placeholder="Search assets" aria-label="Search assets" spellcheck="false">
  <span class="focus-label" id="focusLabel"></span>
  <label title="Upstream depth">Up <select id="up" aria-label="Upstream depth"></select></label>
  <label title="Downstream depth">Down <select id="down" aria-label="Downstream depth"></select></label>
  <button id="whole" class="icon-button" title="Show the whole graph" aria-label="Show the whole graph"><span class="codicon codicon-globe"></span></button>
  <select id="groupBy" aria-label="Group by" title="Group by">
    <option value="group">By group</option><option value="source">By source</option><option value="none">No groups</option>
  </select>
  <select id="direction" aria-label="Layout direction" title="Layout direction (Auto: top to bottom when the panel is taller than wide)">
    <option value="auto">Auto layout</option><option value="lr">Left → right</option><option value="tb">Top ↓ bottom</option>
  </select>
  <span class="spacer"></span>
  <span class="zoom-buttons" role="group" aria-label="Zoom">
    <button id="zoomOut" class="icon-button" title="Zoom out" aria-label="Zoom out"><span class="codicon codicon-zoom-out"></span></button>
    <button id="zoomReset" class="icon-button" title="Readable size (labels at the editor's font size)" aria-label="Readable size">100%</button>
    <button id="zoomIn" class="icon-button" title="Zoom in" aria-label="Zoom in"><span class="codicon codicon-zoom-in"></span></button>
    <button id="fit" class="icon-button" title="Fit: the whole graph if it fits at a readable size, else centred on the focused asset" aria-label="Fit"><span class="codicon codicon-screen-full"></span></button>
  </span>
  <button id="legendToggle" class="icon-button" title="Legend" aria-label="Show or hide the legend" aria-controls="legend"><span class="codicon codicon-info"></span></button>
  <button id="export" class="icon-button" title="Export SVG" aria-label="Export SVG"><span class="codicon codicon-export"></span></button>
</div>
<div class="legend" id="legend" role="note" aria-label="Legend">
  <span><span class="swatch status-never"></span>never run</span>
  <span><span class="swatch status-fresh"></span>fresh</span>
  <span><span class="swatch status-stale"></span>stale</span>
  <span><span class="swatch status-failed"></span>failed</span>
  <span><span class="swatch status-checks-failing"></span>checks failing</span>
  <span><span class="swatch status-checks-warning"></span>warn-level checks failing</span>
  <span><span class="swatch status-could-not-run"></span>could not run</span>
  <span><span class="swatch status-running"></span>running</span>
  <span><svg width="26" height="8" aria-hidden="true"><path class="edge" d="M1 4 H25"></path></svg>dependency</span>
  <span><svg width="26" height="8" aria-hidden="true"><path class="edge inferred" d="M1 4 H25"></path></svg>inferred from a name</span>
  <span><svg width="26" height="8" aria-hidden="true"><path class="col-link copy" d="M1 4 H25"></path></svg>column copied</span>
  <span><svg width="26" height="8" aria-hidden="true"><path class="col-link transformation" d="M1 4 H25"></path></svg>column transformed</span>
</div>
<div class="status" id="status" role="status" aria-live="polite"></div>
<div class="graph-area">
<svg id="graph" class="lineage-svg" xmlns="${SVG_NS}" role="group" aria-label="Asset lineage graph">
  <defs>
    <marker id="arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse">
      <path d="M 0 0 L 10 5 L 0 10 z" class="arrow-head"></path>
    </marker>
    <marker id="colArrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="6" markerHeight="6" orient="auto-start-reverse">
      <path d="M 0 0 L 10 5 L 0 10 z" class="col-arrow-head"></path>
    </marker>
  </defs>
  <g class="viewport"><g class="clusters"></g><g class="edges"></g><g class="nodes"></g><g class="edges-over"></g></g>
</svg>
<svg id="overview" class="overview" width="${OVERVIEW_W}" height="${OVERVIEW_H}" role="img" aria-label="Overview of the whole graph: click or drag to move the view" hidden>
  <path class="overview-nodes"></path><rect class="overview-view"></rect>
</svg>
<aside class="details" id="details" aria-label="Asset details" hidden></aside>
</div>
<div class="menu" id="menu" role="menu" hidden></div>`;

const searchInput = document.getElementById('search') as HTMLInputElement;
const upSelect = document.getElementById('up') as HTMLSelectElement;
const downSelect = document.getElementById('down') as HTMLSelectElement;
const groupSelect = document.getElementById('groupBy') as HTMLSelectElement;
const directionSelect = document.getElementById('direction') as HTMLSelectElement;
const legend = document.getElementById('legend')!;
legend.hidden = saved?.legend === false;
const focusLabel = document.getElementById('focusLabel')!;
const statusLine = document.getElementById('status')!;
const menu = document.getElementById('menu')!;
const svgNode = document.getElementById('graph') as unknown as SVGSVGElement;
const svg = select<SVGSVGElement, unknown>(svgNode);
const viewport = svg.select<SVGGElement>('g.viewport');
const clusterLayer = viewport.select<SVGGElement>('g.clusters');
const edgeLayer = viewport.select<SVGGElement>('g.edges');
/** Edges no lane could route around the nodes in their way: drawn over the nodes, haloed, rather than hidden behind them. */
const overLayer = viewport.select<SVGGElement>('g.edges-over');
const nodeLayer = viewport.select<SVGGElement>('g.nodes');

for (const sel of [upSelect, downSelect]) {
  for (const [value, text] of [['1', '1'], ['2', '2'], ['3', '3'], ['5', '5'], ['all', 'All']] as const) {
    const o = document.createElement('option');
    o.value = value;
    o.textContent = text;
    sel.appendChild(o);
  }
}

function depthValue(d: number | null): string {
  return d === null ? 'all' : String(d);
}
function parseDepth(v: string): number | null {
  return v === 'all' ? null : Math.max(0, Number.parseInt(v, 10) || 0);
}

function syncControls(): void {
  searchInput.value = options.search;
  upSelect.value = depthValue(options.upstreamDepth);
  downSelect.value = depthValue(options.downstreamDepth);
  groupSelect.value = options.groupBy;
  directionSelect.value = directionPreference;
  const focused = options.focus !== undefined;
  upSelect.disabled = !focused;
  downSelect.disabled = !focused;
  focusLabel.textContent = focused ? `Around ${options.focus}` : 'Whole graph';
}

/** `refit`: the set of nodes shown changes, so the view is fitted to it again. */
function setOptions(next: Partial<LineageViewOptions>, refit = true): void {
  options = { ...options, ...next };
  if (refit) pendingFit = true;
  syncControls();
  saveState();
  scheduleRender();
}

let searchTimer: ReturnType<typeof setTimeout> | undefined;
searchInput.addEventListener('input', () => {
  clearTimeout(searchTimer);
  searchTimer = setTimeout(() => setOptions({ search: searchInput.value }), 150);
});
upSelect.addEventListener('change', () => setOptions({ upstreamDepth: parseDepth(upSelect.value) }));
downSelect.addEventListener('change', () => setOptions({ downstreamDepth: parseDepth(downSelect.value) }));
groupSelect.addEventListener('change', () => setOptions({ groupBy: groupSelect.value as GroupBy }));
directionSelect.addEventListener('change', () => {
  directionPreference = directionSelect.value as DirectionPreference;
  pendingFit = true;
  saveState();
  scheduleRender();
});
document.getElementById('legendToggle')!.addEventListener('click', () => {
  legend.hidden = !legend.hidden;
  saveState();
});
document.getElementById('whole')!.addEventListener('click', () => {
  const { focus: _dropped, ...rest } = options;
  void _dropped;
  options = rest;
  syncControls();
  saveState();
  pendingFit = true;
  scheduleRender();
});
document.getElementById('fit')!.addEventListener('click', () => fit(true));
document.getElementById('zoomIn')!.addEventListener('click', () => applyTransform(zoomBy(viewSize(), zoomTransform(svgNode), 1.25), true));
document.getElementById('zoomOut')!.addEventListener('click', () => applyTransform(zoomBy(viewSize(), zoomTransform(svgNode), 0.8), true));
document.getElementById('zoomReset')!.addEventListener('click', () =>
  applyTransform(zoomToScale(viewSize(), zoomTransform(svgNode), readableScale(editorFontPx())), true),
);
document.getElementById('export')!.addEventListener('click', () => post({ type: 'exportSvg', svg: exportSvg() }));

// ---- zoom -----------------------------------------------------------------

let pendingFit = savedTransform === undefined;
const zoomBehaviour: ZoomBehavior<SVGSVGElement, unknown> = d3zoom<SVGSVGElement, unknown>()
  .scaleExtent([MIN_ZOOM, MAX_ZOOM])
  .on('zoom', (event: { transform: ZoomTransform }) => {
    viewport.attr('transform', event.transform.toString());
    updateDetail(event.transform.k);
    updateOverview();
    scheduleVisibleCheck();
  })
  .on('start', () => {
    gesture = true;
    if ((view?.nodes.length ?? 0) > MOVING_THRESHOLD) svgNode.classList.add('moving');
  })
  .on('end', () => {
    svgNode.classList.remove('moving');
    gesture = false;
    saveState();
    // Edges that came into view during the gesture are routed now.
    if (routesDeferred && drawn) {
      routesDeferred = false;
      drawVisible(true);
    }
  });
svg.call(zoomBehaviour).on('dblclick.zoom', null);
if (savedTransform) svg.call(zoomBehaviour.transform, savedTransform);

/** Small graphs keep their text at any zoom; big ones drop it when zoomed out. */
function isFar(k: number): boolean {
  return k < FAR_ZOOM && (view?.nodes.length ?? 0) > FAR_MIN_NODES;
}
function updateDetail(k: number): void {
  const far = isFar(k);
  if (far !== svgNode.classList.contains('far')) svgNode.classList.toggle('far', far);
}

/** The editor's font size at 100 %, which node labels never go below when the panel fits itself. */
function editorFontPx(): number {
  return parseFontPx(getComputedStyle(document.documentElement).getPropertyValue('--vscode-editor-font-size'));
}

function viewSize(): { width: number; height: number } {
  const { width, height } = svgNode.getBoundingClientRect();
  return { width, height };
}

function applyTransform(t: ViewTransform, animate: boolean): void {
  const z = zoomIdentity.translate(t.x, t.y).scale(t.k);
  if (animate) svg.transition().duration(250).call(zoomBehaviour.transform, z);
  else svg.call(zoomBehaviour.transform, z);
}

/** After a resize that changes the layout's direction: the node to keep in view when no asset is focused. */
let fitAnchor: string | undefined;

/** The node whose centre is nearest the centre of the view now. */
function nodeNearestCentre(): string | undefined {
  if (!layout) return undefined;
  const t = zoomTransform(svgNode);
  const { width, height } = viewSize();
  const [cx, cy] = t.invert([width / 2, height / 2]);
  let best: { id: string; d: number } | undefined;
  for (const n of layout.nodes) {
    const d = (n.x - cx) ** 2 + (n.y - cy) ** 2;
    if (!best || d < best.d) best = { id: n.id, d };
  }
  return best?.id;
}

/** The whole graph when it fits at a readable scale; otherwise that scale, centred on the focused asset. */
function fit(animate: boolean): void {
  if (!layout) return;
  const anchor = options.focus ?? fitAnchor;
  fitAnchor = undefined;
  const focus = anchor !== undefined ? layout.nodes.find((n) => n.id === anchor) : flowStart(layout.nodes, direction);
  const t = fitTransform(viewSize(), layout, { minScale: readableScale(editorFontPx()), ...(focus ? { focus } : {}) });
  applyTransform(t, animate);
}

// ---- layout (worker when large) ------------------------------------------

/** Two workers: this machine class has two cores, and clusters lay out independently. */
const WORKER_COUNT = 2;
/** Above this many nodes dagre skips its repeated crossing-reduction sweeps (about 2x faster, more crossings). */
const FAST_LAYOUT_THRESHOLD = 400;
/** Up to this many nodes the page's first layout runs on the UI thread (about 0.3 s at 500). */
const COLD_UI_LAYOUT_LIMIT = 1500;
let workers: Worker[] | undefined;
let workerFailed = false;
let workerSeq = 0;
type WorkerReply = { boxes?: ClusterBox[]; result?: LayoutResult; error?: string };
const workerWaiting = new Map<number, (reply: WorkerReply) => void>();

async function startWorkers(): Promise<Worker[] | undefined> {
  if (workers || workerFailed) return workers;
  try {
    // Webviews cannot start a worker from a resource URL; a blob: URL of the fetched script works.
    const uri = app.dataset.workerUri;
    if (!uri) throw new Error('no worker script');
    const response = await fetch(uri);
    if (!response.ok) throw new Error(`worker script: HTTP ${response.status}`);
    const blobUrl = URL.createObjectURL(new Blob([await response.text()], { type: 'text/javascript' }));
    const started: Worker[] = [];
    for (let i = 0; i < WORKER_COUNT; i++) {
      const w = new Worker(blobUrl);
      w.onmessage = (event: MessageEvent<WorkerReply & { id: number }>) => {
        const done = workerWaiting.get(event.data.id);
        workerWaiting.delete(event.data.id);
        done?.(event.data);
      };
      w.onerror = () => {
        workerFailed = true;
        for (const done of workerWaiting.values()) done({ error: 'worker failed' });
        workerWaiting.clear();
      };
      started.push(w);
    }
    workers = started;
  } catch (err) {
    workerFailed = true;
    console.warn('Lineage: laying out on the UI thread:', err);
  }
  return workers;
}

function askWorker(w: Worker, input: LayoutInput, place?: ClusterBox[]): Promise<WorkerReply> {
  const id = ++workerSeq;
  return new Promise((resolve) => {
    workerWaiting.set(id, resolve);
    w.postMessage(place ? { id, input, place } : { id, input });
  });
}

/** Splits the clusters in shares of about equal node count, largest first. */
function splitByCluster(input: LayoutInput, shares: number): LayoutInput[] {
  const byCluster = new Map<string, LayoutNodeInput[]>();
  for (const n of input.nodes) {
    const c = n.cluster ?? '';
    (byCluster.get(c) ?? byCluster.set(c, []).get(c)!).push(n);
  }
  const parts = Array.from({ length: shares }, () => ({ nodes: [] as LayoutNodeInput[], ids: new Set<string>() }));
  for (const members of [...byCluster.values()].sort((a, b) => b.length - a.length)) {
    const target = parts.reduce((min, p) => (p.nodes.length < min.nodes.length ? p : min));
    for (const n of members) {
      target.nodes.push(n);
      target.ids.add(n.id);
    }
  }
  return parts
    .filter((p) => p.nodes.length > 0)
    .map((p) => ({
      nodes: p.nodes,
      edges: input.edges.filter((e) => p.ids.has(e.from) && p.ids.has(e.to)),
      ...(input.fast ? { fast: true } : {}),
      ...(input.direction ? { direction: input.direction } : {}),
    }));
}

let lastLayout: { signature: string; result: LayoutResult } | undefined;

/** What the layout depends on: a new snapshot that only changes states reuses the last layout. */
function layoutSignature(input: LayoutInput): string {
  const parts: string[] = [input.direction ?? 'lr'];
  for (const n of input.nodes) parts.push(`${n.id}\u0001${n.cluster ?? ''}\u0001${n.height}`);
  for (const e of input.edges) parts.push(`${e.from}\u0002${e.to}`);
  return parts.join('\u0000');
}

/** Laid-out clusters by signature (clusterSignatures), from the last layout: an expanded node lays out its own cluster only. */
let boxCache = new Map<string, ClusterBox>();

async function computeLayout(input: LayoutInput): Promise<{ result: LayoutResult; inWorker: boolean; laidOut: number }> {
  const signature = layoutSignature(input);
  if (lastLayout?.signature === signature) return { result: lastLayout.result, inWorker: false, laidOut: 0 };
  const signatures = clusterSignatures(input);
  const missing = new Set([...signatures].filter(([, sig]) => !boxCache.has(sig)).map(([c]) => c));
  const fresh = new Map<string, ClusterBox>();
  let inWorker = false;
  let laidOut = 0;
  if (missing.size > 0) {
    const todo = missing.size === signatures.size ? input : clustersOnly(input, missing);
    laidOut = todo.nodes.length;
    let boxes: ClusterBox[] | undefined;
    // The first layout of the page: the page shows nothing else yet, and the workers are cold (their script
    // still loading or compiling: 2x slower than the UI thread, which has the layout code compiled already),
    // so the UI thread lays out a graph it does in a few hundred ms; bigger ones wait for the workers.
    const cold = lastLayout === undefined && todo.nodes.length <= COLD_UI_LAYOUT_LIMIT;
    if (todo.nodes.length > WORKER_THRESHOLD && !cold) {
      const ws = await startWorkers();
      if (ws) {
        const parts = splitByCluster(todo, ws.length);
        const replies = await Promise.all(parts.map((part, i) => askWorker(ws[i]!, part)));
        if (replies.every((r) => r.boxes)) {
          boxes = replies.flatMap((r) => r.boxes!);
          inWorker = true;
        }
      }
    }
    boxes ??= layoutClusterBoxes(todo);
    for (const b of boxes) fresh.set(b.id, b);
  }
  const all = [...signatures].map(([c, sig]) => fresh.get(c) ?? boxCache.get(sig)!);
  let result: LayoutResult | undefined;
  // Placed in a worker too: its layout code is already compiled and warm, the UI thread's is not.
  if (inWorker && workers) result = (await askWorker(workers[0]!, input, all)).result;
  result ??= placeClusters(all, input);
  boxCache = new Map([...signatures].map(([, sig], i) => [sig, all[i]!]));
  lastLayout = { signature, result };
  return { result, inWorker, laidOut };
}

// ---- columns --------------------------------------------------------------

/** Columns of the expanded nodes drawn now, and where each row is (`key\0column` → row). */
let nodeCols = new Map<string, NodeColumns>();
let rowIndex = new Map<string, number>();

function heightFor(cols: NodeColumns | undefined): number {
  return cols ? NODE_H + columnLines(cols) * ROW_H + ROWS_PAD : NODE_H;
}
function heightOf(key: string): number {
  return heightFor(nodeCols.get(key));
}
function nodeTopLeft(p: PlacedNode): { x: number; y: number } {
  return { x: p.x - NODE_W / 2, y: p.y - heightOf(p.id) / 2 };
}

/** Keeps `key` where it is on screen through the layout that follows. */
function holdNode(key: string): void {
  const p = layout?.nodes.find((n) => n.id === key);
  if (p) keepNode = { key, top: nodeTopLeft(p) };
}

function toggleColumns(key: string): void {
  const { state, request } = toggleExpanded(columnState, key);
  columnState = state;
  if (request) post({ type: 'columns', key });
  holdNode(key);
  scheduleRender();
}

function selectColumnRow(key: string, column: string): void {
  const { state, request } = selectColumn(columnState, { asset: key, column });
  columnState = state;
  if (request) post({ type: 'columnTrace', key, column });
  holdNode(key);
  scheduleRender();
}

function clearColumnSelection(): boolean {
  if (!columnState.selected) return false;
  const key = columnState.selected.asset;
  columnState = clearSelection(columnState);
  holdNode(key);
  scheduleRender();
  return true;
}

function columnStatus(): string {
  const sel = columnState.selected;
  if (!sel) return '';
  const t = columnState.trace;
  if (!t) return ` · tracing ${sel.asset}.${sel.column}…`;
  if (t.error) return ` · ${sel.asset}.${sel.column}: ${t.error}`;
  const lit = [...highlightedColumns(columnState).values()];
  const up = lit.filter((h) => h.role === 'upstream').length;
  const down = lit.filter((h) => h.role === 'downstream').length;
  return ` · column ${sel.column}: ${up} upstream, ${down} downstream${t.truncated ? ' (cut at the size limit)' : ''} · Esc clears`;
}

// ---- render ---------------------------------------------------------------

let renderQueued = false;
function scheduleRender(): void {
  if (renderQueued) return;
  renderQueued = true;
  queueMicrotask(() => {
    renderQueued = false;
    void render();
  });
}

const nextFrame = (): Promise<void> => new Promise((resolve) => requestAnimationFrame(() => resolve()));

async function render(): Promise<void> {
  if (!snapshot) return;
  const seq = ++renderSeq;
  const started = performance.now();
  const v = buildLineageView(snapshot, options, Date.now(), tracedAssets(columnState));
  const lit = highlightedColumns(columnState);
  const cols = new Map<string, NodeColumns>();
  for (const n of v.nodes) if (isExpanded(columnState, n.id)) cols.set(n.id, nodeColumns(columnState, n.id, lit));
  const dir = chooseDirection(viewSize(), directionPreference);
  const input: LayoutInput = {
    direction: dir,
    nodes: v.nodes.map((n) => ({ id: n.id, width: NODE_W, height: heightFor(cols.get(n.id)), ...(n.cluster !== undefined ? { cluster: n.cluster } : {}) })),
    edges: v.edges.map((e) => ({ from: e.from, to: e.to })),
    ...(v.nodes.length > FAST_LAYOUT_THRESHOLD ? { fast: true } : {}),
  };
  const layoutStarted = performance.now();
  const { result, inWorker, laidOut } = await computeLayout(input);
  const layoutMs = performance.now() - layoutStarted;
  if (seq !== renderSeq) return; // a newer snapshot or option superseded this one
  view = v;
  layout = result;
  direction = dir;
  nodeCols = cols;
  rowIndex = new Map();
  for (const [key, c] of cols) c.rows.forEach((r, i) => rowIndex.set(`${key}\u0000${r.name.toLowerCase()}`, i));
  const drawStarted = performance.now();
  // Where the view will be first, so that only what is in it is drawn.
  drawn = undefined;
  if (pendingFit) {
    pendingFit = false;
    fit(false);
  } else if (keepNode) {
    const p = result.nodes.find((n) => n.id === keepNode!.key);
    if (p) applyTransform(keepInPlace(zoomTransform(svgNode), keepNode.top, nodeTopLeft(p)), false);
  }
  keepNode = undefined;
  updateDetail(zoomTransform(svgNode).k);
  draw(v, result);
  const drawMs = performance.now() - drawStarted;
  statusLine.textContent =
    `${v.nodes.length} of ${v.total} assets · ${v.edges.length} edges` +
    (snapshot.target ? ` · target ${snapshot.target}` : '') +
    (snapshot.statesPending ? ' · reading states…' : '') +
    (v.focusMissing ? ' · the focused asset no longer exists: showing everything' : '') +
    columnStatus();
  // Two frames: the browser has painted what was drawn.
  await nextFrame();
  await nextFrame();
  console.debug(`Lineage: laid out ${laidOut} of ${v.nodes.length} nodes again`);
  post({
    type: 'rendered',
    nodes: v.nodes.length,
    edges: v.edges.length,
    layoutMs,
    drawMs,
    totalMs: performance.now() - started,
    inWorker,
    pageMs: performance.now(),
  });
}

const edgePathLR = linkHorizontal<{ source: [number, number]; target: [number, number] }, [number, number]>();
const edgePathTB = linkVertical<{ source: [number, number]; target: [number, number] }, [number, number]>();

function esc(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** Above this many nodes, only what is in (or near) the view is in the DOM: at a readable scale that is a few dozen. */
const CULL_MIN_NODES = 150;

interface Drawn {
  readonly v: LineageView;
  readonly l: LayoutResult;
  readonly pos: Map<string, PlacedNode>;
  far: boolean;
  /** Graph-space rectangle whose content is in the DOM (everything when not culling). */
  covered: { x0: number; y0: number; x1: number; y1: number } | undefined;
}
let drawn: Drawn | undefined;

function clusterMarkup(v: LineageView, l: LayoutResult): string {
  const clusterNames = new Map(v.clusters.map((c) => [c.id, c]));
  return l.clusters
    .map((c) => {
      const info = clusterNames.get(c.id);
      return (
        `<g class="cluster" transform="translate(${c.x},${c.y})"><rect rx="6" width="${c.width}" height="${c.height}"></rect>` +
        `<text class="cluster-label" x="10" y="17">${esc(info?.label ?? c.id)} (${info?.size ?? 0})</text></g>`
      );
    })
    .join('');
}

type Rect = { x0: number; y0: number; x1: number; y1: number };

/** Edges and nodes meeting `area` (all when undefined); far: no text, badges or arrowheads (the CSS hides them anyway). */
function edgeMarkup(v: LineageView, pos: Map<string, PlacedNode>, far: boolean, area: Rect | undefined, over?: string[]): string {
  const parts: string[] = [];
  const marker = far ? '' : ' marker-end="url(#arrow)"';
  // Far out, edges all look alike (the CSS drops dashes and arrows): one path of many pieces paints far faster than thousands.
  const merged: string[] = [];
  for (const e of v.edges) {
    const a = pos.get(e.from);
    const b = pos.get(e.to);
    if (!a || !b) continue;
    // Out of the right side into the left one, or out of the bottom into the top.
    // Expanded nodes are taller: lines meet their header, above the column rows.
    const tb = direction === 'tb';
    const x0 = tb ? a.x : a.x + NODE_W / 2;
    const x1 = tb ? b.x : b.x - NODE_W / 2;
    const y0 = tb ? a.y + heightOf(a.id) / 2 : a.y - heightOf(a.id) / 2 + NODE_H / 2;
    const y1 = tb ? b.y - heightOf(b.id) / 2 : b.y - heightOf(b.id) / 2 + NODE_H / 2;
    if (area && (Math.max(x0, x1) < area.x0 || Math.min(x0, x1) > area.x1 || Math.max(y0, y1) < area.y0 || Math.min(y0, y1) > area.y1)) continue;
    if (far) {
      merged.push((tb ? edgePathTB : edgePathLR)({ source: [x0, y0], target: [x1, y1] }) ?? '');
      continue;
    }
    const r = edgeRoute(e.id, e.from, e.to, [x0, y0], [x1, y1]);
    const path = `<path class="${e.className}${r.over ? ' over' : ''}" data-from="${esc(e.from)}" data-to="${esc(e.to)}"${marker} d="${r.d}"></path>`;
    if (r.over) over?.push(`<path class="edge-halo" d="${r.d}"></path>${path}`);
    else parts.push(path);
  }
  if (merged.length > 0) parts.push(`<path class="edge" d="${merged.join('')}"></path>`);
  if (!far) parts.push(columnLinkMarkup(pos));
  return parts.join('');
}

// ---- edge routes ------------------------------------------------------------

/** Routing in one draw stops at this time (performance.now()); what is left is routed in the next frames. */
const ROUTE_BUDGET_MS = 12;
let routeDeadline = Infinity;
let routesPending = false;
/** A pan or zoom is under way: edges coming into view are drawn as curves and routed when it ends, so frames stay short. */
let gesture = false;
let routesDeferred = false;

/** Per layout: the node index and the path of each edge drawn so far (routing is done for edges as they come into view). */
let routes: { layout: LayoutResult; index: NodeIndex; paths: Map<string, { d: string; over: boolean }>; rows?: NodeIndex } | undefined;

function routeIndex(): NonNullable<typeof routes> | undefined {
  if (!layout) return undefined;
  if (routes?.layout !== layout) {
    const tb = direction === 'tb';
    const boxes: NodeBox[] = layout.nodes.map((n) => {
      const h = heightOf(n.id);
      const box = { id: n.id, x0: n.x - NODE_W / 2, y0: n.y - h / 2, x1: n.x + NODE_W / 2, y1: n.y + h / 2 };
      return tb ? swapRect(box) : box;
    });
    const clusters = layout.clusters.map((c) => {
      const box = { id: c.id, x0: c.x, y0: c.y, x1: c.x + c.width, y1: c.y + c.height };
      return tb ? swapRect(box) : box;
    });
    routes = { layout, index: new NodeIndex(boxes, clusters), paths: new Map() };
  }
  return routes;
}

/**
 * The path of an edge: the usual curve when it passes no other node, else
 * around them along a free lane (edgeRoutes.ts); when no lane is free it is
 * drawn over the nodes (`over`), never hidden behind one.
 */
function edgeRoute(id: string, from: string, to: string, start: Pt, end: Pt): { d: string; over: boolean } {
  const tb = direction === 'tb';
  const curve = (): string => (tb ? edgePathTB : edgePathLR)({ source: [start[0], start[1]], target: [end[0], end[1]] }) ?? '';
  const r = routeIndex();
  if (!r) return { d: curve(), over: false };
  const known = r.paths.get(id);
  if (known) return known;
  // Out of this frame's time: the plain curve now, routed in a following frame.
  if (performance.now() > routeDeadline) {
    routesPending = true;
    return { d: curve(), over: false };
  }
  const [s, e] = tb ? [swapXY(start), swapXY(end)] : [start, end];
  const found = routeAround(r.index, from, to, s, e);
  const result =
    found === undefined
      ? { d: curve(), over: r.index.blocks(from, to, s, e) }
      : { d: roundedPath(tb ? found.map(swapXY) : found), over: false };
  r.paths.set(id, result);
  return result;
}

/** A column link from a row's right side to a row's left side (rows are horizontal in either direction), around the nodes in between when it can. */
function columnRoute(from: string, to: string, a: [number, number], b: [number, number]): string {
  const r = routeIndex();
  if (!r) return edgePathLR({ source: a, target: b }) ?? '';
  r.rows ??= direction === 'tb' ? new NodeIndex(r.index.boxes.map(swapRect)) : r.index;
  const found = routeAround(r.rows, from, to, a, b);
  return found ? roundedPath(found) : edgePathLR({ source: a, target: b }) ?? '';
}

/** A row's centre on the node's right (`out`) or left side. */
function rowAnchor(p: PlacedNode, row: number, out: boolean): [number, number] {
  const top = p.y - heightOf(p.id) / 2;
  return [out ? p.x + NODE_W / 2 : p.x - NODE_W / 2, top + NODE_H + row * ROW_H + ROW_H / 2];
}

/** The selected column's links between rows that are drawn: green copies, orange dashed transformations. */
function columnLinkMarkup(pos: Map<string, PlacedNode>): string {
  const rowOf = (asset: string, column: string) => rowIndex.get(`${asset}\u0000${column.toLowerCase()}`);
  const links: LineageColumnLink[] = drawnColumnLinks(columnState, (asset, column) => pos.has(asset) && rowOf(asset, column) !== undefined);
  return links
    .map((l) => {
      const a = rowAnchor(pos.get(l.from.asset)!, rowOf(l.from.asset, l.from.column)!, true);
      const b = rowAnchor(pos.get(l.to.asset)!, rowOf(l.to.asset, l.to.column)!, false);
      // A column computed from another of the same asset: loop out and back on the right.
      const d = l.from.asset === l.to.asset ? `M${a[0]},${a[1]}C${a[0] + 40},${a[1]} ${a[0] + 40},${b[1]} ${a[0]},${b[1]}` : columnRoute(l.from.asset, l.to.asset, a, b);
      return `<path class="col-link ${l.kind}" marker-end="url(#colArrow)" d="${d}"><title>${esc(`${l.from.asset}.${l.from.column} → ${l.to.asset}.${l.to.column}: ${l.kind}`)}</title></path>`;
    })
    .join('');
}

function nodeMarkup(v: LineageView, pos: Map<string, PlacedNode>, far: boolean, area: Rect | undefined): string {
  const parts: string[] = [];
  for (const n of v.nodes) {
    const p = pos.get(n.id);
    if (!p) continue;
    const h = heightOf(n.id);
    if (area && (p.x + NODE_W / 2 < area.x0 || p.x - NODE_W / 2 > area.x1 || p.y + h / 2 < area.y0 || p.y - h / 2 > area.y1)) continue;
    const cols = nodeCols.get(n.id);
    const head =
      `<g class="node ${n.statusClass} source-${n.source}${n.focused ? ' focused' : ''}${n.id === selectedKey ? ' selected' : ''}${cols ? ' expanded' : ''}" tabindex="0" role="button" ` +
      `data-key="${esc(n.id)}" aria-label="${esc(n.title)}" transform="translate(${p.x - NODE_W / 2},${p.y - h / 2})">` +
      `<rect class="node-box" width="${NODE_W}" height="${h}" rx="4"></rect>`;
    if (far) {
      parts.push(`${head}</g>`);
      continue;
    }
    const sub = n.detail;
    const badge = n.badge
      ? `<g class="badge${n.badge.failing ? ' failing' : n.badge.warning ? ' warning' : ''}" transform="translate(${NODE_W - 44},6)"><rect width="38" height="16" rx="8"></rect><text x="19" y="12">${esc(n.badge.text)}</text></g>`
      : '';
    parts.push(
      `${head}<rect class="state-bar" width="5" height="${NODE_H}" rx="2"></rect>` +
        `<text class="icon" x="14" y="20">${ICON_CHARS[n.icon] ?? ''}</text>` +
        `<text class="label" x="34" y="19">${esc(truncate(n.label, 24))}</text>` +
        `<text class="sub" x="34" y="35">${esc(truncate(sub, 28))}</text>${badge}` +
        `<g class="col-toggle" role="button" aria-label="${cols ? 'Hide' : 'Show'} columns of ${esc(n.label)}" transform="translate(${NODE_W - 24},24)">` +
        `<rect width="20" height="18" rx="3"></rect><text class="icon" x="3" y="14">${cols ? '\ueab4' : '\ueab6'}</text><title>${cols ? 'Hide' : 'Show'} columns</title></g>` +
        (cols ? rowsMarkup(cols) : '') +
        `</g>`,
    );
  }
  return parts.join('');
}

const viaText = { copy: 'copy', transformation: 'transf.' } as const;

/** An expanded node's column rows under its header; highlighted rows say how they relate to the selected column. */
function rowsMarkup(cols: NodeColumns): string {
  const parts = [`<line class="col-sep" x1="6" x2="${NODE_W - 6}" y1="${NODE_H}" y2="${NODE_H}"></line>`];
  cols.rows.forEach((r, i) => {
    const y = NODE_H + i * ROW_H;
    const cls = `col-row${r.role ? ` role-${r.role}` : ''}${r.via ? ` via-${r.via}` : ''}`;
    const arrow = r.role === 'upstream' ? '↑ ' : r.role === 'downstream' ? '↓ ' : '';
    const right = r.role === 'selected' ? 'selected' : r.via ? `${arrow}${viaText[r.via]}` : r.kind === 'transformation' ? 'ƒ' : '';
    const label = `${r.name}${r.kind ? ` (${r.kind})` : ''}${r.role && r.role !== 'selected' ? `, ${r.role} of the selected column, ${r.via}` : ''}`;
    parts.push(
      `<g class="${cls}" data-column="${esc(r.name)}" role="button" aria-label="${esc(label)}" transform="translate(0,${y})">` +
        `<rect class="col-bg" x="2" width="${NODE_W - 4}" height="${ROW_H}" rx="2"></rect>` +
        `<text class="col-name" x="12" y="14">${esc(truncate(r.name, 22))}</text>` +
        (right ? `<text class="col-via" x="${NODE_W - 8}" y="14">${esc(right)}</text>` : '') +
        `</g>`,
    );
  });
  const more = cols.message ?? (cols.hidden > 0 ? `+${cols.hidden} more columns` : undefined);
  if (more) parts.push(`<text class="col-note" x="12" y="${NODE_H + cols.rows.length * ROW_H + 14}">${esc(truncate(more, 30))}<title>${esc(more)}</title></text>`);
  return parts.join('');
}

/** The graph-space rectangle in view now. */
function viewRect(): Rect {
  const t = zoomTransform(svgNode);
  const { width, height } = svgNode.getBoundingClientRect();
  const [x0, y0] = t.invert([0, 0]);
  const [x1, y1] = t.invert([width, height]);
  return { x0, y0, x1, y1 };
}

/** Writes the nodes and edges in or near the view (all of them for small graphs) at the current level of detail. */
function drawVisible(force: boolean): void {
  const d = drawn;
  if (!d) return;
  const far = isFar(zoomTransform(svgNode).k);
  const cull = d.v.nodes.length > CULL_MIN_NODES;
  const r = cull ? viewRect() : undefined;
  const inside = !r || (d.covered !== undefined && r.x0 >= d.covered.x0 && r.y0 >= d.covered.y0 && r.x1 <= d.covered.x1 && r.y1 <= d.covered.y1);
  if (!force && far === d.far && inside) return;
  // Half a view of margin each side: a pan redraws only after moving that far.
  const area = r && { x0: r.x0 - (r.x1 - r.x0) / 2, y0: r.y0 - (r.y1 - r.y0) / 2, x1: r.x1 + (r.x1 - r.x0) / 2, y1: r.y1 + (r.y1 - r.y0) / 2 };
  d.far = far;
  d.covered = area;
  const over: string[] = [];
  routeDeadline = gesture ? -Infinity : performance.now() + ROUTE_BUDGET_MS;
  routesPending = false;
  edgeLayer.html(edgeMarkup(d.v, d.pos, far, area, over));
  routeDeadline = Infinity;
  nodeLayer.html(nodeMarkup(d.v, d.pos, far, area));
  overLayer.html(over.join(''));
  if (routesPending && gesture) {
    routesPending = false;
    routesDeferred = true;
  } else if (routesPending) {
    routesPending = false;
    requestAnimationFrame(() => {
      if (drawn === d) drawVisible(true);
    });
  }
}

let visibleCheckQueued = false;
function scheduleVisibleCheck(): void {
  if (visibleCheckQueued || !drawn) return;
  visibleCheckQueued = true;
  requestAnimationFrame(() => {
    visibleCheckQueued = false;
    drawVisible(false);
  });
}

/**
 * Markup in one go (d3's selection.html): for thousands of nodes the parser
 * builds elements many times faster than one DOM call per element. Big graphs
 * keep only what is near the view in the DOM, and far out only boxes and lines.
 */
function draw(v: LineageView, l: LayoutResult): void {
  drawOverview(l);
  clusterLayer.html(clusterMarkup(v, l));
  drawn = { v, l, pos: new Map(l.nodes.map((n) => [n.id, n])), far: false, covered: undefined };
  drawVisible(true);
}

// Hover text on demand: a <title> in each of thousands of nodes would slow drawing down.
nodeLayer.on('mouseover', (event: MouseEvent) => {
  const el = (event.target as Element | null)?.closest?.('g.node');
  if (!el || el.querySelector('title')) return;
  const t = document.createElementNS(SVG_NS, 'title');
  t.textContent = el.getAttribute('aria-label') ?? '';
  el.prepend(t);
});

function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

// ---- interaction ------------------------------------------------------------

function keyOf(target: EventTarget | null): string | undefined {
  const el = (target as Element | null)?.closest?.('g.node');
  return el?.getAttribute('data-key') ?? undefined;
}

nodeLayer.on('click', (event: MouseEvent) => {
  const key = keyOf(event.target);
  if (!key) return;
  const target = event.target as Element;
  if (target.closest('.col-toggle')) {
    toggleColumns(key);
    return;
  }
  const row = target.closest('.col-row');
  if (row) {
    selectColumnRow(key, row.getAttribute('data-column') ?? '');
    return;
  }
  // Opens the definition beside the panel and shows the asset's details here.
  post({ type: 'openDefinition', key });
  selectNode(key);
});
nodeLayer.on('keydown', (event: KeyboardEvent) => {
  const key = keyOf(event.target);
  if (!key) return;
  if (event.key === 'Enter') {
    event.preventDefault();
    post({ type: 'openDefinition', key });
    selectNode(key);
  } else if (event.key === ' ') {
    event.preventDefault();
    selectNode(key);
  } else if (event.key === 'c' && !event.ctrlKey && !event.metaKey && !event.altKey) {
    event.preventDefault();
    toggleColumns(key);
  } else if (event.key === 'ContextMenu' || (event.shiftKey && event.key === 'F10')) {
    event.preventDefault();
    const r = (event.target as Element).getBoundingClientRect();
    openMenu(key, r.left + 20, r.bottom);
  }
});
nodeLayer.on('contextmenu', (event: MouseEvent) => {
  const key = keyOf(event.target);
  if (!key) return;
  event.preventDefault();
  openMenu(key, event.clientX, event.clientY);
});

const menuActions: readonly { label: string; icon: string; run: (key: string) => void }[] = [
  { label: 'Open Definition', icon: 'go-to-file', run: (key) => post({ type: 'openDefinition', key }) },
  { label: 'Show Neighbourhood', icon: 'type-hierarchy', run: (key) => focusOn(key) },
  { label: 'Show or Hide Columns', icon: 'symbol-field', run: (key) => toggleColumns(key) },
  { label: 'Preview Data', icon: 'table', run: (key) => post({ type: 'previewData', key }) },
  { label: 'Compare with Target…', icon: 'diff', run: (key) => post({ type: 'compare', key }) },
  { label: 'Materialize', icon: 'play', run: (key) => materialize(key, 'asset') },
  { label: 'Materialize with Upstream', icon: 'run-above', run: (key) => materialize(key, 'upstream') },
  { label: 'Materialize with Downstream', icon: 'run-below', run: (key) => materialize(key, 'downstream') },
];

function materialize(key: string, mode: MaterializeMode): void {
  post({ type: 'materialize', key, mode });
}

let menuReturnFocus: HTMLElement | SVGElement | undefined;
function openMenu(key: string, x: number, y: number): void {
  menuReturnFocus = document.activeElement as HTMLElement | undefined;
  menu.replaceChildren();
  for (const action of menuActions) {
    const b = document.createElement('button');
    b.setAttribute('role', 'menuitem');
    b.dataset.action = action.label;
    const icon = document.createElement('span');
    icon.className = `codicon codicon-${action.icon}`;
    b.append(icon, ` ${action.label}`);
    b.addEventListener('click', () => {
      closeMenu();
      action.run(key);
    });
    menu.appendChild(b);
  }
  menu.hidden = false;
  const r = menu.getBoundingClientRect();
  menu.style.left = `${Math.min(x, window.innerWidth - r.width - 4)}px`;
  menu.style.top = `${Math.min(y, window.innerHeight - r.height - 4)}px`;
  (menu.firstElementChild as HTMLElement | null)?.focus();
}
function closeMenu(): void {
  if (menu.hidden) return;
  menu.hidden = true;
  (menuReturnFocus as HTMLElement | undefined)?.focus?.();
}
menu.addEventListener('keydown', (event) => {
  const items = [...menu.querySelectorAll<HTMLButtonElement>('button')];
  const i = items.indexOf(document.activeElement as HTMLButtonElement);
  if (event.key === 'Escape') closeMenu();
  else if (event.key === 'ArrowDown') items[(i + 1) % items.length]?.focus();
  else if (event.key === 'ArrowUp') items[(i - 1 + items.length) % items.length]?.focus();
  else return;
  event.preventDefault();
});
document.addEventListener('mousedown', (event) => {
  if (!menu.contains(event.target as Node)) closeMenu();
});

// ---- overview -------------------------------------------------------------------

const overview = document.getElementById('overview') as unknown as SVGSVGElement;
const overviewNodes = overview.querySelector('path')!;
const overviewView = overview.querySelector('rect')!;

/** Every node as a small box, in one path: cheap enough for thousands. */
function drawOverview(l: LayoutResult): void {
  const f = overviewFrame({ width: OVERVIEW_W, height: OVERVIEW_H }, l);
  const w = Math.max(1, NODE_W * f.scale);
  const parts: string[] = [];
  for (const n of l.nodes) {
    const h = Math.max(1, heightOf(n.id) * f.scale);
    const x = f.x + (n.x - NODE_W / 2) * f.scale;
    const y = f.y + (n.y - heightOf(n.id) / 2) * f.scale;
    parts.push(`M${x.toFixed(1)} ${y.toFixed(1)}h${w.toFixed(1)}v${h.toFixed(1)}h${(-w).toFixed(1)}z`);
  }
  overviewNodes.setAttribute('d', parts.join(''));
  updateOverview();
}

/** Shown only while part of the graph is out of view, with the view's rectangle on it. */
function updateOverview(): void {
  if (!layout) return;
  const t = zoomTransform(svgNode);
  const view = viewSize();
  const hide = contentInView(view, layout, t);
  if (overview.hasAttribute('hidden') !== hide) overview.toggleAttribute('hidden', hide);
  if (hide) return;
  const r = overviewViewport(overviewFrame({ width: OVERVIEW_W, height: OVERVIEW_H }, layout), view, t);
  overviewView.setAttribute('x', r.x.toFixed(1));
  overviewView.setAttribute('y', r.y.toFixed(1));
  overviewView.setAttribute('width', Math.max(2, r.width).toFixed(1));
  overviewView.setAttribute('height', Math.max(2, r.height).toFixed(1));
}

function panFromOverview(event: PointerEvent): void {
  if (!layout) return;
  const box = overview.getBoundingClientRect();
  const f = overviewFrame({ width: OVERVIEW_W, height: OVERVIEW_H }, layout);
  applyTransform(panToOverviewPoint(f, viewSize(), zoomTransform(svgNode), event.clientX - box.left, event.clientY - box.top), false);
}
overview.addEventListener('pointerdown', (event) => {
  event.stopPropagation();
  overview.setPointerCapture(event.pointerId);
  panFromOverview(event);
});
overview.addEventListener('pointermove', (event) => {
  if (overview.hasPointerCapture(event.pointerId)) panFromOverview(event);
});
overview.addEventListener('pointerup', (event) => {
  overview.releasePointerCapture(event.pointerId);
  saveState();
});

// ---- details pane -------------------------------------------------------------

const detailsPane = document.getElementById('details')!;
let selectedKey: string | undefined;

function selectNode(key: string): void {
  selectedKey = key;
  for (const el of nodeLayer.node()!.querySelectorAll('g.node.selected')) el.classList.remove('selected');
  nodeLayer.node()!.querySelector(`g.node[data-key="${CSS.escape(key)}"]`)?.classList.add('selected');
  post({ type: 'details', key });
}

function closeDetails(): void {
  selectedKey = undefined;
  detailsPane.hidden = true;
  for (const el of nodeLayer.node()!.querySelectorAll('g.node.selected')) el.classList.remove('selected');
}

function showDetails(d: LineageAssetDetails): void {
  if (d.key !== selectedKey) return;
  renderDetails(detailsPane, d, snapshot?.nodes.find((n) => n.id === d.key), Date.now(), {
    select: selectNode,
    close: closeDetails,
    materialize: (key) => materialize(key, 'asset'),
    runChecks: (key) => post({ type: 'runChecks', key }),
    openDefinition: (key) => post({ type: 'openDefinition', key }),
    previewData: (key) => post({ type: 'previewData', key }),
    compare: (key) => post({ type: 'compare', key }),
    toggleColumns,
  });
  detailsPane.hidden = false;
}

document.addEventListener('keydown', (event) => {
  if (event.key !== 'Escape' || !menu.hidden) return;
  // The highlighted column goes first, then the details pane.
  if (!clearColumnSelection() && !detailsPane.hidden) closeDetails();
});
// A click on empty space (not after a drag: d3-zoom swallows that click) clears the highlighted column.
svg.on('click.columns', (event: MouseEvent) => {
  if (!(event.target as Element).closest('g.node')) clearColumnSelection();
});

function focusOn(key: string): void {
  setOptions({ focus: key });
}

// A panel that turns from wide to tall (or back) lays out again in the direction that suits it.
let resizeTimer: ReturnType<typeof setTimeout> | undefined;
window.addEventListener('resize', () => {
  clearTimeout(resizeTimer);
  resizeTimer = setTimeout(() => {
    if (layout && directionPreference === 'auto' && chooseDirection(viewSize(), 'auto') !== direction) {
      // Keep the asset the user was looking at in view through the new layout.
      fitAnchor = nodeNearestCentre();
      pendingFit = true;
      scheduleRender();
    }
  }, 200);
});

// ---- export -----------------------------------------------------------------

/** The theme colours the drawing uses, resolved now so the file looks the same outside VS Code. */
const exportedVariables = [
  '--vscode-editor-background',
  '--vscode-editor-foreground',
  '--vscode-descriptionForeground',
  '--vscode-disabledForeground',
  '--vscode-testing-iconPassed',
  '--vscode-testing-iconFailed',
  '--vscode-editorWarning-foreground',
  '--vscode-editorError-foreground',
  '--vscode-progressBar-background',
  '--vscode-panel-border',
  '--vscode-editorWidget-background',
  '--vscode-focusBorder',
  '--vscode-badge-background',
  '--vscode-badge-foreground',
  '--vscode-font-family',
];

const statusRules = (['never', 'fresh', 'stale', 'failed', 'could-not-run', 'running', 'checks-failing', 'checks-warning'] as const)
  .map((status) => `.status-${status} .state-bar{fill:${statusColour(status)}}`)
  .join('');

const exportRules = `
.cluster rect{fill:var(--vscode-editorWidget-background);fill-opacity:.35;stroke:var(--vscode-panel-border)}
.cluster-label{fill:var(--vscode-descriptionForeground);font-size:12px}
.edge{fill:none;stroke:var(--vscode-descriptionForeground);stroke-opacity:.6;stroke-width:1.2px}
.edge.inferred{stroke-dasharray:5 4}
.edge-halo{fill:none;stroke:var(--vscode-editor-background);stroke-width:5px;stroke-opacity:.9}
.col-link{fill:none;stroke-width:2px}.col-link.copy{stroke:#89d185}.col-link.transformation{stroke:#d18616;stroke-dasharray:6 3}
.col-sep{stroke:var(--vscode-panel-border)}.col-bg{fill:transparent}.col-name{fill:var(--vscode-editor-foreground);font-size:12px}
.col-via,.col-note{fill:var(--vscode-descriptionForeground);font-size:11px}.col-via{text-anchor:end}.col-toggle rect{fill:transparent}
.col-row.role-selected .col-bg{fill:var(--vscode-focusBorder)}.col-row.via-copy .col-bg{fill:#89d185;fill-opacity:.25}.col-row.via-transformation .col-bg{fill:#d18616;fill-opacity:.25}
.arrow-head{fill:var(--vscode-descriptionForeground)}
.node-box{fill:var(--vscode-editor-background);stroke:var(--vscode-panel-border)}
.node.focused .node-box{stroke:var(--vscode-focusBorder);stroke-width:2px}
.label{fill:var(--vscode-editor-foreground);font-size:13px}
.sub{fill:var(--vscode-descriptionForeground);font-size:11px}
.icon{fill:var(--vscode-descriptionForeground);font-family:codicon;font-size:14px}
.badge rect{fill:var(--vscode-badge-background)}
.badge.failing rect{fill:var(--vscode-editorError-foreground)}
.badge.warning rect{fill:var(--vscode-editorWarning-foreground)}
.badge.warning text{fill:var(--vscode-editor-background)}
.badge text{fill:var(--vscode-badge-foreground);font-size:10px;text-anchor:middle}
text{font-family:var(--vscode-font-family),sans-serif}
${statusRules}`;

function exportSvg(): string {
  const style = getComputedStyle(document.body);
  const vars = exportedVariables
    .map((name) => [name, style.getPropertyValue(name).trim()] as const)
    .filter(([, value]) => value.length > 0)
    .map(([name, value]) => `${name}:${value}`)
    .join(';');
  const w = Math.ceil(layout?.width ?? 0) + 40;
  const h = Math.ceil(layout?.height ?? 0) + 40;
  // Built from the data, not the DOM: big graphs have only what is in view in the DOM.
  const exportOver: string[] = [];
  const all =
    view && layout
      ? `<g class="clusters">${clusterMarkup(view, layout)}</g>` +
        `<g class="edges">${edgeMarkup(view, new Map(layout.nodes.map((n) => [n.id, n])), false, undefined, exportOver)}</g>` +
        `<g class="nodes">${nodeMarkup(view, new Map(layout.nodes.map((n) => [n.id, n])), false, undefined)}</g>` +
        `<g class="edges-over">${exportOver.join('')}</g>`
      : '';
  const defs = svgNode.querySelector('defs')!.outerHTML;
  const background = style.getPropertyValue('--vscode-editor-background').trim() || '#ffffff';
  return (
    `<svg xmlns="${SVG_NS}" width="${w}" height="${h}" viewBox="0 0 ${w} ${h}">` +
    `<style>svg{${vars}}${exportRules}</style>${defs}` +
    `<rect width="100%" height="100%" fill="${background}"/><g transform="translate(20,20)">${all}</g></svg>`
  );
}

// ---- messages from the extension ------------------------------------------------

window.addEventListener('message', (event: MessageEvent<ExtensionToWebviewMessage>) => {
  const message = event.data;
  if (!message || typeof message !== 'object') return;
  if (message.type === 'snapshot') {
    snapshot = message.snapshot;
    // Columns can change with the SQL, the target or a run: ask again for what is shown.
    if (columnState.expanded.size > 0 || columnState.selected) {
      const refreshed = afterSnapshot(columnState, new Set(snapshot.nodes.map((n) => n.id)));
      columnState = refreshed.state;
      for (const key of refreshed.columns) post({ type: 'columns', key });
      if (refreshed.retrace) post({ type: 'columnTrace', key: refreshed.retrace.asset, column: refreshed.retrace.column });
    }
    scheduleRender();
    // A run or a target switch changes what the pane says: ask again.
    if (selectedKey && snapshot.nodes.some((n) => n.id === selectedKey)) post({ type: 'details', key: selectedKey });
    else if (selectedKey) closeDetails();
  } else if (message.type === 'details') {
    showDetails(message.details);
  } else if (message.type === 'columns') {
    columnState = withColumns(columnState, message.columns);
    if (isExpanded(columnState, message.columns.key)) {
      holdNode(message.columns.key);
      scheduleRender();
    }
  } else if (message.type === 'columnTrace') {
    const next = withTrace(columnState, message);
    if (next !== columnState) {
      columnState = next;
      holdNode(message.key);
      scheduleRender();
    }
  } else if (message.type === 'focus') {
    if (message.key !== options.focus) focusOn(message.key);
  }
});

syncControls();
post({ type: 'ready', pageMs: performance.now(), pageStartedAt: performance.timeOrigin });
// Started now, while the extension builds the first snapshot, so a big graph does not wait for them.
void startWorkers();

// Exposed for tests and the benchmark: read-only facts about what is drawn.
(window as unknown as { lineagePanel: unknown }).lineagePanel = {
  get view(): LineageView | undefined {
    return view;
  },
  get layout(): LayoutResult | undefined {
    return layout;
  },
  get direction(): LayoutDirection {
    return direction;
  },
  get columns(): ColumnViewState {
    return columnState;
  },
  get transform(): ViewTransform {
    const t = zoomTransform(svgNode);
    return { k: t.k, x: t.x, y: t.y };
  },
};

// The lineage panel: draws the view model with d3, talks to the extension only through src/protocol.
import { select } from 'd3-selection';
import { zoom as d3zoom, zoomIdentity, zoomTransform } from 'd3-zoom';
import type { ZoomBehavior, ZoomTransform } from 'd3-zoom';
import { linkHorizontal } from 'd3-shape';
import 'd3-transition';
import type {
  ExtensionToWebviewMessage,
  LineageSnapshot,
  MaterializeMode,
  WebviewToExtensionMessage,
} from '../../src/protocol/lineageMessages';
import { buildLineageView, defaultViewOptions } from './model/lineageViewModel';
import type { GroupBy, LineageView, LineageViewOptions, ViewNode } from './model/lineageViewModel';
import { layoutLineage } from './layout/layeredLayout';
import type { LayoutInput, LayoutResult } from './layout/layeredLayout';

interface VsCodeApi {
  postMessage(message: unknown): void;
  getState(): unknown;
  setState(state: unknown): void;
}
declare function acquireVsCodeApi(): VsCodeApi;

interface SavedState {
  options: LineageViewOptions;
  transform?: { k: number; x: number; y: number };
}

const NODE_W = 200;
const NODE_H = 44;
/** Above this many nodes the layout runs in the worker so typing and panning stay responsive. */
const WORKER_THRESHOLD = 300;
/** Below this zoom, text is hidden: unreadable anyway, and far cheaper to repaint while panning. */
const FAR_ZOOM = 0.45;
const ICON_CHARS: Record<string, string> = {
  database: '\ueace',
  'symbol-method': '\uea8c',
  layers: '\uebd2',
  cloud: '\uebaa',
};
const SVG_NS = 'http://www.w3.org/2000/svg';

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
let centreOnFocus = false;

function saveState(): void {
  const t = zoomTransform(svgNode);
  const state: SavedState = { options, transform: { k: t.k, x: t.x, y: t.y } };
  vscode.setState(state);
}

// ---- page structure -------------------------------------------------------

const app = document.getElementById('app')!;
app.innerHTML = `
<div class="toolbar" role="toolbar" aria-label="Lineage controls">
  <span class="codicon codicon-search" aria-hidden="true"></span>
  <input id="search" type="search" placeholder="Search assets" aria-label="Search assets" spellcheck="false">
  <span class="focus-label" id="focusLabel"></span>
  <label>Upstream <select id="up" aria-label="Upstream depth"></select></label>
  <label>Downstream <select id="down" aria-label="Downstream depth"></select></label>
  <button id="whole" class="icon-button" title="Show the whole graph"><span class="codicon codicon-globe"></span> Whole graph</button>
  <label>Group by <select id="groupBy" aria-label="Group by">
    <option value="group">Group</option><option value="source">Source</option><option value="none">None</option>
  </select></label>
  <span class="spacer"></span>
  <button id="fit" class="icon-button" title="Fit to view"><span class="codicon codicon-screen-full"></span></button>
  <button id="export" class="icon-button" title="Export SVG"><span class="codicon codicon-export"></span></button>
</div>
<div class="status" id="status" role="status" aria-live="polite"></div>
<svg id="graph" class="lineage-svg" xmlns="${SVG_NS}" role="group" aria-label="Asset lineage graph">
  <defs>
    <marker id="arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse">
      <path d="M 0 0 L 10 5 L 0 10 z" class="arrow-head"></path>
    </marker>
  </defs>
  <g class="viewport"><g class="clusters"></g><g class="edges"></g><g class="nodes"></g></g>
</svg>
<div class="menu" id="menu" role="menu" hidden></div>`;

const searchInput = document.getElementById('search') as HTMLInputElement;
const upSelect = document.getElementById('up') as HTMLSelectElement;
const downSelect = document.getElementById('down') as HTMLSelectElement;
const groupSelect = document.getElementById('groupBy') as HTMLSelectElement;
const focusLabel = document.getElementById('focusLabel')!;
const statusLine = document.getElementById('status')!;
const menu = document.getElementById('menu')!;
const svgNode = document.getElementById('graph') as unknown as SVGSVGElement;
const svg = select<SVGSVGElement, unknown>(svgNode);
const viewport = svg.select<SVGGElement>('g.viewport');
const clusterLayer = viewport.select<SVGGElement>('g.clusters');
const edgeLayer = viewport.select<SVGGElement>('g.edges');
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
  const focused = options.focus !== undefined;
  upSelect.disabled = !focused;
  downSelect.disabled = !focused;
  focusLabel.textContent = focused ? `Around ${options.focus}` : 'Whole graph';
}

function setOptions(next: Partial<LineageViewOptions>): void {
  options = { ...options, ...next };
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
document.getElementById('export')!.addEventListener('click', () => post({ type: 'exportSvg', svg: exportSvg() }));

// ---- zoom -----------------------------------------------------------------

let pendingFit = savedTransform === undefined;
const zoomBehaviour: ZoomBehavior<SVGSVGElement, unknown> = d3zoom<SVGSVGElement, unknown>()
  .scaleExtent([0.02, 3])
  .on('zoom', (event: { transform: ZoomTransform }) => {
    viewport.attr('transform', event.transform.toString());
    const far = event.transform.k < FAR_ZOOM;
    if (far !== svgNode.classList.contains('far')) svgNode.classList.toggle('far', far);
  })
  .on('end', () => saveState());
svg.call(zoomBehaviour).on('dblclick.zoom', null);
if (savedTransform) svg.call(zoomBehaviour.transform, savedTransform);

function fit(animate: boolean): void {
  if (!layout) return;
  const { width, height } = svgNode.getBoundingClientRect();
  const w = Math.max(layout.width, 1);
  const h = Math.max(layout.height, 1);
  const k = Math.min(1.2, 0.92 * Math.min(width / w, height / h));
  const t = zoomIdentity.translate(width / 2 - (k * w) / 2, height / 2 - (k * h) / 2).scale(k);
  if (animate) svg.transition().duration(250).call(zoomBehaviour.transform, t);
  else svg.call(zoomBehaviour.transform, t);
}

function centreOn(id: string): void {
  const p = layout?.nodes.find((n) => n.id === id);
  if (!p) return;
  const { width, height } = svgNode.getBoundingClientRect();
  const k = Math.max(zoomTransform(svgNode).k, 0.6);
  svg.call(zoomBehaviour.transform, zoomIdentity.translate(width / 2 - k * p.x, height / 2 - k * p.y).scale(k));
}

// ---- layout (worker when large) ------------------------------------------

let worker: Worker | undefined;
let workerFailed = false;
let workerSeq = 0;
const workerWaiting = new Map<number, (r: { result?: LayoutResult; error?: string }) => void>();

async function startWorker(): Promise<Worker | undefined> {
  if (worker || workerFailed) return worker;
  try {
    // Webviews cannot start a worker from a resource URL; a blob: URL of the fetched script works.
    const uri = app.dataset.workerUri;
    if (!uri) throw new Error('no worker script');
    const response = await fetch(uri);
    if (!response.ok) throw new Error(`worker script: HTTP ${response.status}`);
    const blobUrl = URL.createObjectURL(new Blob([await response.text()], { type: 'text/javascript' }));
    const w = new Worker(blobUrl);
    w.onmessage = (event: MessageEvent<{ id: number; result?: LayoutResult; error?: string }>) => {
      const done = workerWaiting.get(event.data.id);
      workerWaiting.delete(event.data.id);
      done?.(event.data);
    };
    w.onerror = () => {
      workerFailed = true;
      for (const done of workerWaiting.values()) done({ error: 'worker failed' });
      workerWaiting.clear();
    };
    worker = w;
  } catch (err) {
    workerFailed = true;
    console.warn('Lineage: laying out on the UI thread:', err);
  }
  return worker;
}

async function computeLayout(input: LayoutInput): Promise<{ result: LayoutResult; inWorker: boolean }> {
  if (input.nodes.length > WORKER_THRESHOLD) {
    const w = await startWorker();
    if (w) {
      const id = ++workerSeq;
      const reply = await new Promise<{ result?: LayoutResult; error?: string }>((resolve) => {
        workerWaiting.set(id, resolve);
        w.postMessage({ id, input });
      });
      if (reply.result) return { result: reply.result, inWorker: true };
    }
  }
  return { result: layoutLineage(input), inWorker: false };
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
  const v = buildLineageView(snapshot, options);
  const input: LayoutInput = {
    nodes: v.nodes.map((n) => ({ id: n.id, width: NODE_W, height: NODE_H, ...(n.cluster !== undefined ? { cluster: n.cluster } : {}) })),
    edges: v.edges.map((e) => ({ from: e.from, to: e.to })),
  };
  const layoutStarted = performance.now();
  const { result, inWorker } = await computeLayout(input);
  const layoutMs = performance.now() - layoutStarted;
  if (seq !== renderSeq) return; // a newer snapshot or option superseded this one
  view = v;
  layout = result;
  const drawStarted = performance.now();
  draw(v, result);
  if (pendingFit) {
    pendingFit = false;
    fit(false);
  } else if (centreOnFocus && options.focus) {
    centreOn(options.focus);
  }
  centreOnFocus = false;
  const drawMs = performance.now() - drawStarted;
  statusLine.textContent =
    `${v.nodes.length} of ${v.total} assets · ${v.edges.length} edges` +
    (snapshot.target ? ` · target ${snapshot.target}` : '') +
    (v.focusMissing ? ' · the focused asset no longer exists: showing everything' : '');
  // Two frames: the browser has painted what was drawn.
  await nextFrame();
  await nextFrame();
  post({
    type: 'rendered',
    nodes: v.nodes.length,
    edges: v.edges.length,
    layoutMs,
    drawMs,
    totalMs: performance.now() - started,
    inWorker,
  });
}

const edgePath = linkHorizontal<{ source: [number, number]; target: [number, number] }, [number, number]>();

function draw(v: LineageView, l: LayoutResult): void {
  const pos = new Map(l.nodes.map((n) => [n.id, n]));
  const clusterNames = new Map(v.clusters.map((c) => [c.id, c]));

  clusterLayer
    .selectAll<SVGGElement, (typeof l.clusters)[number]>('g.cluster')
    .data(l.clusters, (d) => d.id)
    .join((enter) => {
      const g = enter.append('g').attr('class', 'cluster');
      g.append('rect').attr('rx', 6);
      g.append('text').attr('class', 'cluster-label');
      return g;
    })
    .attr('transform', (d) => `translate(${d.x},${d.y})`)
    .call((g) => {
      g.select('rect').attr('width', (d) => d.width).attr('height', (d) => d.height);
      g.select('text')
        .attr('x', 10)
        .attr('y', 17)
        .text((d) => `${clusterNames.get(d.id)?.label ?? d.id} (${clusterNames.get(d.id)?.size ?? 0})`);
    });

  edgeLayer
    .selectAll<SVGPathElement, (typeof v.edges)[number]>('path')
    .data(v.edges, (d) => d.id)
    .join('path')
    .attr('class', (d) => d.className)
    .attr('data-from', (d) => d.from)
    .attr('data-to', (d) => d.to)
    .attr('marker-end', 'url(#arrow)')
    .attr('d', (d) => {
      const a = pos.get(d.from)!;
      const b = pos.get(d.to)!;
      return edgePath({ source: [a.x + NODE_W / 2, a.y], target: [b.x - NODE_W / 2, b.y] });
    });

  nodeLayer
    .selectAll<SVGGElement, ViewNode>('g.node')
    .data(v.nodes, (d) => d.id)
    .join((enter) => {
      const g = enter
        .append('g')
        .attr('tabindex', 0)
        .attr('role', 'button')
        .attr('data-key', (d) => d.id);
      g.append('title');
      g.append('rect').attr('class', 'node-box').attr('width', NODE_W).attr('height', NODE_H).attr('rx', 4);
      g.append('rect').attr('class', 'state-bar').attr('width', 5).attr('height', NODE_H).attr('rx', 2);
      g.append('text').attr('class', 'icon codicon-glyph').attr('x', 14).attr('y', 20);
      g.append('text').attr('class', 'label').attr('x', 34).attr('y', 19);
      g.append('text').attr('class', 'sub').attr('x', 34).attr('y', 35);
      const badge = g.append('g').attr('class', 'badge').attr('transform', `translate(${NODE_W - 44},6)`);
      badge.append('rect').attr('width', 38).attr('height', 16).attr('rx', 8);
      badge.append('text').attr('x', 19).attr('y', 12);
      return g;
    })
    .attr('class', (d) => `node ${d.statusClass} source-${d.source}${d.focused ? ' focused' : ''}`)
    .attr('aria-label', (d) => d.title)
    .attr('transform', (d) => {
      const p = pos.get(d.id)!;
      return `translate(${p.x - NODE_W / 2},${p.y - NODE_H / 2})`;
    })
    .call((g) => {
      g.select('title').text((d) => d.title);
      g.select('rect.state-bar').attr('fill', (d) => d.colour);
      g.select('text.icon').text((d) => ICON_CHARS[d.icon] ?? '');
      g.select('text.label').text((d) => truncate(d.label, 24));
      g.select('text.sub').text((d) => truncate([d.group, d.status === 'checks-failing' ? 'checks failing' : d.status].filter(Boolean).join(' · '), 30));
      g.select('g.badge')
        .attr('display', (d) => (d.badge ? null : 'none'))
        .attr('class', (d) => `badge${d.badge?.failing ? ' failing' : ''}`)
        .select('text')
        .text((d) => d.badge?.text ?? '');
    });
}

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
  if (key) post({ type: 'openDefinition', key });
});
nodeLayer.on('keydown', (event: KeyboardEvent) => {
  const key = keyOf(event.target);
  if (!key) return;
  if (event.key === 'Enter') {
    event.preventDefault();
    post({ type: 'openDefinition', key });
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

function focusOn(key: string): void {
  centreOnFocus = true;
  setOptions({ focus: key });
}

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

const exportRules = `
.cluster rect{fill:var(--vscode-editorWidget-background);fill-opacity:.35;stroke:var(--vscode-panel-border)}
.cluster-label{fill:var(--vscode-descriptionForeground);font-size:12px}
.edge{fill:none;stroke:var(--vscode-descriptionForeground);stroke-opacity:.6;stroke-width:1.2px}
.edge.inferred{stroke-dasharray:5 4}
.arrow-head{fill:var(--vscode-descriptionForeground)}
.node-box{fill:var(--vscode-editor-background);stroke:var(--vscode-panel-border)}
.node.focused .node-box{stroke:var(--vscode-focusBorder);stroke-width:2px}
.label{fill:var(--vscode-editor-foreground);font-size:13px}
.sub{fill:var(--vscode-descriptionForeground);font-size:11px}
.icon{fill:var(--vscode-descriptionForeground);font-family:codicon;font-size:14px}
.badge rect{fill:var(--vscode-badge-background)}
.badge.failing rect{fill:var(--vscode-editorError-foreground)}
.badge text{fill:var(--vscode-badge-foreground);font-size:10px;text-anchor:middle}
text{font-family:var(--vscode-font-family),sans-serif}`;

function exportSvg(): string {
  const style = getComputedStyle(document.body);
  const vars = exportedVariables
    .map((name) => [name, style.getPropertyValue(name).trim()] as const)
    .filter(([, value]) => value.length > 0)
    .map(([name, value]) => `${name}:${value}`)
    .join(';');
  const w = Math.ceil(layout?.width ?? 0) + 40;
  const h = Math.ceil(layout?.height ?? 0) + 40;
  const copy = viewport.node()!.cloneNode(true) as SVGGElement;
  copy.setAttribute('transform', 'translate(20,20)');
  const defs = svgNode.querySelector('defs')!.outerHTML;
  const background = style.getPropertyValue('--vscode-editor-background').trim() || '#ffffff';
  return (
    `<svg xmlns="${SVG_NS}" width="${w}" height="${h}" viewBox="0 0 ${w} ${h}">` +
    `<style>svg{${vars}}${exportRules}</style>${defs}` +
    `<rect width="100%" height="100%" fill="${background}"/>${new XMLSerializer().serializeToString(copy)}</svg>`
  );
}

// ---- messages from the extension ------------------------------------------------

window.addEventListener('message', (event: MessageEvent<ExtensionToWebviewMessage>) => {
  const message = event.data;
  if (!message || typeof message !== 'object') return;
  if (message.type === 'snapshot') {
    snapshot = message.snapshot;
    scheduleRender();
  } else if (message.type === 'focus') {
    if (message.key !== options.focus) focusOn(message.key);
  }
});

syncControls();
post({ type: 'ready' });

// Exposed for tests and the benchmark: read-only facts about what is drawn.
(window as unknown as { lineagePanel: unknown }).lineagePanel = {
  get view(): LineageView | undefined {
    return view;
  },
  get layout(): LayoutResult | undefined {
    return layout;
  },
};

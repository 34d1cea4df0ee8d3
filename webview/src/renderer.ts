// One render: the view model from the snapshot and options, its layout, then the view placed and the graph drawn.
import { zoomTransform } from 'd3-zoom';
import { buildLineageView } from './model/lineageViewModel';
import { highlightedColumns, isExpanded, nodeColumns, tracedAssets } from './model/columnView';
import type { NodeColumns } from './model/columnView';
import { chooseDirection, keepInPlace } from './model/lineageViewport';
import type { LayoutInput } from './layout/layeredLayout';
import type { PanelState } from './panelState';
import { draw } from './render/drawing';
import { heightFor, nodeTopLeft, NODE_W } from './render/nodeGeometry';
import { statusText } from './render/statusLine';
import { applyTransform, fit, updateDetail, viewSize } from './zoomView';

/** From this many nodes a computed layout of the whole graph is handed to the extension, to spare the next panel laying it out again. */
const REMEMBER_FROM_NODES = 100;

/** Above this many nodes dagre skips its repeated crossing-reduction sweeps (about 2x faster, more crossings). */
const FAST_LAYOUT_THRESHOLD = 400;

/** Renders once after the current task, however many changes it made. */
export function scheduleRender(state: PanelState): void {
  if (state.renderQueued) return;
  state.renderQueued = true;
  queueMicrotask(() => {
    state.renderQueued = false;
    void render(state);
  });
}

const nextFrame = (): Promise<void> => new Promise((resolve) => requestAnimationFrame(() => resolve()));

async function render(state: PanelState): Promise<void> {
  const snapshot = state.snapshot;
  if (!snapshot) return;
  const seq = ++state.renderSeq;
  const started = performance.now();
  const { columnState } = state;
  const v = buildLineageView(snapshot, state.options, Date.now(), tracedAssets(columnState));
  const lit = highlightedColumns(columnState);
  const cols = new Map<string, NodeColumns>();
  for (const n of v.nodes) if (isExpanded(columnState, n.id)) cols.set(n.id, nodeColumns(columnState, n.id, lit));
  const dir = chooseDirection(viewSize(state), state.directionPreference);
  const input: LayoutInput = {
    direction: dir,
    nodes: v.nodes.map((n) => ({ id: n.id, width: NODE_W, height: heightFor(cols.get(n.id)), ...(n.cluster !== undefined ? { cluster: n.cluster } : {}) })),
    edges: v.edges.map((e) => ({ from: e.from, to: e.to })),
    ...(v.nodes.length > FAST_LAYOUT_THRESHOLD ? { fast: true } : {}),
  };
  const layoutStarted = performance.now();
  const { result, inWorker, laidOut, remembered, key } = await state.layouts.computeLayout(input);
  const layoutMs = performance.now() - layoutStarted;
  if (seq !== state.renderSeq) return; // a newer snapshot or option superseded this one
  state.view = v;
  state.layout = result;
  state.direction = dir;
  state.nodeCols = cols;
  state.rowIndex = new Map();
  for (const [key, c] of cols) c.rows.forEach((r, i) => state.rowIndex.set(`${key}\u0000${r.name.toLowerCase()}`, i));
  const drawStarted = performance.now();
  // Where the view will be first, so that only what is in it is drawn.
  state.drawn = undefined;
  const keep = state.keepNode;
  if (state.pendingFit) {
    state.pendingFit = false;
    fit(state, false);
  } else if (keep) {
    const p = result.nodes.find((n) => n.id === keep.key);
    if (p) applyTransform(state, keepInPlace(zoomTransform(state.dom.svgNode), keep.top, nodeTopLeft(state, p)), false);
  }
  state.keepNode = undefined;
  updateDetail(state, zoomTransform(state.dom.svgNode).k);
  draw(state, v, result);
  const drawMs = performance.now() - drawStarted;
  // The snapshot and column state as they are now: a message may have changed them while the layout ran.
  state.dom.statusLine.textContent = statusText(state.snapshot ?? snapshot, v, state.columnState);
  // Two frames: the browser has painted what was drawn.
  await nextFrame();
  await nextFrame();
  // VS Code shows the page once it has loaded: the first paint the user sees is not before that.
  if (document.readyState !== 'complete') await new Promise((loaded) => window.addEventListener('load', loaded, { once: true }));
  console.debug(`Lineage: laid out ${laidOut} of ${v.nodes.length} nodes again`);
  state.post({
    type: 'rendered',
    nodes: v.nodes.length,
    edges: v.edges.length,
    layoutMs,
    drawMs,
    totalMs: performance.now() - started,
    inWorker,
    ...(remembered ? { remembered: true } : {}),
    pageMs: performance.now(),
    ...(state.snapshotAt !== undefined ? { snapshotMs: state.snapshotAt } : {}),
    ...(state.loadedAt !== undefined ? { loadedMs: state.loadedAt } : {}),
  });
  // What a new panel is most likely to show first: the whole graph, unsearched, every node collapsed (a
  // neighbourhood is small and quick to lay out; a search or a focus would overwrite the one worth keeping).
  const wholeGraph = state.options.focus === undefined && state.options.search === '' && cols.size === 0;
  if (laidOut > 0 && wholeGraph && v.nodes.length >= REMEMBER_FROM_NODES) state.post({ type: 'layout', layout: { key, ...result } });
  // Now that the first graph is on screen (laid out on the page), the worker for later layouts.
  void state.layouts.startWorker();
}

// Where the view looks: its size, its transform, fitting it to the graph, and the level of detail that goes with the zoom.
import { zoomIdentity, zoomTransform } from 'd3-zoom';
import { fitTransform, flowStart, parseFontPx, readableScale } from './model/lineageViewport';
import type { ViewTransform } from './model/lineageViewport';
import type { PanelState, Rect } from './panelState';

/** Below this zoom, text is hidden: unreadable anyway, and far cheaper to repaint while panning. */
const FAR_ZOOM = 0.45;
const FAR_MIN_NODES = 150;

export function viewSize(state: PanelState): { width: number; height: number } {
  return state.viewSize;
}

export function currentTransform(state: PanelState): ViewTransform {
  const t = zoomTransform(state.dom.svgNode);
  return { k: t.k, x: t.x, y: t.y };
}

/** The graph-space rectangle in view now. */
export function viewRect(state: PanelState): Rect {
  const t = zoomTransform(state.dom.svgNode);
  const { width, height } = state.viewSize;
  const [x0, y0] = t.invert([0, 0]);
  const [x1, y1] = t.invert([width, height]);
  return { x0, y0, x1, y1 };
}

/** The editor's font size at 100 %, which node labels never go below when the panel fits itself. */
export function editorFontPx(): number {
  return parseFontPx(getComputedStyle(document.documentElement).getPropertyValue('--vscode-editor-font-size'));
}

export function applyTransform(state: PanelState, t: ViewTransform, animate: boolean): void {
  const z = zoomIdentity.translate(t.x, t.y).scale(t.k);
  if (animate) state.dom.svg.transition().duration(250).call(state.zoom.transform, z);
  else state.dom.svg.call(state.zoom.transform, z);
}

/** Small graphs keep their text at any zoom; big ones drop it when zoomed out. */
export function isFar(state: PanelState, k: number): boolean {
  return k < FAR_ZOOM && (state.view?.nodes.length ?? 0) > FAR_MIN_NODES;
}

export function updateDetail(state: PanelState, k: number): void {
  const far = isFar(state, k);
  const svgNode = state.dom.svgNode;
  if (far !== svgNode.classList.contains('far')) svgNode.classList.toggle('far', far);
}

/** The node whose centre is nearest the centre of the view now. */
export function nodeNearestCentre(state: PanelState): string | undefined {
  if (!state.layout) return undefined;
  const t = zoomTransform(state.dom.svgNode);
  const { width, height } = viewSize(state);
  const [cx, cy] = t.invert([width / 2, height / 2]);
  let best: { id: string; d: number } | undefined;
  for (const n of state.layout.nodes) {
    const d = (n.x - cx) ** 2 + (n.y - cy) ** 2;
    if (!best || d < best.d) best = { id: n.id, d };
  }
  return best?.id;
}

/** The whole graph when it fits at a readable scale; otherwise that scale, centred on the focused asset. */
export function fit(state: PanelState, animate: boolean): void {
  const layout = state.layout;
  if (!layout) return;
  const anchor = state.options.focus ?? state.fitAnchor;
  state.fitAnchor = undefined;
  const focus = anchor !== undefined ? layout.nodes.find((n) => n.id === anchor) : flowStart(layout.nodes, state.direction);
  const t = fitTransform(viewSize(state), layout, { minScale: readableScale(editorFontPx()), ...(focus ? { focus } : {}) });
  applyTransform(state, t, animate);
}

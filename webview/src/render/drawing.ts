// Puts the markup in the page: big graphs keep only what is near the view in the DOM, and far out only boxes and lines.
import { zoomTransform } from 'd3-zoom';
import type { LineageView } from '../model/lineageViewModel';
import type { LayoutResult } from '../layout/layeredLayout';
import { drawOverview } from '../overview';
import type { PanelState } from '../panelState';
import { isFar, viewRect } from '../zoomView';
import { edgeMarkup } from './edgeMarkup';
import { clusterMarkup, nodeMarkup } from './nodeMarkup';

/** Above this many nodes, only what is in (or near) the view is in the DOM: at a readable scale that is a few dozen. */
const CULL_MIN_NODES = 150;
/** Routing in one draw stops after this long; what is left is routed in the next frames. */
const ROUTE_BUDGET_MS = 12;

/** Writes the nodes and edges in or near the view (all of them for small graphs) at the current level of detail. */
export function drawVisible(state: PanelState, force: boolean): void {
  const d = state.drawn;
  if (!d) return;
  const far = isFar(state, zoomTransform(state.dom.svgNode).k);
  const cull = d.v.nodes.length > CULL_MIN_NODES;
  const r = cull ? viewRect(state) : undefined;
  const inside = !r || (d.covered !== undefined && r.x0 >= d.covered.x0 && r.y0 >= d.covered.y0 && r.x1 <= d.covered.x1 && r.y1 <= d.covered.y1);
  if (!force && far === d.far && inside) return;
  // Half a view of margin each side: a pan redraws only after moving that far.
  const area = r && { x0: r.x0 - (r.x1 - r.x0) / 2, y0: r.y0 - (r.y1 - r.y0) / 2, x1: r.x1 + (r.x1 - r.x0) / 2, y1: r.y1 + (r.y1 - r.y0) / 2 };
  d.far = far;
  d.covered = area;
  const over: string[] = [];
  state.routeDeadline = state.gesture ? -Infinity : performance.now() + ROUTE_BUDGET_MS;
  state.routesPending = false;
  state.dom.edgeLayer.html(edgeMarkup(state, d.v, d.pos, far, area, over));
  state.routeDeadline = Infinity;
  state.dom.nodeLayer.html(nodeMarkup(state, d.v, d.pos, far, area));
  state.dom.overLayer.html(over.join(''));
  if (state.routesPending && state.gesture) {
    state.routesPending = false;
    state.routesDeferred = true;
  } else if (state.routesPending) {
    state.routesPending = false;
    requestAnimationFrame(() => {
      if (state.drawn === d) drawVisible(state, true);
    });
  }
}

export function scheduleVisibleCheck(state: PanelState): void {
  if (state.visibleCheckQueued || !state.drawn) return;
  state.visibleCheckQueued = true;
  requestAnimationFrame(() => {
    state.visibleCheckQueued = false;
    drawVisible(state, false);
  });
}

/**
 * Markup in one go (d3's selection.html): for thousands of nodes the parser
 * builds elements many times faster than one DOM call per element.
 */
export function draw(state: PanelState, v: LineageView, l: LayoutResult): void {
  drawOverview(state, l);
  state.dom.clusterLayer.html(clusterMarkup(v, l));
  state.drawn = { v, l, pos: new Map(l.nodes.map((n) => [n.id, n])), far: false, covered: undefined };
  drawVisible(state, true);
}

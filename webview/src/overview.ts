// The overview (minimap): every node as a small box, shown while part of the graph is out of view; click or drag it to move the view.
import { zoomTransform } from 'd3-zoom';
import { contentInView, overviewFrame, overviewViewport, panToOverviewPoint } from './model/lineageViewport';
import type { LayoutResult } from './layout/layeredLayout';
import { OVERVIEW_H, OVERVIEW_W } from './pageSkeleton';
import type { PanelState } from './panelState';
import { heightOf, NODE_W } from './render/nodeGeometry';
import { applyTransform, viewSize } from './zoomView';

/** Every node as a small box, in one path: cheap enough for thousands. */
export function drawOverview(state: PanelState, l: LayoutResult): void {
  const f = overviewFrame({ width: OVERVIEW_W, height: OVERVIEW_H }, l);
  const w = Math.max(1, NODE_W * f.scale);
  const parts: string[] = [];
  for (const n of l.nodes) {
    const h = Math.max(1, heightOf(state, n.id) * f.scale);
    const x = f.x + (n.x - NODE_W / 2) * f.scale;
    const y = f.y + (n.y - heightOf(state, n.id) / 2) * f.scale;
    parts.push(`M${x.toFixed(1)} ${y.toFixed(1)}h${w.toFixed(1)}v${h.toFixed(1)}h${(-w).toFixed(1)}z`);
  }
  state.dom.overviewNodes.setAttribute('d', parts.join(''));
  updateOverview(state);
}

/** Shown only while part of the graph is out of view, with the view's rectangle on it. */
export function updateOverview(state: PanelState): void {
  const { layout } = state;
  if (!layout) return;
  const { overview, overviewView } = state.dom;
  const t = zoomTransform(state.dom.svgNode);
  const view = viewSize(state);
  const hide = contentInView(view, layout, t);
  if (overview.hasAttribute('hidden') !== hide) overview.toggleAttribute('hidden', hide);
  if (hide) return;
  const r = overviewViewport(overviewFrame({ width: OVERVIEW_W, height: OVERVIEW_H }, layout), view, t);
  overviewView.setAttribute('x', r.x.toFixed(1));
  overviewView.setAttribute('y', r.y.toFixed(1));
  overviewView.setAttribute('width', Math.max(2, r.width).toFixed(1));
  overviewView.setAttribute('height', Math.max(2, r.height).toFixed(1));
}

function panFromOverview(state: PanelState, event: PointerEvent): void {
  if (!state.layout) return;
  const box = state.dom.overview.getBoundingClientRect();
  const f = overviewFrame({ width: OVERVIEW_W, height: OVERVIEW_H }, state.layout);
  applyTransform(state, panToOverviewPoint(f, viewSize(state), zoomTransform(state.dom.svgNode), event.clientX - box.left, event.clientY - box.top), false);
}

export function wireOverview(state: PanelState): void {
  const overview = state.dom.overview;
  overview.addEventListener('pointerdown', (event) => {
    event.stopPropagation();
    overview.setPointerCapture(event.pointerId);
    panFromOverview(state, event);
  });
  overview.addEventListener('pointermove', (event) => {
    if (overview.hasPointerCapture(event.pointerId)) panFromOverview(state, event);
  });
  overview.addEventListener('pointerup', (event) => {
    overview.releasePointerCapture(event.pointerId);
    state.saveState();
  });
}

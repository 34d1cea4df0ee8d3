// What a pan or zoom does to the page: moves the drawing, changes its detail, the overview and what is in the DOM.
import type { ZoomTransform } from 'd3-zoom';
import { updateOverview } from './overview';
import type { PanelState } from './panelState';
import { drawVisible, scheduleVisibleCheck } from './render/drawing';
import { updateDetail } from './zoomView';

/** Above this many nodes, detail is dropped while a pan or zoom is under way. */
const MOVING_THRESHOLD = 800;

/** Wires d3-zoom to the graph, and restores the transform VS Code kept. */
export function wireZoom(state: PanelState, savedTransform: ZoomTransform | undefined): void {
  const { svg, svgNode, viewport } = state.dom;
  new ResizeObserver((entries) => {
    const box = entries[entries.length - 1]?.contentRect;
    if (box) state.viewSize = { width: box.width, height: box.height };
  }).observe(svgNode);
  state.zoom
    // d3-zoom's own extent reads the element's size, which lays out the page when the DOM has just changed.
    .extent(() => [
      [0, 0],
      [state.viewSize.width, state.viewSize.height],
    ])
    .on('zoom', (event: { transform: ZoomTransform }) => {
      viewport.attr('transform', event.transform.toString());
      updateDetail(state, event.transform.k);
      updateOverview(state);
      scheduleVisibleCheck(state);
    })
    .on('start', () => {
      state.gesture = true;
      if ((state.view?.nodes.length ?? 0) > MOVING_THRESHOLD) svgNode.classList.add('moving');
    })
    .on('end', () => {
      svgNode.classList.remove('moving');
      state.gesture = false;
      state.saveState();
      // Edges that came into view during the gesture are routed now.
      if (state.routesDeferred && state.drawn) {
        state.routesDeferred = false;
        drawVisible(state, true);
      }
    });
  svg.call(state.zoom).on('dblclick.zoom', null);
  if (savedTransform) svg.call(state.zoom.transform, savedTransform);
}

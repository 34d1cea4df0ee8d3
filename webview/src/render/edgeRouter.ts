// Paths of edges and column links, routed around the nodes in their way, cached per layout and spread over frames.
import { linkHorizontal, linkVertical } from 'd3-shape';
import { NodeIndex, roundedPath, routeAround, swapRect, swapXY } from '../layout/edgeRoutes';
import type { NodeBox, Pt } from '../layout/edgeRoutes';
import type { PanelState, RouteCache } from '../panelState';
import { heightOf, NODE_W } from './nodeGeometry';

export const edgePathLR = linkHorizontal<{ source: [number, number]; target: [number, number] }, [number, number]>();
export const edgePathTB = linkVertical<{ source: [number, number]; target: [number, number] }, [number, number]>();

function routeIndex(state: PanelState): RouteCache | undefined {
  const layout = state.layout;
  if (!layout) return undefined;
  if (state.routes?.layout !== layout) {
    const tb = state.direction === 'tb';
    const boxes: NodeBox[] = layout.nodes.map((n) => {
      const h = heightOf(state, n.id);
      const box = { id: n.id, x0: n.x - NODE_W / 2, y0: n.y - h / 2, x1: n.x + NODE_W / 2, y1: n.y + h / 2 };
      return tb ? swapRect(box) : box;
    });
    const clusters = layout.clusters.map((c) => {
      const box = { id: c.id, x0: c.x, y0: c.y, x1: c.x + c.width, y1: c.y + c.height };
      return tb ? swapRect(box) : box;
    });
    state.routes = { layout, index: new NodeIndex(boxes, clusters), paths: new Map() };
  }
  return state.routes;
}

/**
 * The path of an edge: the usual curve when it passes no other node, else
 * around them along a free lane (edgeRoutes.ts); when no lane is free it is
 * drawn over the nodes (`over`), never hidden behind one.
 */
export function edgeRoute(state: PanelState, id: string, from: string, to: string, start: Pt, end: Pt): { d: string; over: boolean } {
  const tb = state.direction === 'tb';
  const curve = (): string => (tb ? edgePathTB : edgePathLR)({ source: [start[0], start[1]], target: [end[0], end[1]] }) ?? '';
  const r = routeIndex(state);
  if (!r) return { d: curve(), over: false };
  const known = r.paths.get(id);
  if (known) return known;
  // Out of this frame's time: the plain curve now, routed in a following frame.
  if (performance.now() > state.routeDeadline) {
    state.routesPending = true;
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
export function columnRoute(state: PanelState, from: string, to: string, a: [number, number], b: [number, number]): string {
  const r = routeIndex(state);
  if (!r) return edgePathLR({ source: a, target: b }) ?? '';
  r.rows ??= state.direction === 'tb' ? new NodeIndex(r.index.boxes.map(swapRect)) : r.index;
  const found = routeAround(r.rows, from, to, a, b);
  return found ? roundedPath(found) : edgePathLR({ source: a, target: b }) ?? '';
}

// Sizes of a drawn node and where its parts are: a header, and under it the column rows when expanded.
import { columnLines } from '../model/columnView';
import type { NodeColumns } from '../model/columnView';
import type { PlacedNode } from '../layout/layeredLayout';
import type { PanelState } from '../panelState';

export const NODE_W = 200;
export const NODE_H = 44;
/** One column row of an expanded node. */
export const ROW_H = 20;
const ROWS_PAD = 6;

export function heightFor(cols: NodeColumns | undefined): number {
  return cols ? NODE_H + columnLines(cols) * ROW_H + ROWS_PAD : NODE_H;
}

export function heightOf(state: PanelState, key: string): number {
  return heightFor(state.nodeCols.get(key));
}

export function nodeTopLeft(state: PanelState, p: PlacedNode): { x: number; y: number } {
  return { x: p.x - NODE_W / 2, y: p.y - heightOf(state, p.id) / 2 };
}

/** A row's centre on the node's right (`out`) or left side. */
export function rowAnchor(state: PanelState, p: PlacedNode, row: number, out: boolean): [number, number] {
  const top = p.y - heightOf(state, p.id) / 2;
  return [out ? p.x + NODE_W / 2 : p.x - NODE_W / 2, top + NODE_H + row * ROW_H + ROW_H / 2];
}

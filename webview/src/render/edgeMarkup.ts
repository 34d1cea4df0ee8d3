// Markup of the edges between nodes and of the selected column's links between rows.
import type { LineageColumnLink } from '../../../src/protocol/lineageMessages';
import { drawnColumnLinks } from '../model/columnView';
import type { LineageView } from '../model/lineageViewModel';
import type { PlacedNode } from '../layout/layeredLayout';
import type { PanelState, Rect } from '../panelState';
import { columnRoute, edgePathLR, edgePathTB, edgeRoute } from './edgeRouter';
import { esc } from './markupText';
import { heightOf, NODE_H, NODE_W, rowAnchor } from './nodeGeometry';

/** Edges meeting `area` (all when undefined); far: no arrowheads or column links (the CSS hides them anyway). Edges drawn over nodes go to `over`. */
export function edgeMarkup(state: PanelState, v: LineageView, pos: Map<string, PlacedNode>, far: boolean, area: Rect | undefined, over?: string[]): string {
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
    const tb = state.direction === 'tb';
    const x0 = tb ? a.x : a.x + NODE_W / 2;
    const x1 = tb ? b.x : b.x - NODE_W / 2;
    const y0 = tb ? a.y + heightOf(state, a.id) / 2 : a.y - heightOf(state, a.id) / 2 + NODE_H / 2;
    const y1 = tb ? b.y - heightOf(state, b.id) / 2 : b.y - heightOf(state, b.id) / 2 + NODE_H / 2;
    if (area && (Math.max(x0, x1) < area.x0 || Math.min(x0, x1) > area.x1 || Math.max(y0, y1) < area.y0 || Math.min(y0, y1) > area.y1)) continue;
    if (far) {
      merged.push((tb ? edgePathTB : edgePathLR)({ source: [x0, y0], target: [x1, y1] }) ?? '');
      continue;
    }
    const r = edgeRoute(state, e.id, e.from, e.to, [x0, y0], [x1, y1]);
    const path = `<path class="${e.className}${r.over ? ' over' : ''}" data-from="${esc(e.from)}" data-to="${esc(e.to)}"${marker} d="${r.d}"></path>`;
    if (r.over) over?.push(`<path class="edge-halo" d="${r.d}"></path>${path}`);
    else parts.push(path);
  }
  if (merged.length > 0) parts.push(`<path class="edge" d="${merged.join('')}"></path>`);
  if (!far) parts.push(columnLinkMarkup(state, pos));
  return parts.join('');
}

/** The selected column's links between rows that are drawn: green copies, orange dashed transformations. */
function columnLinkMarkup(state: PanelState, pos: Map<string, PlacedNode>): string {
  const rowOf = (asset: string, column: string) => state.rowIndex.get(`${asset}\u0000${column.toLowerCase()}`);
  const links: LineageColumnLink[] = drawnColumnLinks(state.columnState, (asset, column) => pos.has(asset) && rowOf(asset, column) !== undefined);
  return links
    .map((l) => {
      const a = rowAnchor(state, pos.get(l.from.asset)!, rowOf(l.from.asset, l.from.column)!, true);
      const b = rowAnchor(state, pos.get(l.to.asset)!, rowOf(l.to.asset, l.to.column)!, false);
      // A column computed from another of the same asset: loop out and back on the right.
      const d =
        l.from.asset === l.to.asset
          ? `M${a[0]},${a[1]}C${a[0] + 40},${a[1]} ${a[0] + 40},${b[1]} ${a[0]},${b[1]}`
          : columnRoute(state, l.from.asset, l.to.asset, a, b);
      return `<path class="col-link ${l.kind}" marker-end="url(#colArrow)" d="${d}"><title>${esc(`${l.from.asset}.${l.from.column} → ${l.to.asset}.${l.to.column}: ${l.kind}`)}</title></path>`;
    })
    .join('');
}

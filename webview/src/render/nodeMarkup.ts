// Markup of nodes (header, badge, column rows) and of the cluster boxes behind them.
import type { NodeColumns } from '../model/columnView';
import type { LineageView } from '../model/lineageViewModel';
import type { LayoutResult, PlacedNode } from '../layout/layeredLayout';
import type { PanelState, Rect } from '../panelState';
import { esc, truncate } from './markupText';
import { heightOf, NODE_H, NODE_W, ROW_H } from './nodeGeometry';

const ICON_CHARS: Record<string, string> = {
  database: '\ueace',
  'symbol-method': '\uea8c',
  layers: '\uebd2',
  cloud: '\uebaa',
};

export function clusterMarkup(v: LineageView, l: LayoutResult): string {
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

/** Nodes meeting `area` (all when undefined); far: boxes only (the CSS hides text, badges and rows anyway). */
export function nodeMarkup(state: PanelState, v: LineageView, pos: Map<string, PlacedNode>, far: boolean, area: Rect | undefined): string {
  const parts: string[] = [];
  for (const n of v.nodes) {
    const p = pos.get(n.id);
    if (!p) continue;
    const h = heightOf(state, n.id);
    if (area && (p.x + NODE_W / 2 < area.x0 || p.x - NODE_W / 2 > area.x1 || p.y + h / 2 < area.y0 || p.y - h / 2 > area.y1)) continue;
    const cols = state.nodeCols.get(n.id);
    const head =
      `<g class="node ${n.statusClass} source-${n.source}${n.focused ? ' focused' : ''}${n.id === state.selectedKey ? ' selected' : ''}${cols ? ' expanded' : ''}" tabindex="0" role="button" ` +
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

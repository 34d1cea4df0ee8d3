/**
 * Column lineage in the panel: which nodes are expanded to their columns,
 * which column is selected, and what each shown column row says about it.
 * Pure: the webview keeps one ColumnViewState and redraws from it.
 */
import type { LineageAssetColumns, LineageColumnKind, LineageColumnLink, LineageColumnRef } from '../../../src/protocol/lineageMessages';

export interface ColumnTraceView {
  readonly key: string;
  readonly column: string;
  readonly links: readonly LineageColumnLink[];
  readonly truncated?: boolean;
  readonly error?: string;
}

export interface ColumnViewState {
  /** Nodes the user expanded. */
  readonly expanded: ReadonlySet<string>;
  /** Nodes expanded because the selected column's trace runs through them; collapsed again when it is cleared. */
  readonly traced: ReadonlySet<string>;
  /** Columns known per asset (the extension's answers). */
  readonly columns: ReadonlyMap<string, LineageAssetColumns>;
  /** The selected column; its trace once the extension answered. */
  readonly selected?: LineageColumnRef;
  readonly trace?: ColumnTraceView;
}

export const emptyColumnView: ColumnViewState = { expanded: new Set(), traced: new Set(), columns: new Map() };

/** How a shown column relates to the selected one. */
export type ColumnRole = 'selected' | 'upstream' | 'downstream';

export interface ColumnRow {
  readonly name: string;
  /** The column's own kind in its asset (how it is computed from its sources); absent for sources. */
  readonly kind?: LineageColumnKind;
  readonly role?: ColumnRole;
  /** For an upstream or downstream column: `copy` when the value reaches or leaves the selected column unchanged all the way. */
  readonly via?: LineageColumnKind;
}

/** What an expanded node shows under its header. */
export interface NodeColumns {
  readonly rows: readonly ColumnRow[];
  /** Columns not shown (beyond the row limit, none of them highlighted). */
  readonly hidden: number;
  /** Loading, or why there are none. */
  readonly message?: string;
}

/** Rows an expanded node shows at most, highlighted ones apart: a 400-column table would be taller than any panel. */
export const MAX_COLUMN_ROWS = 25;

const refKey = (asset: string, column: string): string => `${asset}\u0000${column.toLowerCase()}`;

export function isExpanded(state: ColumnViewState, key: string): boolean {
  return state.expanded.has(key) || state.traced.has(key);
}

/** Expands or collapses a node; collapsing the node of the selected column clears the selection. Returns whether columns must be asked for. */
export function toggleExpanded(state: ColumnViewState, key: string): { state: ColumnViewState; request: boolean } {
  if (isExpanded(state, key)) {
    const expanded = new Set(state.expanded);
    expanded.delete(key);
    const traced = new Set(state.traced);
    traced.delete(key);
    const next = { ...state, expanded, traced };
    return { state: state.selected?.asset === key ? clearSelection(next) : next, request: false };
  }
  const expanded = new Set(state.expanded).add(key);
  return { state: { ...state, expanded }, request: !state.columns.has(key) };
}

export function withColumns(state: ColumnViewState, list: LineageAssetColumns): ColumnViewState {
  return { ...state, columns: new Map(state.columns).set(list.key, list) };
}

/** Selecting a column: the trace is asked for; selecting it again clears it. */
export function selectColumn(state: ColumnViewState, ref: LineageColumnRef): { state: ColumnViewState; request: boolean } {
  if (state.selected && refKey(state.selected.asset, state.selected.column) === refKey(ref.asset, ref.column)) {
    return { state: clearSelection(state), request: false };
  }
  const { trace: _dropped, ...rest } = clearSelection(state);
  void _dropped;
  return { state: { ...rest, selected: ref }, request: true };
}

/** Takes in a trace answer for the selected column: its assets' columns are kept and its nodes expanded. A late answer for another column is dropped. */
export function withTrace(
  state: ColumnViewState,
  trace: ColumnTraceView & { readonly assets: readonly LineageAssetColumns[] },
): ColumnViewState {
  if (!state.selected || refKey(state.selected.asset, state.selected.column) !== refKey(trace.key, trace.column)) return state;
  const columns = new Map(state.columns);
  for (const a of trace.assets) columns.set(a.key, a);
  const traced = new Set<string>();
  for (const l of trace.links) for (const a of [l.from.asset, l.to.asset]) if (!state.expanded.has(a)) traced.add(a);
  if (!state.expanded.has(trace.key)) traced.add(trace.key);
  const { assets: _assets, ...view } = trace;
  void _assets;
  return { ...state, columns, traced, trace: view };
}

/** Escape, a click on empty space: no column selected, and the nodes the trace expanded collapse. */
export function clearSelection(state: ColumnViewState): ColumnViewState {
  return { expanded: state.expanded, traced: new Set(), columns: state.columns };
}

/**
 * Every column upstream and downstream of the selected one, with `copy` when
 * some path between them is copies only (the same value), else
 * `transformation`.
 */
export function highlightedColumns(state: ColumnViewState): Map<string, { role: ColumnRole; via?: LineageColumnKind }> {
  const out = new Map<string, { role: ColumnRole; via?: LineageColumnKind }>();
  const sel = state.selected;
  if (!sel) return out;
  out.set(refKey(sel.asset, sel.column), { role: 'selected' });
  const links = state.trace?.links ?? [];
  const walk = (role: 'upstream' | 'downstream'): void => {
    const next = new Map<string, { ref: LineageColumnRef; kind: LineageColumnKind }[]>();
    for (const l of links) {
      const [near, far] = role === 'upstream' ? [l.to, l.from] : [l.from, l.to];
      const k = refKey(near.asset, near.column);
      (next.get(k) ?? next.set(k, []).get(k)!).push({ ref: far, kind: l.kind });
    }
    // Copy-only paths first: a column reached by copies anywhere is a copy of the selected one.
    const best = new Map<string, LineageColumnKind>();
    const queue: { key: string; copy: boolean }[] = [{ key: refKey(sel.asset, sel.column), copy: true }];
    while (queue.length > 0) {
      const { key, copy } = queue.shift()!;
      for (const n of next.get(key) ?? []) {
        const nk = refKey(n.ref.asset, n.ref.column);
        const kind: LineageColumnKind = copy && n.kind === 'copy' ? 'copy' : 'transformation';
        const had = best.get(nk);
        if (had === 'copy' || had === kind || nk === refKey(sel.asset, sel.column)) continue;
        best.set(nk, kind);
        queue.push({ key: nk, copy: kind === 'copy' });
      }
    }
    for (const [k, via] of best) if (!out.has(k)) out.set(k, { role, via });
  };
  walk('upstream');
  walk('downstream');
  return out;
}

/** The rows of an expanded node: all its columns up to the limit, highlighted ones always. */
export function nodeColumns(state: ColumnViewState, key: string, highlighted: ReadonlyMap<string, { role: ColumnRole; via?: LineageColumnKind }>): NodeColumns {
  const list = state.columns.get(key);
  if (!list) return { rows: [], hidden: 0, message: 'Loading columns…' };
  const rows: ColumnRow[] = list.columns.map((c) => {
    const h = highlighted.get(refKey(key, c.name));
    return { name: c.name, ...(c.kind ? { kind: c.kind } : {}), ...(h ? { role: h.role } : {}), ...(h?.via ? { via: h.via } : {}) };
  });
  let shown = rows;
  if (rows.length > MAX_COLUMN_ROWS) {
    let room = MAX_COLUMN_ROWS - rows.filter((r) => r.role).length;
    shown = rows.filter((r) => r.role !== undefined || room-- > 0);
  }
  const message = list.columns.length === 0 ? (list.note ?? 'No columns known.') : undefined;
  return { rows: shown, hidden: rows.length - shown.length, ...(message ? { message } : {}) };
}

/** Lines an expanded node draws under its header: its rows, plus one for a message or for "n more". */
export function columnLines(columns: NodeColumns): number {
  return columns.rows.length + (columns.message !== undefined || columns.hidden > 0 ? 1 : 0);
}

/** Trace links whose two columns are both drawn as rows: what the panel draws between them. */
export function drawnColumnLinks(state: ColumnViewState, shown: (asset: string, column: string) => boolean): LineageColumnLink[] {
  return (state.trace?.links ?? []).filter((l) => shown(l.from.asset, l.from.column) && shown(l.to.asset, l.to.column));
}

/** Assets of the trace, which the view keeps visible whatever the depth or search. */
export function tracedAssets(state: ColumnViewState): Set<string> {
  const out = new Set<string>();
  if (state.selected) out.add(state.selected.asset);
  for (const l of state.trace?.links ?? []) {
    out.add(l.from.asset);
    out.add(l.to.asset);
  }
  return out;
}

/**
 * A new snapshot (a run, a file change, a target switch) can change columns:
 * each expanded node's columns and the selected column's trace are asked for
 * again, and what was shown stays until the answers replace it (no flicker).
 * Nodes no longer in the graph are forgotten, and so is a selection on one.
 */
export function afterSnapshot(state: ColumnViewState, nodeIds: ReadonlySet<string>): { state: ColumnViewState; columns: string[]; retrace?: LineageColumnRef } {
  const expanded = new Set([...state.expanded].filter((k) => nodeIds.has(k)));
  const columns = new Map([...state.columns].filter(([k]) => nodeIds.has(k)));
  const kept: ColumnViewState = { expanded, traced: new Set(), columns };
  if (state.selected && nodeIds.has(state.selected.asset)) {
    const traced = new Set([...state.traced].filter((k) => nodeIds.has(k)));
    return { state: { ...kept, traced, selected: state.selected, ...(state.trace ? { trace: state.trace } : {}) }, columns: [...expanded], retrace: state.selected };
  }
  return { state: kept, columns: [...expanded] };
}

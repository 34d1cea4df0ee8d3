// The line under the toolbar: what is shown of how much, the target, and the traced column.
import type { LineageSnapshot } from '../../../src/protocol/lineageMessages';
import { highlightedColumns } from '../model/columnView';
import type { ColumnViewState } from '../model/columnView';
import type { LineageView } from '../model/lineageViewModel';

export function statusText(snapshot: LineageSnapshot, v: LineageView, columnState: ColumnViewState): string {
  return (
    `${v.nodes.length} of ${v.total} assets · ${v.edges.length} edges` +
    (snapshot.target ? ` · target ${snapshot.target}` : '') +
    (snapshot.statesPending ? ' · reading states…' : '') +
    (v.focusMissing ? ' · the focused asset no longer exists: showing everything' : '') +
    columnStatus(columnState)
  );
}

function columnStatus(columnState: ColumnViewState): string {
  const sel = columnState.selected;
  if (!sel) return '';
  const t = columnState.trace;
  if (!t) return ` · tracing ${sel.asset}.${sel.column}…`;
  if (t.error) return ` · ${sel.asset}.${sel.column}: ${t.error}`;
  const lit = [...highlightedColumns(columnState).values()];
  const up = lit.filter((h) => h.role === 'upstream').length;
  const down = lit.filter((h) => h.role === 'downstream').length;
  return ` · column ${sel.column}: ${up} upstream, ${down} downstream${t.truncated ? ' (cut at the size limit)' : ''} · Esc clears`;
}

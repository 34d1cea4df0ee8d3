import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  clearSelection,
  columnLines,
  drawnColumnLinks,
  emptyColumnView,
  highlightedColumns,
  isExpanded,
  MAX_COLUMN_ROWS,
  nodeColumns,
  selectColumn,
  toggleExpanded,
  tracedAssets,
  withColumns,
  withTrace,
} from '../../webview/src/model/columnView';
import type { ColumnViewState } from '../../webview/src/model/columnView';
import { buildLineageView, defaultViewOptions } from '../../webview/src/model/lineageViewModel';
import type { LineageAssetColumns, LineageColumnLink, LineageSnapshot } from '../../src/protocol/lineageMessages';

const link = (from: string, to: string, kind: 'copy' | 'transformation'): LineageColumnLink => {
  const [fa, fc] = from.split('.') as [string, string];
  const [ta, tc] = to.split('.') as [string, string];
  return { from: { asset: fa, column: fc }, to: { asset: ta, column: tc }, kind };
};
const cols = (key: string, ...names: string[]): LineageAssetColumns => ({ key, columns: names.map((name) => ({ name, kind: 'copy', sources: [] })) });

// src.fare → trips.fare (copy) → daily.revenue (transformation) → report.revenue (copy);  trips.fare → copy.fare (copy);  src.tip → trips.total (transformation)
const links = [
  link('src.fare', 'trips.fare', 'copy'),
  link('trips.fare', 'daily.revenue', 'transformation'),
  link('daily.revenue', 'report.revenue', 'copy'),
  link('trips.fare', 'copy.fare', 'copy'),
];

function traced(state: ColumnViewState, key: string, column: string, ls: readonly LineageColumnLink[], assets: LineageAssetColumns[] = []): ColumnViewState {
  const selected = selectColumn(state, { asset: key, column });
  assert.equal(selected.request, true);
  return withTrace(selected.state, { key, column, links: ls, assets });
}

test('expanding asks for columns once; collapsing the node of the selected column clears the selection', () => {
  const first = toggleExpanded(emptyColumnView, 'trips');
  assert.equal(first.request, true);
  assert.equal(isExpanded(first.state, 'trips'), true);
  assert.deepEqual(nodeColumns(first.state, 'trips', new Map()), { rows: [], hidden: 0, message: 'Loading columns…' });
  const loaded = withColumns(first.state, cols('trips', 'fare', 'total'));
  const collapsed = toggleExpanded(loaded, 'trips');
  assert.equal(isExpanded(collapsed.state, 'trips'), false);
  assert.equal(toggleExpanded(collapsed.state, 'trips').request, false, 'columns already known');

  const selected = traced(loaded, 'trips', 'fare', links);
  assert.deepEqual(selected.selected, { asset: 'trips', column: 'fare' });
  const closed = toggleExpanded(selected, 'trips').state;
  assert.equal(closed.selected, undefined);
  assert.equal(closed.trace, undefined);
});

test('a trace expands every node it runs through; clearing collapses those the user had not expanded', () => {
  let state = withColumns(toggleExpanded(emptyColumnView, 'trips').state, cols('trips', 'fare'));
  state = traced(state, 'trips', 'fare', links, [cols('src', 'fare'), cols('daily', 'revenue'), cols('report', 'revenue'), cols('copy', 'fare')]);
  for (const k of ['trips', 'src', 'daily', 'report', 'copy']) assert.equal(isExpanded(state, k), true, k);
  assert.deepEqual(nodeColumns(state, 'daily', highlightedColumns(state)).rows, [{ name: 'revenue', kind: 'copy', role: 'downstream', via: 'transformation' }]);
  assert.deepEqual([...tracedAssets(state)].sort(), ['copy', 'daily', 'report', 'src', 'trips']);
  const cleared = clearSelection(state);
  assert.deepEqual(['trips', 'src', 'daily', 'report', 'copy'].filter((k) => isExpanded(cleared, k)), ['trips']);
  assert.equal(highlightedColumns(cleared).size, 0);
  assert.equal(cleared.columns.get('daily')?.columns[0]?.name, 'revenue', 'columns stay known');
});

test('upstream and downstream are marked copy only when the value passes unchanged all the way', () => {
  const state = traced(emptyColumnView, 'trips', 'fare', links);
  const h = highlightedColumns(state);
  assert.deepEqual(Object.fromEntries([...h].map(([k, v]) => [k.replace('\u0000', '.'), v])), {
    'trips.fare': { role: 'selected' },
    'src.fare': { role: 'upstream', via: 'copy' },
    'daily.revenue': { role: 'downstream', via: 'transformation' },
    // A copy of a transformation is still a transformation of the selected column.
    'report.revenue': { role: 'downstream', via: 'transformation' },
    'copy.fare': { role: 'downstream', via: 'copy' },
  });
  // From the far end: every column of the chain is upstream.
  const fromReport = highlightedColumns(traced(emptyColumnView, 'report', 'revenue', links.slice(0, 3)));
  assert.deepEqual(fromReport.get('daily\u0000revenue'), { role: 'upstream', via: 'copy' });
  assert.deepEqual(fromReport.get('src\u0000fare'), { role: 'upstream', via: 'transformation' });
});

test('a copy path wins over a transformation path to the same column, and columns are matched without case', () => {
  const both = [link('a.x', 'b.y', 'transformation'), link('a.x', 'c.x', 'copy'), link('c.x', 'b.Y', 'copy')];
  const h = highlightedColumns(traced(emptyColumnView, 'a', 'X', both));
  assert.deepEqual(h.get('b\u0000y'), { role: 'downstream', via: 'copy' });
  assert.deepEqual(h.get('a\u0000x'), { role: 'selected' });
});

test('selecting the selected column again clears it; a late trace for another column is ignored', () => {
  const state = traced(emptyColumnView, 'trips', 'fare', links);
  const again = selectColumn(state, { asset: 'trips', column: 'FARE' });
  assert.equal(again.request, false);
  assert.equal(again.state.selected, undefined);
  const other = selectColumn(state, { asset: 'trips', column: 'total' }).state;
  assert.equal(other.trace, undefined, 'the old trace is not shown for the new column');
  assert.equal(withTrace(other, { key: 'trips', column: 'fare', links, assets: [] }), other);
});

test('a wide node shows the first columns up to the limit, plus every highlighted one, and says how many are left', () => {
  const names = Array.from({ length: 60 }, (_, i) => `c${i}`);
  let state = withColumns(emptyColumnView, cols('wide', ...names));
  state = traced(state, 'wide', 'c50', [link('wide.c55', 'wide2.x', 'copy')]);
  const h = new Map([['wide\u0000c50', { role: 'selected' as const }]]);
  const shown = nodeColumns(state, 'wide', h);
  assert.equal(shown.rows.length, MAX_COLUMN_ROWS);
  assert.equal(shown.hidden, 60 - MAX_COLUMN_ROWS);
  assert.ok(shown.rows.some((r) => r.name === 'c50' && r.role === 'selected'));
  assert.equal(shown.rows.filter((r) => !r.role).length, MAX_COLUMN_ROWS - 1);
  assert.equal(columnLines(shown), MAX_COLUMN_ROWS + 1);
  const none = nodeColumns(withColumns(emptyColumnView, { key: 'py', columns: [], note: 'not built' }), 'py', new Map());
  assert.deepEqual(none, { rows: [], hidden: 0, message: 'not built' });
  assert.equal(columnLines(none), 1);
});

test('only links between two drawn rows are drawn', () => {
  const state = traced(emptyColumnView, 'trips', 'fare', links);
  const drawn = drawnColumnLinks(state, (asset) => asset !== 'report');
  assert.deepEqual(drawn.map((l) => `${l.from.asset}>${l.to.asset}`), ['src>trips', 'trips>daily', 'trips>copy']);
});

test('the view keeps the traced assets whatever the depth and search', () => {
  const node = (id: string) => ({ id, label: id, source: 'sql' as const, state: 'never' as const, checks: { passed: 0, failed: 0, total: 0 } });
  const snapshot: LineageSnapshot = {
    nodes: ['a', 'b', 'c', 'd'].map(node),
    edges: [
      { from: 'a', to: 'b', inferred: false },
      { from: 'b', to: 'c', inferred: false },
      { from: 'c', to: 'd', inferred: false },
    ],
  };
  const opts = { ...defaultViewOptions, focus: 'a', upstreamDepth: 1, downstreamDepth: 1, search: 'zzz' };
  assert.deepEqual(buildLineageView(snapshot, opts).nodes.map((n) => n.id), ['a']);
  const kept = buildLineageView(snapshot, opts, Date.now(), new Set(['c', 'd']));
  assert.deepEqual(kept.nodes.map((n) => n.id), ['a', 'c', 'd']);
  assert.deepEqual(kept.edges.map((e) => e.id), ['c\u2192d']);
});

test('after a new snapshot, columns are asked for again (shown until the answers come), the selection traced again, vanished nodes forgotten', async () => {
  const { afterSnapshot } = await import('../../webview/src/model/columnView');
  let state = withColumns(toggleExpanded(emptyColumnView, 'trips').state, cols('trips', 'fare'));
  state = withColumns(toggleExpanded(state, 'gone').state, cols('gone', 'x'));
  state = traced(state, 'trips', 'fare', links, [cols('daily', 'revenue')]);
  const next = afterSnapshot(state, new Set(['trips', 'daily', 'src', 'report', 'copy']));
  assert.deepEqual(next.columns, ['trips']);
  assert.deepEqual(next.retrace, { asset: 'trips', column: 'fare' });
  assert.deepEqual([...next.state.columns.keys()].sort(), ['daily', 'trips'], 'shown until replaced; the vanished node\'s dropped');
  assert.equal(next.state.trace?.links.length, links.length);
  assert.deepEqual(next.state.selected, { asset: 'trips', column: 'fare' });
  assert.equal(isExpanded(next.state, 'daily'), true, 'traced nodes stay open while the trace is asked again');
  assert.equal(isExpanded(next.state, 'gone'), false);
  // The selected column's asset was deleted: no selection, nothing traced.
  const lost = afterSnapshot(state, new Set(['daily']));
  assert.equal(lost.retrace, undefined);
  assert.equal(lost.state.selected, undefined);
  assert.deepEqual(lost.columns, []);
  assert.equal(isExpanded(lost.state, 'daily'), false);
});

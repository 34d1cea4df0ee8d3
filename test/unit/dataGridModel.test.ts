import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cellDisplay, compactText, nextSort, numberText, PageCache, pagesFor, rowsAsTsv, scrollMap } from '../../webview/src/data/dataGridModel';
import type { DataColumnInfo } from '../../src/protocol/dataMessages';
import { parseDataPanelMessage, parseSavedState } from '../../src/protocol/parseDataPanelMessage';

const num: DataColumnInfo = { name: 'n', type: 'BIGINT', kind: 'number' };
const text: DataColumnInfo = { name: 't', type: 'VARCHAR', kind: 'text' };
const nested: DataColumnInfo = { name: 's', type: 'STRUCT("a" INTEGER)', kind: 'nested' };

test('cells: NULL is not empty text, numbers in the locale and exact, long text cut with the whole on hover, nested compact', () => {
  assert.deepEqual(cellDisplay(null, text, 'en-US'), { text: 'NULL', className: 'null', expandable: false });
  assert.equal(cellDisplay('', text, 'en-US').className, 'empty');
  assert.equal(cellDisplay('', text, 'en-US').text, '');
  assert.equal(cellDisplay(1234567, num, 'en-US').text, '1,234,567');
  assert.equal(cellDisplay(1234567, num, 'de-DE').text, '1.234.567');
  assert.equal(numberText('12345678901234567890', 'en-US'), '12,345,678,901,234,567,890', 'beyond 2^53, no rounding');
  assert.equal(numberText('-1234.50', 'de-DE'), '-1.234,50', 'DECIMAL keeps its scale');
  assert.equal(numberText('NaN', 'en-US'), 'NaN');
  const long = 'x'.repeat(500);
  const cut = cellDisplay(long, text, 'en-US');
  assert.equal(cut.text.length, 200);
  assert.ok(cut.text.endsWith('…'));
  assert.equal(cut.title, long);
  const s = cellDisplay({ a: 1, tags: ['x', null], m: [{ key: 'k', value: 2 }] }, nested, 'en-US');
  assert.equal(s.text, '{a: 1, tags: ["x", NULL], m: [{key: "k", value: 2}]}');
  assert.equal(s.expandable, true);
  assert.deepEqual(JSON.parse(s.title!), { a: 1, tags: ['x', null], m: [{ key: 'k', value: 2 }] });
  assert.ok(compactText(Array.from({ length: 1000 }, (_, i) => i), 50).length <= 50);
});

test('copying rows: TSV with a header, NULL as empty, nested as JSON, tabs and newlines flattened', () => {
  assert.equal(rowsAsTsv([text, nested], [['a\tb', { a: 1 }], [null, null]]), 't\ts\na b\t{"a":1}\n\t');
});

test('sorting by header cycles ascending, descending, none', () => {
  assert.deepEqual(nextSort([], 'a'), [{ column: 'a', descending: false }]);
  assert.deepEqual(nextSort([{ column: 'a', descending: false }], 'a'), [{ column: 'a', descending: true }]);
  assert.deepEqual(nextSort([{ column: 'a', descending: true }], 'a'), []);
  assert.deepEqual(nextSort([{ column: 'a', descending: true }], 'b'), [{ column: 'b', descending: false }]);
});

test('pages and scrolling: the pages on screen, ten million rows reachable on a capped scrollbar', () => {
  assert.deepEqual(pagesFor(0, 30, 1000, 200), [0]);
  assert.deepEqual(pagesFor(190, 410, 1000, 200), [0, 1, 2]);
  assert.deepEqual(pagesFor(990, 1200, 1000, 200), [4]);
  assert.deepEqual(pagesFor(0, 10, 0, 200), []);
  const small = scrollMap(1000, 22);
  assert.equal(small.spacerPx, 22000);
  assert.equal(small.firstRowAt(22 * 500, 440), 500);
  const huge = scrollMap(10_000_000, 22, 8_000_000);
  assert.equal(huge.spacerPx, 8_000_000);
  assert.equal(huge.firstRowAt(0, 440), 0);
  assert.equal(huge.firstRowAt(8_000_000 - 440, 440), 10_000_000 - 20, 'the thumb at the bottom shows the last rows');
  const mid = huge.scrollTopFor(5_000_000, 440);
  assert.ok(Math.abs(huge.firstRowAt(mid, 440) - 5_000_000) <= 1);
});

test('the page cache asks for a page once, drops the farthest pages past its size', () => {
  const cache = new PageCache(3);
  assert.deepEqual(cache.toAsk([0, 1]), [0, 1]);
  assert.deepEqual(cache.toAsk([0, 1, 2]), [2], 'asked pages are not asked again');
  cache.put(0, [[1]], 0);
  cache.put(1, [[2]], 0);
  cache.put(2, [[3]], 0);
  cache.put(9, [[4]], 9);
  assert.equal(cache.has(0), false, 'the farthest from row 9 went');
  assert.deepEqual(cache.row(9 * 200), [4]);
  cache.forget(5);
  assert.deepEqual(cache.toAsk([5]), [5]);
  const bounded = new PageCache();
  assert.deepEqual(bounded.toAsk([7, 6, 8, 5], 2), [7, 6], 'at most two unanswered, the most wanted first');
  assert.deepEqual(bounded.toAsk([7, 6, 8, 5], 2), []);
  bounded.put(7, [], 7);
  assert.deepEqual(bounded.toAsk([7, 6, 8, 5], 2), [8]);
});

test('messages from the panel are checked: well-formed pass, anything else is dropped', () => {
  const view = { sort: [{ column: 'a"b', descending: true }], filters: [{ column: 'x', op: '=', value: "'; drop" }, { column: 'y', op: 'is null' }] };
  assert.deepEqual(parseDataPanelMessage({ type: 'requestPage', generation: 1, requestId: 2, view, offset: 400, limit: 200, count: true, screenRow: 380 }), {
    type: 'requestPage',
    generation: 1,
    requestId: 2,
    view: { sort: [{ column: 'a"b', descending: true }], filters: [{ column: 'x', op: '=', value: "'; drop" }, { column: 'y', op: 'is null' }] },
    offset: 400,
    limit: 200,
    count: true,
    screenRow: 380,
  });
  // The rows on screen after a jump say so; the flag is a boolean or nothing.
  assert.equal((parseDataPanelMessage({ type: 'requestPage', generation: 1, requestId: 3, view, offset: 410, limit: 41, count: false, screenRow: 410, screen: true }) as { screen?: boolean }).screen, true);
  for (const bad of [
    { type: 'requestPage', generation: 1, requestId: 2, view, offset: 0, limit: 10, count: false, screenRow: 0, screen: 'yes' },
    { type: 'requestPage', generation: 1, requestId: 2, view, offset: -1, limit: 200, count: true, screenRow: 0 },
    { type: 'requestPage', generation: 1, requestId: 2, view, offset: 0, limit: 1e9, count: true, screenRow: 0 },
    { type: 'requestPage', generation: 1, requestId: 2, view, offset: 0, limit: 10, count: true },
    { type: 'requestPage', generation: 1, requestId: 2, view: { sort: [], filters: [{ column: 'x', op: 'LIKE', value: 'a' }] }, offset: 0, limit: 1, count: false },
    { type: 'requestPage', generation: 1, requestId: 2, view: { sort: [], filters: [{ column: 'x', op: '=' }] }, offset: 0, limit: 1, count: false },
    { type: 'requestProfile', generation: 'x', requestId: 1, view },
    { type: 'copy', text: 42 },
    { type: 'runQuery', sql: '   ' },
    { type: 'selectTarget', target: '' },
    { type: 'nope' },
    null,
  ]) {
    assert.equal(parseDataPanelMessage(bad), undefined, JSON.stringify(bad));
  }
  assert.deepEqual(parseDataPanelMessage({ type: 'drawn', generation: 3, rows: 20 }), { type: 'drawn', generation: 3, rows: 20 });
  assert.equal(parseDataPanelMessage({ type: 'drawn', generation: 3, rows: -1 }), undefined);
  assert.deepEqual(parseSavedState({ source: { kind: 'asset', key: 'raw/zones', root: '/w' }, target: 'dev', tab: 'profile', junk: 1 }), {
    source: { kind: 'asset', key: 'raw/zones', root: '/w' },
    target: 'dev',
    tab: 'profile',
  });
  assert.deepEqual(parseSavedState({ source: { kind: 'shell', cmd: 'rm' } }), {});
});

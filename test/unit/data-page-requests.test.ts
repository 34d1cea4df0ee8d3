import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PAGE_ROWS, PageCache, screenRowsToAsk } from '../../webview/src/data/dataGridModel';
import { requestPagesAround } from '../../webview/src/data/pageRequests';
import type { PageRequestState } from '../../webview/src/data/pageRequests';
import type { DataWebviewToExtensionMessage } from '../../src/protocol/dataMessages';

/** The part of the panel's state that asking for pages uses; what it posts is collected. */
function panelState(): { state: PageRequestState; posted: DataWebviewToExtensionMessage[] } {
  const posted: DataWebviewToExtensionMessage[] = [];
  const state: PageRequestState = {
    show: { generation: 3 },
    view: { sort: [{ column: 's2', descending: false }], filters: [] },
    cache: new PageCache(),
    pending: new Map(),
    nextRequest: 1,
    screenPage: 0,
    screenRow: 0,
    post: (m) => posted.push(m),
  };
  return { state, posted };
}

const asked = (posted: DataWebviewToExtensionMessage[]) => posted.map((m) => (m.type === 'requestPage' ? [m.offset, m.limit, m.screenRow] : m.type));

test('a jump asks for the rows on screen alone first, then their pages; the neighbours once those are in', () => {
  const { state, posted } = panelState();
  // Rows 1,000,010–1,000,050 on screen: all in page 5,000.
  requestPagesAround(state, 1_000_010, 1_000_050, 10_000_000);
  assert.deepEqual(asked(posted), [
    [1_000_010, 41, 1_000_010],
    [1_000_000, PAGE_ROWS, 1_000_010],
  ]);
  // The screen's rows say so: the extension reads them before any page, interrupting one being read.
  assert.deepEqual(posted.map((m) => m.type === 'requestPage' && m.screen === true), [true, false]);
  // Drawn again before any reply: nothing asked twice.
  requestPagesAround(state, 1_000_010, 1_000_050, 10_000_000);
  assert.equal(posted.length, 2);
  // The screen's rows come first and are shown, before their page.
  const [screenId, pageId] = [...state.pending.keys()];
  assert.deepEqual(state.pending.get(screenId!), { rowsAt: 1_000_010 });
  assert.deepEqual(state.pending.get(pageId!), { page: 5_000 });
  state.cache.putRows(1_000_010, Array.from({ length: 41 }, (_, i) => [1_000_010 + i]));
  assert.deepEqual(state.cache.row(1_000_050), [1_000_050]);
  assert.equal(state.cache.row(1_000_051), undefined);
  state.cache.put(5_000, Array.from({ length: PAGE_ROWS }, (_, i) => [-(1_000_000 + i)]), 5_000);
  assert.deepEqual(state.cache.row(1_000_050), [-1_000_050], 'the page, once in, is what is shown');
  posted.length = 0;
  requestPagesAround(state, 1_000_010, 1_000_050, 10_000_000);
  assert.deepEqual(asked(posted), [
    [999_800, PAGE_ROWS, 1_000_010],
    [1_000_200, PAGE_ROWS, 1_000_010],
  ]);
});

test('a screen across two pages asks its rows in one read; rows of a page already asked are not asked again', () => {
  assert.deepEqual(screenRowsToAsk(190, 230, [0, 1], 200), { offset: 190, limit: 41 });
  assert.deepEqual(screenRowsToAsk(190, 230, [1], 200), { offset: 200, limit: 31 });
  assert.deepEqual(screenRowsToAsk(190, 230, [0], 200), { offset: 190, limit: 10 });
  assert.equal(screenRowsToAsk(190, 230, [], 200), undefined);
  const { state, posted } = panelState();
  requestPagesAround(state, 0, 40, 10_000_000);
  requestPagesAround(state, 190, 230, 10_000_000);
  assert.deepEqual(asked(posted), [
    [0, 41, 0],
    [0, PAGE_ROWS, 0],
    [200, 31, 190],
    [200, PAGE_ROWS, 190],
  ]);
});

test('rows read for a screen are kept for a few screens only', () => {
  const cache = new PageCache();
  for (let s = 0; s < 6; s++) cache.putRows(s * 1_000, [[s]]);
  assert.equal(cache.row(0), undefined, 'the oldest screens went');
  assert.deepEqual(cache.row(5_000), [5]);
  assert.deepEqual(cache.row(2_000), [2]);
});

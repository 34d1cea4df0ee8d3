// Asking the extension for pages of rows: what is on screen first, then the pages either side.
import type { DataViewSpec, DataWebviewToExtensionMessage } from '../../../src/protocol/dataMessages';
import { PAGE_ROWS, pagesFor, screenRowsToAsk } from './dataGridModel';
import type { PageCache } from './dataGridModel';

/** A read asked for: a page, or the rows of one screen from `rowsAt` ahead of their pages. */
export type PendingRead = { readonly page: number } | { readonly rowsAt: number };

/** What asking for pages uses of the panel's state (no DOM: unit-tested in Node). */
export interface PageRequestState {
  readonly show: { readonly generation: number } | undefined;
  readonly view: DataViewSpec;
  readonly cache: PageCache;
  readonly pending: Map<number, PendingRead>;
  readonly post: (message: DataWebviewToExtensionMessage) => void;
  nextRequest: number;
  screenPage: number;
  screenRow: number;
}

/** Pages asked for and not yet answered, at most: the extension reads one at a time anyway. */
const MAX_IN_FLIGHT = 3;

/** Asks for one page of the current view; `count` also asks for the number of rows. */
export function requestPage(state: PageRequestState, page: number, count: boolean): void {
  requestRows(state, { page }, page * PAGE_ROWS, PAGE_ROWS, count);
}

/** Asks for rows `offset`… of the current view, remembered as `read` until they come. */
function requestRows(state: PageRequestState, read: PendingRead, offset: number, limit: number, count: boolean): void {
  const { show } = state;
  if (!show) return;
  const requestId = state.nextRequest++;
  state.pending.set(requestId, read);
  state.post({ type: 'requestPage', generation: show.generation, requestId, view: state.view, offset, limit, count, screenRow: state.screenRow, ...('rowsAt' in read ? { screen: true } : {}) });
}

/** Asks for what rows `first`..`last` (on screen) need and the pages either side, so scrolling on finds them loaded. */
export function requestPagesAround(state: PageRequestState, first: number, last: number, total: number): void {
  const onScreen = Math.floor(first / PAGE_ROWS);
  state.screenPage = onScreen;
  state.screenRow = first;
  // The pages on screen first; the ones either side only once those are in, so a read for a
  // neighbour never delays what the user is looking at (reads run one at a time).
  const visible = pagesFor(first, last, total);
  const around = pagesFor(Math.max(0, first - PAGE_ROWS), last + PAGE_ROWS, total).sort((a, b) => Math.abs(a - onScreen) - Math.abs(b - onScreen));
  // The pages on screen are asked at once, however many reads are out: the request also tells the
  // extension where the screen is now, so reads queued for where it was are skipped, not waited for.
  const { cache } = state;
  if (visible.every((p) => cache.has(p))) {
    for (const p of cache.toAsk(around, MAX_IN_FLIGHT)) requestPage(state, p, false);
    return;
  }
  // Pages not yet asked for: the screen's rows in them first (one read the size of the screen), then the pages.
  const ask = cache.toAsk(visible);
  const rows = screenRowsToAsk(first, last, ask);
  if (rows) requestRows(state, { rowsAt: rows.offset }, rows.offset, rows.limit, false);
  for (const p of ask) requestPage(state, p, false);
}

// Asking the extension for pages of rows: what is on screen first, then the pages either side.
import { PAGE_ROWS, pagesFor } from './dataGridModel';
import type { DataPanelState } from './dataPanelState';

/** Pages asked for and not yet answered, at most: the extension reads one at a time anyway. */
const MAX_IN_FLIGHT = 3;

/** Asks for one page of the current view; `count` also asks for the number of rows. */
export function requestPage(state: DataPanelState, page: number, count: boolean): void {
  const { show } = state;
  if (!show) return;
  const requestId = state.nextRequest++;
  state.pending.set(requestId, page);
  state.post({ type: 'requestPage', generation: show.generation, requestId, view: state.view, offset: page * PAGE_ROWS, limit: PAGE_ROWS, count, screenRow: state.screenPage * PAGE_ROWS });
}

/** Asks for what rows `first`..`last` (on screen) need and the pages either side, so scrolling on finds them loaded. */
export function requestPagesAround(state: DataPanelState, first: number, last: number, total: number): void {
  const onScreen = Math.floor(first / PAGE_ROWS);
  state.screenPage = onScreen;
  // The pages on screen first; the ones either side only once those are in, so a read for a
  // neighbour never delays what the user is looking at (reads run one at a time).
  const visible = pagesFor(first, last, total);
  const around = pagesFor(Math.max(0, first - PAGE_ROWS), last + PAGE_ROWS, total).sort((a, b) => Math.abs(a - onScreen) - Math.abs(b - onScreen));
  // The pages on screen are asked at once, however many reads are out: the request also tells the
  // extension where the screen is now, so reads queued for where it was are skipped, not waited for.
  const { cache } = state;
  const ask = visible.every((p) => cache.has(p)) ? cache.toAsk(around, MAX_IN_FLIGHT) : cache.toAsk(visible);
  for (const p of ask) requestPage(state, p, false);
}

// The extension's answers to page reads: rows into the cache, the row count, and read errors.
import type { PageMessage, ReadErrorMessage } from '../../../src/protocol/dataMessages';
import { scrollMap } from './dataGridModel';
import type { DataPanelState } from './dataPanelState';
import { renderHeader } from './gridHeader';
import { ROW_PX, takeColumns } from './gridLayout';
import { renderGridRowsNow, scheduleGridRender } from './gridRows';
import { profileFailed } from './profileView';

/** A page of the current view arrived; one of an older show or an unknown request is dropped. */
export function receivePage(state: DataPanelState, m: PageMessage): void {
  if (!state.show || m.generation !== state.show.generation) return;
  const read = state.pending.get(m.requestId);
  if (read === undefined) return;
  state.pending.delete(m.requestId);
  if (takeColumns(state, m.columns, m.rows)) renderHeader(state);
  const { countEl, sqlText, statusEl } = state.dom;
  if (m.totalRows !== undefined) {
    const totalRows = m.totalRows;
    state.totalRows = totalRows;
    state.map = scrollMap(totalRows, ROW_PX);
    countEl.textContent = `${totalRows.toLocaleString(state.locale)} rows · ${Math.round(m.elapsedMs)} ms`;
    if (totalRows === 0) state.setStatus(state.view.filters.length > 0 ? 'No rows match the filters.' : 'No rows.');
    state.pageSqlText = m.sql;
    if (state.tab === 'data') sqlText.textContent = m.sql;
  }
  // Evict far from what is on screen, not from the selection: the selection may be a million rows away.
  if ('page' in read) state.cache.put(read.page, m.rows, state.screenPage);
  else state.cache.putRows(m.offset, m.rows);
  // Rows again: an error, a retry or an earlier view's "no rows" no longer holds.
  const stale = statusEl.classList.contains('error') || statusEl.textContent?.endsWith('Retrying…') || statusEl.textContent?.startsWith('No rows');
  if (state.totalRows !== 0 && stale) state.setStatus('');
  // A screen's rows are what the user waits for after a jump: drawn now, not a frame later.
  if ('rowsAt' in read) renderGridRowsNow(state);
  else scheduleGridRender(state);
}

/** A read of the current show failed, is being retried, or was skipped (scrolled away before its turn). */
export function receiveReadError(state: DataPanelState, m: ReadErrorMessage): void {
  if (state.show && m.generation !== state.show.generation) return;
  if (m.skipped) {
    // Scrolled away before its read: forget it; it is asked again if it comes back on screen.
    const read = m.requestId === undefined ? undefined : state.pending.get(m.requestId);
    if (read !== undefined) {
      state.pending.delete(m.requestId!);
      if ('page' in read) state.cache.forget(read.page);
    }
    scheduleGridRender(state);
    return;
  }
  if (m.requestId !== undefined) {
    const read = state.pending.get(m.requestId);
    // A read the view no longer waits for (reset since) says nothing about what is shown.
    if (read === undefined && m.requestId !== state.profileRequest) return;
    if (read !== undefined && !m.retrying) {
      state.pending.delete(m.requestId);
      if ('page' in read) state.cache.forget(read.page);
    }
    if (m.requestId === state.profileRequest && !m.retrying) profileFailed(state, m.message);
  }
  state.setStatus(m.message, !m.retrying);
}

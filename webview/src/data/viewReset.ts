// A new view (source, target, sort or filters): the pages and profile read for the old one are dropped.
import { PageCache, scrollMap } from './dataGridModel';
import type { DataPanelState } from './dataPanelState';
import { ROW_PX } from './gridLayout';
import { scheduleGridRender } from './gridRows';
import { requestPage } from './pageRequests';
import { requestProfile } from './profileView';

/** Drops pages and asks again from the top. The caller has drawn the header and filter chips of the new view. */
export function resetView(state: DataPanelState): void {
  state.cache = new PageCache();
  state.pending = new Map();
  state.totalRows = undefined;
  state.profile = undefined;
  state.profileRequest = undefined;
  state.profileSqlText = '';
  state.map = scrollMap(0, ROW_PX);
  state.selRow = state.anchorRow = 0;
  state.screenPage = 0;
  state.screenRow = 0;
  state.dom.gridScroll.scrollTop = 0;
  requestPage(state, 0, true);
  if (state.tab === 'profile') requestProfile(state);
  state.saveState();
  scheduleGridRender(state);
}

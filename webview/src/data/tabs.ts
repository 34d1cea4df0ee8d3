// The Data and Profile tabs: each shows its own view and its own SQL.
import type { DataPanelState, DataTab } from './dataPanelState';
import { scheduleGridRender } from './gridRows';
import { renderProfile, requestProfile } from './profileView';

export function setTab(state: DataPanelState, tab: DataTab): void {
  state.tab = tab;
  const { dataTab, profileTab, gridScroll, profileView, sqlText } = state.dom;
  dataTab.classList.toggle('active', tab === 'data');
  profileTab.classList.toggle('active', tab === 'profile');
  dataTab.setAttribute('aria-pressed', String(tab === 'data'));
  profileTab.setAttribute('aria-pressed', String(tab === 'profile'));
  gridScroll.classList.toggle('hidden', tab !== 'data');
  profileView.classList.toggle('hidden', tab !== 'profile');
  sqlText.textContent = tab === 'data' ? state.pageSqlText : state.profileSqlText;
  if (tab === 'profile') {
    if (state.profile) renderProfile(state);
    else requestProfile(state);
  } else scheduleGridRender(state);
  state.saveState();
}

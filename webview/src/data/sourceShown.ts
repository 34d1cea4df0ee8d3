// A source shown (new, or the same on another target): the toolbar says what and where, and the grid starts again.
import type { ShowSourceMessage } from '../../../src/protocol/dataMessages';
import { leaveCompare } from './comparePane';
import type { DataPanelState } from './dataPanelState';
import { renderFilters } from './filters';
import { renderHeader } from './gridHeader';
import { resetView } from './viewReset';

export function showSource(state: DataPanelState, m: ShowSourceMessage): void {
  leaveCompare(state);
  const { titleEl, queryInput, targetSelect } = state.dom;
  const sameSource = state.show && JSON.stringify(state.show.source) === JSON.stringify(m.source);
  state.show = m;
  state.view = m.view;
  titleEl.textContent = m.source.kind === 'asset' ? `${m.source.key}${m.relation ? `  ${m.relation}` : ''}` : 'Query';
  titleEl.title = m.source.kind === 'query' ? m.source.sql : (m.relation ?? '');
  if (m.source.kind === 'query') queryInput.value = m.source.sql;
  targetSelect.replaceChildren(...m.targets.map((t) => new Option(t, t, false, t === m.target)));
  state.setStatus('');
  // Another source: its columns are measured again from its first page.
  if (!sameSource) {
    state.columns = [];
    state.widths = [];
  }
  renderHeader(state);
  renderFilters(state);
  resetView(state);
}

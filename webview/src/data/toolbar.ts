// The toolbar and the bars under it: tabs, target, exports, the typed query and the SQL's copy button.
import type { DataPanelState } from './dataPanelState';
import { setTab } from './tabs';

export function wireToolbar(state: DataPanelState): void {
  const { copySql, sqlText, exportCsv, exportParquet, dataTab, profileTab, targetSelect, queryToggle, queryBar, queryInput, queryRun } = state.dom;
  copySql.addEventListener('click', () => state.post({ type: 'copy', text: sqlText.textContent ?? '' }));
  for (const [button, format] of [[exportCsv, 'csv'], [exportParquet, 'parquet']] as const) {
    button.addEventListener('click', () => {
      if (state.show) state.post({ type: 'export', generation: state.show.generation, view: state.view, format });
    });
  }
  dataTab.addEventListener('click', () => setTab(state, 'data'));
  profileTab.addEventListener('click', () => setTab(state, 'profile'));
  targetSelect.addEventListener('change', () => state.post({ type: 'selectTarget', target: targetSelect.value }));
  queryToggle.addEventListener('click', () => {
    queryBar.classList.toggle('hidden');
    if (!queryBar.classList.contains('hidden')) queryInput.focus();
  });
  const runTyped = () => {
    if (queryInput.value.trim() !== '') state.post({ type: 'runQuery', sql: queryInput.value });
  };
  queryRun.addEventListener('click', runTyped);
  queryInput.addEventListener('keydown', (e) => {
    if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) {
      e.preventDefault();
      runTyped();
    }
  });
}

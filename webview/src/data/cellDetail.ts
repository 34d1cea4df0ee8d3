// The pane that shows one cell's whole value (nested values, long text).
import type { DataCell, DataColumnInfo } from '../../../src/protocol/dataMessages';
import type { DataPanelState } from './dataPanelState';

export function showDetail(state: DataPanelState, c: DataColumnInfo, value: DataCell): void {
  state.dom.detailText.textContent = `${c.name} (${c.type})\n${JSON.stringify(value, null, 2)}`;
  state.dom.detail.classList.remove('hidden');
}

export function hideDetail(state: DataPanelState): void {
  state.dom.detail.classList.add('hidden');
}

export function wireCellDetail(state: DataPanelState): void {
  state.dom.detailClose.addEventListener('click', () => hideDetail(state));
}

// The compare shown in place of the grid (drawn by compareView.ts), and leaving it when a source is shown.
import type { CompareMessage } from '../../../src/protocol/dataMessages';
import { renderCompare } from './compareView';
import type { DataPanelState } from './dataPanelState';

export function showCompare(state: DataPanelState, m: CompareMessage): void {
  state.comparing = m;
  state.show = undefined;
  state.dom.app.classList.add('comparing');
  state.dom.compareHost.replaceChildren(renderCompare(m, state.post, state.locale));
  state.saveState();
}

export function leaveCompare(state: DataPanelState): void {
  state.comparing = undefined;
  state.dom.app.classList.remove('comparing');
  state.dom.compareHost.replaceChildren();
}

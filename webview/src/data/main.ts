// The data panel: a virtual grid over pages the extension reads from DuckDB, a profile tab and a compare view.
// Wires the page's parts to one DataPanelState and to the extension's messages (src/protocol only).
import type { DataExtensionToWebviewMessage } from '../../../src/protocol/dataMessages';
import { wireCellDetail } from './cellDetail';
import { showCompare } from './comparePane';
import { buildDataPage } from './dataPage';
import { createDataPanelState } from './dataPanelState';
import { wireGridKeyboard } from './gridKeyboard';
import { wireGridScroll } from './gridRows';
import { receivePage, receiveReadError } from './pageReplies';
import { receiveProfile } from './profileView';
import { showSource } from './sourceShown';
import { setTab } from './tabs';
import { wireToolbar } from './toolbar';

declare function acquireVsCodeApi(): { postMessage(message: unknown): void; getState(): unknown; setState(state: unknown): void };

const state = createDataPanelState(acquireVsCodeApi(), buildDataPage());
wireGridScroll(state);
wireGridKeyboard(state);
wireCellDetail(state);
wireToolbar(state);

window.addEventListener('message', (event: MessageEvent<DataExtensionToWebviewMessage>) => {
  const m = event.data;
  switch (m.type) {
    case 'compare':
      showCompare(state, m);
      return;
    case 'show':
      showSource(state, m);
      return;
    case 'page':
      receivePage(state, m);
      return;
    case 'profile':
      receiveProfile(state, m);
      return;
    case 'error':
      receiveReadError(state, m);
      return;
  }
});

setTab(state, state.tab);
state.post({ type: 'ready' });

// Moving the selection with the keyboard (Shift extends it over rows), Enter for a cell's whole value, Ctrl+C to copy.
import { hideDetail, showDetail } from './cellDetail';
import { copySelection } from './copySelection';
import type { DataPanelState } from './dataPanelState';
import { rowsOnScreen } from './gridLayout';
import { scheduleGridRender } from './gridRows';

/** Moves the selection and scrolls it into view. */
function moveTo(state: DataPanelState, row: number, col: number, extend: boolean): void {
  const { gridScroll, header } = state.dom;
  const total = state.totalRows ?? 0;
  state.selRow = Math.max(0, Math.min(total - 1, row));
  state.selCol = Math.max(0, Math.min(state.columns.length - 1, col));
  if (!extend) state.anchorRow = state.selRow;
  const { map, selRow } = state;
  const viewport = gridScroll.clientHeight - header.offsetHeight;
  const first = map.firstRowAt(gridScroll.scrollTop, viewport);
  const n = rowsOnScreen(state);
  if (selRow < first) gridScroll.scrollTop = map.scrollTopFor(selRow, viewport);
  else if (selRow >= first + n) gridScroll.scrollTop = map.scrollTopFor(selRow - n + 1, viewport);
  scheduleGridRender(state);
}

export function wireGridKeyboard(state: DataPanelState): void {
  state.dom.gridScroll.addEventListener('keydown', (e) => {
    const page = rowsOnScreen(state);
    const extend = e.shiftKey;
    const { selRow, selCol } = state;
    const jump = e.ctrlKey || e.metaKey;
    switch (e.key) {
      case 'ArrowDown':
        moveTo(state, selRow + 1, selCol, extend);
        break;
      case 'ArrowUp':
        moveTo(state, selRow - 1, selCol, extend);
        break;
      case 'ArrowRight':
        moveTo(state, selRow, selCol + 1, false);
        break;
      case 'ArrowLeft':
        moveTo(state, selRow, selCol - 1, false);
        break;
      case 'PageDown':
        moveTo(state, selRow + page, selCol, extend);
        break;
      case 'PageUp':
        moveTo(state, selRow - page, selCol, extend);
        break;
      case 'Home':
        moveTo(state, jump ? 0 : selRow, jump ? selCol : 0, extend);
        break;
      case 'End':
        moveTo(state, jump ? (state.totalRows ?? 1) - 1 : selRow, jump ? selCol : state.columns.length - 1, extend);
        break;
      case 'Enter': {
        const row = state.cache.row(selRow);
        const c = state.columns[selCol];
        if (row && c) showDetail(state, c, row[selCol] ?? null);
        break;
      }
      case 'Escape':
        hideDetail(state);
        break;
      default:
        if (jump && e.key.toLowerCase() === 'c') copySelection(state);
        else return;
    }
    e.preventDefault();
  });
}

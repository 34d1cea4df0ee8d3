// Ctrl+C in the grid: one cell as its text, several rows as TSV (the extension writes the clipboard).
import type { DataCell } from '../../../src/protocol/dataMessages';
import { cellCopyText, rowsAsTsv } from './dataGridModel';
import type { DataPanelState } from './dataPanelState';

export function copySelection(state: DataPanelState): void {
  const { cache, selRow, selCol, anchorRow } = state;
  const lo = Math.min(selRow, anchorRow);
  const hi = Math.max(selRow, anchorRow);
  if (lo === hi) {
    const row = cache.row(selRow);
    if (row) state.post({ type: 'copy', text: cellCopyText(row[selCol] ?? null) });
    return;
  }
  const rows: (readonly DataCell[])[] = [];
  for (let r = lo; r <= hi; r++) {
    const row = cache.row(r);
    if (!row) {
      state.setStatus(`Rows ${r + 1}… are not loaded yet: scroll through them, then copy.`);
      return;
    }
    rows.push(row);
  }
  state.post({ type: 'copy', text: rowsAsTsv(state.columns, rows) });
  state.setStatus(`Copied ${rows.length.toLocaleString(state.locale)} rows as TSV.`);
}

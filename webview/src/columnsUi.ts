// Column lineage in the graph: expanding a node to its columns, tracing one, and the extension's answers.
import type { ColumnTraceMessage, LineageAssetColumns, LineageSnapshot } from '../../src/protocol/lineageMessages';
import { afterSnapshot, clearSelection, isExpanded, selectColumn, toggleExpanded, withColumns, withTrace } from './model/columnView';
import type { PanelState } from './panelState';
import { nodeTopLeft } from './render/nodeGeometry';
import { scheduleRender } from './renderer';

/** Keeps `key` where it is on screen through the layout that follows. */
function holdNode(state: PanelState, key: string): void {
  const p = state.layout?.nodes.find((n) => n.id === key);
  if (p) state.keepNode = { key, top: nodeTopLeft(state, p) };
}

export function toggleColumns(state: PanelState, key: string): void {
  const { state: next, request } = toggleExpanded(state.columnState, key);
  state.columnState = next;
  if (request) state.post({ type: 'columns', key });
  holdNode(state, key);
  scheduleRender(state);
}

export function selectColumnRow(state: PanelState, key: string, column: string): void {
  const { state: next, request } = selectColumn(state.columnState, { asset: key, column });
  state.columnState = next;
  if (request) state.post({ type: 'columnTrace', key, column });
  holdNode(state, key);
  scheduleRender(state);
}

/** False when no column was selected. */
export function clearColumnSelection(state: PanelState): boolean {
  if (!state.columnState.selected) return false;
  const key = state.columnState.selected.asset;
  state.columnState = clearSelection(state.columnState);
  holdNode(state, key);
  scheduleRender(state);
  return true;
}

/** Columns can change with the SQL, the target or a run: asks again for what is shown. */
export function refreshColumnsAfterSnapshot(state: PanelState, snapshot: LineageSnapshot): void {
  const { columnState } = state;
  if (columnState.expanded.size === 0 && !columnState.selected) return;
  const refreshed = afterSnapshot(columnState, new Set(snapshot.nodes.map((n) => n.id)));
  state.columnState = refreshed.state;
  for (const key of refreshed.columns) state.post({ type: 'columns', key });
  if (refreshed.retrace) state.post({ type: 'columnTrace', key: refreshed.retrace.asset, column: refreshed.retrace.column });
}

export function receiveColumns(state: PanelState, columns: LineageAssetColumns): void {
  state.columnState = withColumns(state.columnState, columns);
  if (isExpanded(state.columnState, columns.key)) {
    holdNode(state, columns.key);
    scheduleRender(state);
  }
}

export function receiveTrace(state: PanelState, message: ColumnTraceMessage): void {
  const next = withTrace(state.columnState, message);
  if (next === state.columnState) return;
  state.columnState = next;
  holdNode(state, message.key);
  scheduleRender(state);
}

// The selected node and the details pane beside the graph (its content: detailsPane.ts).
import type { LineageAssetDetails } from '../../src/protocol/lineageMessages';
import { toggleColumns } from './columnsUi';
import { renderDetails } from './detailsPane';
import type { PanelState } from './panelState';

export function selectNode(state: PanelState, key: string): void {
  state.selectedKey = key;
  const nodes = state.dom.nodeLayer.node()!;
  for (const el of nodes.querySelectorAll('g.node.selected')) el.classList.remove('selected');
  nodes.querySelector(`g.node[data-key="${CSS.escape(key)}"]`)?.classList.add('selected');
  state.post({ type: 'details', key });
}

export function closeDetails(state: PanelState): void {
  state.selectedKey = undefined;
  state.dom.detailsPane.hidden = true;
  for (const el of state.dom.nodeLayer.node()!.querySelectorAll('g.node.selected')) el.classList.remove('selected');
}

export function showDetails(state: PanelState, d: LineageAssetDetails): void {
  if (d.key !== state.selectedKey) return;
  const { post } = state;
  renderDetails(state.dom.detailsPane, d, state.snapshot?.nodes.find((n) => n.id === d.key), Date.now(), {
    select: (key) => selectNode(state, key),
    close: () => closeDetails(state),
    materialize: (key) => post({ type: 'materialize', key, mode: 'asset' }),
    runChecks: (key) => post({ type: 'runChecks', key }),
    openDefinition: (key) => post({ type: 'openDefinition', key }),
    previewData: (key) => post({ type: 'previewData', key }),
    compare: (key) => post({ type: 'compare', key }),
    toggleColumns: (key) => toggleColumns(state, key),
  });
  state.dom.detailsPane.hidden = false;
}

/** A run or a target switch changes what the pane says: asks again, or closes it when its asset is gone. */
export function refreshDetailsAfterSnapshot(state: PanelState): void {
  const { selectedKey, snapshot } = state;
  if (selectedKey && snapshot?.nodes.some((n) => n.id === selectedKey)) state.post({ type: 'details', key: selectedKey });
  else if (selectedKey) closeDetails(state);
}

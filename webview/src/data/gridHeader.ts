// The grid's header: a cell a column with its name, type and sort arrow; a click sorts, the filter button filters.
import { nextSort } from './dataGridModel';
import type { DataPanelState } from './dataPanelState';
import { codicon, el } from './elements';
import { openFilterForm, renderFilters } from './filters';
import { gridTemplate, ROWNUM_PX } from './gridLayout';
import { resetView } from './viewReset';

export function renderHeader(state: DataPanelState): void {
  const { header, spacer, rowsLayer } = state.dom;
  header.replaceChildren();
  header.style.gridTemplateColumns = gridTemplate(state);
  header.append(el('div', 'cell rownum', '#'));
  state.columns.forEach((c) => {
    const sort = state.view.sort.find((s) => s.column === c.name);
    const cell = el('div', `cell head${c.kind === 'number' ? ' number' : ''}`);
    cell.setAttribute('role', 'columnheader');
    cell.title = `${c.name} ${c.type}: click to sort (ascending, descending, none)`;
    const name = el('span', 'name', c.name);
    const type = el('span', 'type', c.type);
    const sortIcon = sort ? codicon(sort.descending ? 'arrow-down' : 'arrow-up') : el('span');
    const filterButton = el('button', 'icon filter');
    filterButton.title = `Filter on ${c.name}`;
    filterButton.append(codicon('filter'));
    filterButton.addEventListener('click', (e) => {
      e.stopPropagation();
      openFilterForm(state, c, cell);
    });
    cell.append(name, sortIcon, type, filterButton);
    cell.addEventListener('click', () => {
      state.view = { ...state.view, sort: nextSort(state.view.sort, c.name) };
      renderHeader(state);
      renderFilters(state);
      resetView(state);
    });
    header.append(cell);
  });
  const total = ROWNUM_PX + state.widths.reduce((a, b) => a + b, 0);
  header.style.width = `${total}px`;
  spacer.style.width = `${total}px`;
  rowsLayer.style.width = `${total}px`;
}

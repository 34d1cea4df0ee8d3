// Filters on the current view: the form a header's filter button opens, and a chip for each filter.
import type { DataColumnInfo, DataFilter, DataFilterOp } from '../../../src/protocol/dataMessages';
import type { DataPanelState } from './dataPanelState';
import { codicon, el } from './elements';
import { resetView } from './viewReset';

const OPS: readonly DataFilterOp[] = ['=', '!=', '<', '<=', '>', '>=', 'contains', 'is null', 'is not null'];

/** The filter form of one column, under its header cell. */
export function openFilterForm(state: DataPanelState, c: DataColumnInfo, anchor: HTMLElement): void {
  document.querySelector('.filter-form')?.remove();
  const form = el('form', 'filter-form');
  const op = el('select');
  for (const o of OPS) op.append(new Option(o, o));
  if (c.kind === 'text' || c.kind === 'nested' || c.kind === 'json') op.value = 'contains';
  const value = el('input');
  value.placeholder = 'value';
  const apply = el('button', undefined, 'Filter');
  apply.type = 'submit';
  form.append(el('span', undefined, c.name), op, value, apply);
  op.addEventListener('change', () => (value.disabled = op.value === 'is null' || op.value === 'is not null'));
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    const o = op.value as DataFilterOp;
    const f: DataFilter = o === 'is null' || o === 'is not null' ? { column: c.name, op: o } : { column: c.name, op: o, value: value.value };
    state.view = { ...state.view, filters: [...state.view.filters, f] };
    form.remove();
    renderFilters(state);
    resetView(state);
  });
  form.addEventListener('keydown', (e) => {
    if (e.key === 'Escape') form.remove();
  });
  const box = anchor.getBoundingClientRect();
  form.style.left = `${Math.max(0, box.left)}px`;
  form.style.top = `${box.bottom}px`;
  document.body.append(form);
  value.focus();
}

/** A chip for each filter of the view, each with a button that removes it. */
export function renderFilters(state: DataPanelState): void {
  const { filterBar } = state.dom;
  filterBar.replaceChildren();
  state.view.filters.forEach((f, i) => {
    const chip = el('span', 'chip', f.value === undefined ? `${f.column} ${f.op}` : `${f.column} ${f.op} ${JSON.stringify(f.value)}`);
    const remove = el('button', 'icon');
    remove.title = 'Remove this filter';
    remove.append(codicon('close'));
    remove.addEventListener('click', () => {
      state.view = { ...state.view, filters: state.view.filters.filter((_, j) => j !== i) };
      renderFilters(state);
      resetView(state);
    });
    chip.append(remove);
    filterBar.append(chip);
  });
  filterBar.classList.toggle('hidden', state.view.filters.length === 0);
}

// The grid's rows: only the ones on screen are in the DOM, drawn once a frame from the page cache.
import { cellDisplay, numberText } from './dataGridModel';
import type { DataPanelState } from './dataPanelState';
import { showDetail } from './cellDetail';
import { codicon, el } from './elements';
import { gridTemplate, rowsOnScreen } from './gridLayout';
import { requestPagesAround } from './pageRequests';

/** Draws the rows in the next animation frame (once, however often it is asked). */
export function scheduleGridRender(state: DataPanelState): void {
  if (!state.frame) state.frame = requestAnimationFrame(() => renderGridRows(state));
}

/** Scrolling and resizing draw the rows now in view. */
export function wireGridScroll(state: DataPanelState): void {
  const schedule = () => scheduleGridRender(state);
  state.dom.gridScroll.addEventListener('scroll', () => {
    // Asked at the scroll itself, not a frame later when drawn: the reads start up to a frame sooner.
    if (state.tab === 'data') {
      const { first, last, total } = rowsInView(state);
      requestPagesAround(state, first, last, total);
    }
    schedule();
  });
  new ResizeObserver(schedule).observe(state.dom.gridScroll);
}

/** Draws now (a queued frame is dropped): rows the screen waited for are shown without waiting for the next frame. */
export function renderGridRowsNow(state: DataPanelState): void {
  if (state.frame) cancelAnimationFrame(state.frame);
  renderGridRows(state);
}

/** The rows the scroll position shows. */
function rowsInView(state: DataPanelState): { first: number; last: number; total: number } {
  const { gridScroll, header } = state.dom;
  const total = state.totalRows ?? 0;
  const viewport = gridScroll.clientHeight - header.offsetHeight;
  const first = Math.min(state.map.firstRowAt(gridScroll.scrollTop, viewport), Math.max(0, total - 1));
  const last = Math.min(total - 1, first + rowsOnScreen(state));
  return { first, last, total };
}

function renderGridRows(state: DataPanelState): void {
  state.frame = 0;
  if (state.tab !== 'data') return;
  const { gridScroll, header, spacer, rowsLayer } = state.dom;
  const { cache, columns, locale, map, selRow, selCol, anchorRow, show } = state;
  // The rows layer is exactly one screen tall, moved with the scroll position: it never grows the scroll area.
  spacer.style.height = `${map.spacerPx + header.offsetHeight}px`;
  rowsLayer.style.height = `${gridScroll.clientHeight}px`;
  rowsLayer.style.paddingTop = `${header.offsetHeight}px`;
  const { first, last, total } = rowsInView(state);
  requestPagesAround(state, first, last, total);
  rowsLayer.style.transform = `translateY(${gridScroll.scrollTop}px)`;
  const lo = Math.min(selRow, anchorRow);
  const hi = Math.max(selRow, anchorRow);
  const template = gridTemplate(state);
  const frag = document.createDocumentFragment();
  for (let r = first; r <= last; r++) {
    const row = cache.row(r);
    const line = el('div', `row${r >= lo && r <= hi ? ' selected' : ''}`);
    line.style.gridTemplateColumns = template;
    line.setAttribute('role', 'row');
    line.append(el('div', 'cell rownum', numberText(r + 1, locale)));
    columns.forEach((c, ci) => {
      if (!row) {
        line.append(el('div', 'cell loading', '…'));
        return;
      }
      const d = cellDisplay(row[ci] ?? null, c, locale);
      const cell = el('div', `cell ${d.className}${r === selRow && ci === selCol ? ' focus' : ''}`, d.text);
      if (d.title) cell.title = d.title;
      if (d.expandable) {
        const open = el('button', 'icon expand');
        open.title = 'Show the whole value';
        open.append(codicon('chevron-right'));
        open.addEventListener('click', (e) => {
          e.stopPropagation();
          showDetail(state, c, row[ci] ?? null);
        });
        cell.prepend(open);
      }
      cell.addEventListener('mousedown', (e) => {
        state.selCol = ci;
        state.selRow = r;
        if (!e.shiftKey) state.anchorRow = r;
        scheduleGridRender(state);
      });
      line.append(cell);
    });
    frag.append(line);
  }
  rowsLayer.replaceChildren(frag);
  if (show && state.drawnGeneration !== show.generation && last >= first && cache.row(first)) {
    state.drawnGeneration = show.generation;
    state.post({ type: 'drawn', generation: show.generation, rows: last - first + 1 });
  }
}

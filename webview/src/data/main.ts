// The data panel: a virtual grid over pages the extension reads from DuckDB,
// and a profile tab. Talks to the extension only through src/protocol.
import type {
  CompareMessage,
  ColumnProfileInfo,
  DataCell,
  DataColumnInfo,
  DataExtensionToWebviewMessage,
  DataFilter,
  DataFilterOp,
  DataPanelSavedState,
  DataViewSpec,
  DataWebviewToExtensionMessage,
  ShowSourceMessage,
} from '../../../src/protocol/dataMessages';
import { cellCopyText, cellDisplay, nextSort, PAGE_ROWS, PageCache, pagesFor, rowsAsTsv, scrollMap } from './dataGridModel';
import type { ScrollMap } from './dataGridModel';
import { renderCompare } from './compareView';
import { buildDataPage } from './dataPage';
import { codicon, el } from './elements';

interface VsCodeApi {
  postMessage(message: unknown): void;
  getState(): unknown;
  setState(state: unknown): void;
}
declare function acquireVsCodeApi(): VsCodeApi;

const vscode = acquireVsCodeApi();
const post = (m: DataWebviewToExtensionMessage): void => vscode.postMessage(m);
const locale = navigator.language;
const ROW_PX = 22;
const ROWNUM_PX = 64;
/** Pages asked for and not yet answered, at most: the extension reads one at a time anyway. */
const MAX_IN_FLIGHT = 3;
const OPS: readonly DataFilterOp[] = ['=', '!=', '<', '<=', '>', '>=', 'contains', 'is null', 'is not null'];

const dom = buildDataPage();
const { app, titleEl, targetSelect, countEl, dataTab, profileTab, queryToggle, exportCsv, exportParquet, queryBar, queryInput, queryRun } = dom;
const { sqlText, copySql, filterBar, statusEl, gridScroll, header, spacer, rowsLayer, profileView, detail, detailText, detailClose, compareHost } = dom;

// ---- state ----
let show: ShowSourceMessage | undefined;
/** The compare shown in place of the grid, if any. */
let comparing: CompareMessage | undefined;
let view: DataViewSpec = { sort: [], filters: [] };
let tab: 'data' | 'profile' = ((vscode.getState() as DataPanelSavedState | undefined)?.tab as 'data' | 'profile') ?? 'data';
let columns: readonly DataColumnInfo[] = [];
let widths: number[] = [];
let totalRows: number | undefined;
let cache = new PageCache();
let map: ScrollMap = scrollMap(0, ROW_PX);
let nextRequest = 1;
/** Requests of the current view: id → page. A reply to anything else is stale and dropped. */
let pending = new Map<number, number>();
let profileRequest: number | undefined;
let profile: readonly ColumnProfileInfo[] | undefined;
let profileSample: { readonly percent: number; readonly totalRows: number } | undefined;
let selRow = 0;
let selCol = 0;
let anchorRow = 0;
let frame = 0;
/** The page of the first row on screen, as last drawn. */
let screenPage = 0;
/** The show whose first drawn rows were reported. */
let drawnGeneration = -1;
/** The SQL of the data tab and of the profile, each shown with its tab. */
let pageSqlText = '';
let profileSqlText = '';

function saveState(): void {
  const state: DataPanelSavedState = comparing ? { compare: comparing.spec } : { ...(show ? { source: show.source, target: show.target } : {}), view, tab };
  vscode.setState(state);
}

function setStatus(text: string, error = false): void {
  statusEl.textContent = text;
  statusEl.classList.toggle('error', error);
}

/** A new view (source, target, sort or filters): drop pages and ask again from the top. */
function resetView(): void {
  cache = new PageCache();
  pending = new Map();
  totalRows = undefined;
  profile = undefined;
  profileRequest = undefined;
  profileSqlText = '';
  map = scrollMap(0, ROW_PX);
  selRow = anchorRow = 0;
  screenPage = 0;
  gridScroll.scrollTop = 0;
  renderFilters();
  requestPage(0, true);
  if (tab === 'profile') requestProfile();
  saveState();
  schedule();
}

function requestPage(page: number, count: boolean): void {
  if (!show) return;
  const requestId = nextRequest++;
  pending.set(requestId, page);
  post({ type: 'requestPage', generation: show.generation, requestId, view, offset: page * PAGE_ROWS, limit: PAGE_ROWS, count, screenRow: screenPage * PAGE_ROWS });
}

function requestProfile(): void {
  if (!show || profileRequest !== undefined) return;
  profileRequest = nextRequest++;
  profileView.replaceChildren(el('div', 'status', 'Profiling (SUMMARIZE)…'));
  post({ type: 'requestProfile', generation: show.generation, requestId: profileRequest, view });
}

const measure = document.createElement('canvas').getContext('2d');

/** The drawn width of text in the grid's font (the editor font, set by the theme). */
function textPx(text: string, bold = false): number {
  if (!measure) return text.length * 9;
  const style = getComputedStyle(gridScroll);
  measure.font = `${bold ? '600 ' : ''}${style.fontSize} ${style.fontFamily}`;
  return measure.measureText(text).width;
}

/** A column as wide as its name, type and the first page's values need, within bounds. */
function columnWidth(c: DataColumnInfo, index: number, sample: readonly (readonly DataCell[])[]): number {
  // The header holds the name with the sort arrow and the type (0.85em), beside the filter button.
  let px = Math.max(textPx(c.name, true) + 22, textPx(c.type.slice(0, 24)) * 0.85 + 22);
  for (const row of sample.slice(0, 50)) px = Math.max(px, textPx(cellDisplay(row[index] ?? null, c, locale).text) + (c.kind === 'nested' ? 18 : 0));
  return Math.ceil(Math.min(360, Math.max(48, px + 14)));
}

function setColumns(next: readonly DataColumnInfo[], sample: readonly (readonly DataCell[])[]): void {
  const same = next.length === columns.length && next.every((c, i) => c.name === columns[i]!.name && c.type === columns[i]!.type);
  columns = next;
  if (!same || widths.length === 0) {
    widths = next.map((c, i) => columnWidth(c, i, sample));
    renderHeader();
  }
}

function gridTemplate(): string {
  return `${ROWNUM_PX}px ${widths.map((w) => `${w}px`).join(' ')}`;
}

function renderHeader(): void {
  header.replaceChildren();
  header.style.gridTemplateColumns = gridTemplate();
  header.append(el('div', 'cell rownum', '#'));
  columns.forEach((c) => {
    const sort = view.sort.find((s) => s.column === c.name);
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
      openFilterForm(c, cell);
    });
    cell.append(name, sortIcon, type, filterButton);
    cell.addEventListener('click', () => {
      view = { ...view, sort: nextSort(view.sort, c.name) };
      renderHeader();
      resetView();
    });
    header.append(cell);
  });
  const total = ROWNUM_PX + widths.reduce((a, b) => a + b, 0);
  header.style.width = `${total}px`;
  spacer.style.width = `${total}px`;
  rowsLayer.style.width = `${total}px`;
}

function openFilterForm(c: DataColumnInfo, anchor: HTMLElement): void {
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
    view = { ...view, filters: [...view.filters, f] };
    form.remove();
    resetView();
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

function renderFilters(): void {
  filterBar.replaceChildren();
  view.filters.forEach((f, i) => {
    const chip = el('span', 'chip', f.value === undefined ? `${f.column} ${f.op}` : `${f.column} ${f.op} ${JSON.stringify(f.value)}`);
    const remove = el('button', 'icon');
    remove.title = 'Remove this filter';
    remove.append(codicon('close'));
    remove.addEventListener('click', () => {
      view = { ...view, filters: view.filters.filter((_, j) => j !== i) };
      resetView();
    });
    chip.append(remove);
    filterBar.append(chip);
  });
  filterBar.classList.toggle('hidden', view.filters.length === 0);
}

function schedule(): void {
  if (!frame) frame = requestAnimationFrame(render);
}

function rowsOnScreen(): number {
  return Math.max(1, Math.floor((gridScroll.clientHeight - header.offsetHeight) / ROW_PX));
}

function render(): void {
  frame = 0;
  if (tab !== 'data') return;
  const total = totalRows ?? 0;
  // The rows layer is exactly one screen tall, moved with the scroll position: it never grows the scroll area.
  spacer.style.height = `${map.spacerPx + header.offsetHeight}px`;
  rowsLayer.style.height = `${gridScroll.clientHeight}px`;
  rowsLayer.style.paddingTop = `${header.offsetHeight}px`;
  const viewport = gridScroll.clientHeight - header.offsetHeight;
  const first = Math.min(map.firstRowAt(gridScroll.scrollTop, viewport), Math.max(0, total - 1));
  const count = rowsOnScreen() + 1;
  const last = Math.min(total - 1, first + count - 1);
  // Ask for what is on screen and the pages either side, so scrolling on finds them loaded.
  const onScreen = Math.floor(first / PAGE_ROWS);
  screenPage = onScreen;
  // The pages on screen first; the ones either side only once those are in, so a read for a
  // neighbour never delays what the user is looking at (reads run one at a time).
  const visible = pagesFor(first, last, total);
  const around = pagesFor(Math.max(0, first - PAGE_ROWS), last + PAGE_ROWS, total).sort((a, b) => Math.abs(a - onScreen) - Math.abs(b - onScreen));
  // The pages on screen are asked at once, however many reads are out: the request also tells the
  // extension where the screen is now, so reads queued for where it was are skipped, not waited for.
  const ask = visible.every((p) => cache.has(p)) ? cache.toAsk(around, MAX_IN_FLIGHT) : cache.toAsk(visible);
  for (const p of ask) requestPage(p, false);
  rowsLayer.style.transform = `translateY(${gridScroll.scrollTop}px)`;
  const lo = Math.min(selRow, anchorRow);
  const hi = Math.max(selRow, anchorRow);
  const frag = document.createDocumentFragment();
  for (let r = first; r <= last; r++) {
    const row = cache.row(r);
    const line = el('div', `row${r >= lo && r <= hi ? ' selected' : ''}`);
    line.style.gridTemplateColumns = gridTemplate();
    line.setAttribute('role', 'row');
    line.append(el('div', 'cell rownum', (r + 1).toLocaleString(locale)));
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
          showDetail(c, row[ci] ?? null);
        });
        cell.prepend(open);
      }
      cell.addEventListener('mousedown', (e) => {
        selCol = ci;
        selRow = r;
        if (!e.shiftKey) anchorRow = r;
        schedule();
      });
      line.append(cell);
    });
    frag.append(line);
  }
  rowsLayer.replaceChildren(frag);
  if (show && drawnGeneration !== show.generation && last >= first && cache.row(first)) {
    drawnGeneration = show.generation;
    post({ type: 'drawn', generation: show.generation, rows: last - first + 1 });
  }
}

function showDetail(c: DataColumnInfo, value: DataCell): void {
  detailText.textContent = `${c.name} (${c.type})\n${JSON.stringify(value, null, 2)}`;
  detail.classList.remove('hidden');
}

function renderProfile(): void {
  if (!profile) return;
  const table = el('table', 'profile-table');
  const head = el('tr');
  for (const h of ['column', 'type', 'histogram', 'null %', '≈ distinct', 'min', 'max', 'avg', 'q25', 'median', 'q75']) head.append(el('th', undefined, h));
  table.append(head);
  for (const p of profile) {
    const tr = el('tr');
    const hist = el('td');
    if (p.histogram && p.histogram.length > 0) hist.append(histogram(p.histogram));
    const cells = [p.name, p.type, `${p.nullPercent.toLocaleString(locale)}%`, p.approxUnique === null ? '' : p.approxUnique.toLocaleString(locale), p.min, p.max, p.avg, p.q25, p.q50, p.q75];
    cells.forEach((v, i) => {
      if (i === 2) tr.append(hist);
      const td = el('td', i >= 2 && (i < 4 || p.kind === 'number') ? 'number' : undefined, v ?? 'NULL');
      if (v === null) td.classList.add('null');
      tr.append(td);
    });
    table.append(tr);
  }
  const note = profileSample
    ? el('div', 'status', `A sample of about ${profileSample.percent.toLocaleString(locale)}% of the ${profileSample.totalRows.toLocaleString(locale)} rows (whole blocks of rows): min, max, quartiles, counts and histograms are of samples.`)
    : el('div', 'status', `All ${profile.reduce((n, p) => Math.max(n, p.count), 0).toLocaleString(locale)} rows.`);
  profileView.replaceChildren(note, table);
}

function histogram(bins: NonNullable<ColumnProfileInfo['histogram']>): SVGSVGElement {
  const ns = 'http://www.w3.org/2000/svg';
  const w = 160;
  const h = 28;
  const svg = document.createElementNS(ns, 'svg');
  svg.setAttribute('width', String(w));
  svg.setAttribute('height', String(h));
  svg.setAttribute('class', 'histogram');
  const max = Math.max(1, ...bins.map((b) => b.count));
  const bw = w / bins.length;
  bins.forEach((b, i) => {
    const bh = (b.count / max) * (h - 2);
    const rect = document.createElementNS(ns, 'rect');
    rect.setAttribute('x', String(i * bw + 0.5));
    rect.setAttribute('y', String(h - bh));
    rect.setAttribute('width', String(Math.max(1, bw - 1)));
    rect.setAttribute('height', String(Math.max(b.count > 0 ? 1 : 0, bh)));
    const title = document.createElementNS(ns, 'title');
    title.textContent = `${b.lower} – ${b.upper}: ${b.count.toLocaleString(locale)}`;
    rect.append(title);
    svg.append(rect);
  });
  return svg;
}

function setTab(next: 'data' | 'profile'): void {
  tab = next;
  dataTab.classList.toggle('active', tab === 'data');
  profileTab.classList.toggle('active', tab === 'profile');
  dataTab.setAttribute('aria-pressed', String(tab === 'data'));
  profileTab.setAttribute('aria-pressed', String(tab === 'profile'));
  gridScroll.classList.toggle('hidden', tab !== 'data');
  profileView.classList.toggle('hidden', tab !== 'profile');
  sqlText.textContent = tab === 'data' ? pageSqlText : profileSqlText;
  if (tab === 'profile') {
    if (profile) renderProfile();
    else requestProfile();
  } else schedule();
  saveState();
}

/** Moves the selection and scrolls it into view. */
function moveTo(row: number, col: number, extend: boolean): void {
  const total = totalRows ?? 0;
  selRow = Math.max(0, Math.min(total - 1, row));
  selCol = Math.max(0, Math.min(columns.length - 1, col));
  if (!extend) anchorRow = selRow;
  const viewport = gridScroll.clientHeight - header.offsetHeight;
  const first = map.firstRowAt(gridScroll.scrollTop, viewport);
  const n = rowsOnScreen();
  if (selRow < first) gridScroll.scrollTop = map.scrollTopFor(selRow, viewport);
  else if (selRow >= first + n) gridScroll.scrollTop = map.scrollTopFor(selRow - n + 1, viewport);
  schedule();
}

function copySelection(): void {
  const lo = Math.min(selRow, anchorRow);
  const hi = Math.max(selRow, anchorRow);
  if (lo === hi) {
    const row = cache.row(selRow);
    if (row) post({ type: 'copy', text: cellCopyText(row[selCol] ?? null) });
    return;
  }
  const rows: (readonly DataCell[])[] = [];
  for (let r = lo; r <= hi; r++) {
    const row = cache.row(r);
    if (!row) {
      setStatus(`Rows ${r + 1}… are not loaded yet: scroll through them, then copy.`);
      return;
    }
    rows.push(row);
  }
  post({ type: 'copy', text: rowsAsTsv(columns, rows) });
  setStatus(`Copied ${rows.length.toLocaleString(locale)} rows as TSV.`);
}

gridScroll.addEventListener('scroll', schedule);
new ResizeObserver(schedule).observe(gridScroll);
gridScroll.addEventListener('keydown', (e) => {
  const page = rowsOnScreen();
  const extend = e.shiftKey;
  switch (e.key) {
    case 'ArrowDown':
      moveTo(selRow + 1, selCol, extend);
      break;
    case 'ArrowUp':
      moveTo(selRow - 1, selCol, extend);
      break;
    case 'ArrowRight':
      moveTo(selRow, selCol + 1, false);
      break;
    case 'ArrowLeft':
      moveTo(selRow, selCol - 1, false);
      break;
    case 'PageDown':
      moveTo(selRow + page, selCol, extend);
      break;
    case 'PageUp':
      moveTo(selRow - page, selCol, extend);
      break;
    case 'Home':
      moveTo(e.ctrlKey || e.metaKey ? 0 : selRow, e.ctrlKey || e.metaKey ? selCol : 0, extend);
      break;
    case 'End':
      moveTo(e.ctrlKey || e.metaKey ? (totalRows ?? 1) - 1 : selRow, e.ctrlKey || e.metaKey ? selCol : columns.length - 1, extend);
      break;
    case 'Enter': {
      const row = cache.row(selRow);
      const c = columns[selCol];
      if (row && c) showDetail(c, row[selCol] ?? null);
      break;
    }
    case 'Escape':
      detail.classList.add('hidden');
      break;
    default:
      if ((e.ctrlKey || e.metaKey) && e.key.toLowerCase() === 'c') copySelection();
      else return;
  }
  e.preventDefault();
});
detailClose.addEventListener('click', () => detail.classList.add('hidden'));
copySql.addEventListener('click', () => post({ type: 'copy', text: sqlText.textContent ?? '' }));
for (const [button, format] of [[exportCsv, 'csv'], [exportParquet, 'parquet']] as const) {
  button.addEventListener('click', () => {
    if (show) post({ type: 'export', generation: show.generation, view, format });
  });
}
dataTab.addEventListener('click', () => setTab('data'));
profileTab.addEventListener('click', () => setTab('profile'));
targetSelect.addEventListener('change', () => post({ type: 'selectTarget', target: targetSelect.value }));
queryToggle.addEventListener('click', () => {
  queryBar.classList.toggle('hidden');
  if (!queryBar.classList.contains('hidden')) queryInput.focus();
});
const runTyped = () => {
  if (queryInput.value.trim() !== '') post({ type: 'runQuery', sql: queryInput.value });
};
queryRun.addEventListener('click', runTyped);
queryInput.addEventListener('keydown', (e) => {
  if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) {
    e.preventDefault();
    runTyped();
  }
});

window.addEventListener('message', (event: MessageEvent<DataExtensionToWebviewMessage>) => {
  const m = event.data;
  switch (m.type) {
    case 'compare':
      comparing = m;
      show = undefined;
      app.classList.add('comparing');
      compareHost.replaceChildren(renderCompare(m, post, locale));
      saveState();
      return;
    case 'show': {
      comparing = undefined;
      app.classList.remove('comparing');
      compareHost.replaceChildren();
      const sameSource = show && JSON.stringify(show.source) === JSON.stringify(m.source);
      show = m;
      view = m.view;
      titleEl.textContent = m.source.kind === 'asset' ? `${m.source.key}${m.relation ? `  ${m.relation}` : ''}` : 'Query';
      titleEl.title = m.source.kind === 'query' ? m.source.sql : (m.relation ?? '');
      if (m.source.kind === 'query') queryInput.value = m.source.sql;
      targetSelect.replaceChildren(...m.targets.map((t) => new Option(t, t, false, t === m.target)));
      setStatus('');
      if (!sameSource) {
        columns = [];
        widths = [];
      }
      renderHeader();
      resetView();
      return;
    }
    case 'page': {
      if (!show || m.generation !== show.generation) return;
      const page = pending.get(m.requestId);
      if (page === undefined) return;
      pending.delete(m.requestId);
      setColumns(m.columns, m.rows);
      if (m.totalRows !== undefined) {
        totalRows = m.totalRows;
        map = scrollMap(totalRows, ROW_PX);
        countEl.textContent = `${totalRows.toLocaleString(locale)} rows · ${Math.round(m.elapsedMs)} ms`;
        if (totalRows === 0) setStatus(view.filters.length > 0 ? 'No rows match the filters.' : 'No rows.');
        pageSqlText = m.sql;
        if (tab === 'data') sqlText.textContent = m.sql;
      }
      // Evict far from what is on screen, not from the selection: the selection may be a million rows away.
      cache.put(page, m.rows, screenPage);
      if (totalRows !== 0 && (statusEl.classList.contains('error') || statusEl.textContent?.endsWith('Retrying…'))) setStatus('');
      schedule();
      return;
    }
    case 'profile':
      if (!show || m.generation !== show.generation || m.requestId !== profileRequest) return;
      profile = m.columns;
      profileSample = m.sample;
      profileSqlText = m.sql.join(';\n');
      if (tab === 'profile') sqlText.textContent = profileSqlText;
      if (tab === 'profile') renderProfile();
      return;
    case 'error': {
      if (show && m.generation !== show.generation) return;
      if (m.skipped) {
        // Scrolled away before its read: forget it; it is asked again if it comes back on screen.
        const page = m.requestId === undefined ? undefined : pending.get(m.requestId);
        if (page !== undefined) {
          pending.delete(m.requestId!);
          cache.forget(page);
        }
        schedule();
        return;
      }
      if (m.requestId !== undefined) {
        const page = pending.get(m.requestId);
        if (page !== undefined && !m.retrying) {
          pending.delete(m.requestId);
          cache.forget(page);
        }
        if (m.requestId === profileRequest && !m.retrying) {
          profileRequest = undefined;
          profileView.replaceChildren(el('div', 'status error', m.message));
        }
      }
      setStatus(m.message, !m.retrying);
      return;
    }
  }
});

setTab(tab);
post({ type: 'ready' });

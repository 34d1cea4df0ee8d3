// The data panel's page: toolbar, query bar, SQL bar, filter chips, status, the grid, the profile,
// the cell detail and the compare host, and the elements the parts use.
import { codicon, el } from './elements';

export interface DataPanelDom {
  readonly app: HTMLElement;
  readonly titleEl: HTMLElement;
  readonly targetSelect: HTMLSelectElement;
  readonly countEl: HTMLElement;
  readonly dataTab: HTMLButtonElement;
  readonly profileTab: HTMLButtonElement;
  readonly queryToggle: HTMLButtonElement;
  readonly exportCsv: HTMLButtonElement;
  readonly exportParquet: HTMLButtonElement;
  readonly queryBar: HTMLElement;
  readonly queryInput: HTMLTextAreaElement;
  readonly queryRun: HTMLButtonElement;
  readonly sqlText: HTMLElement;
  readonly copySql: HTMLButtonElement;
  readonly filterBar: HTMLElement;
  readonly statusEl: HTMLElement;
  readonly gridScroll: HTMLElement;
  readonly header: HTMLElement;
  /** As tall as all the rows (scrollMap keeps it within what the browser can scroll). */
  readonly spacer: HTMLElement;
  readonly rowsLayer: HTMLElement;
  readonly profileView: HTMLElement;
  readonly detail: HTMLElement;
  readonly detailText: HTMLElement;
  readonly detailClose: HTMLButtonElement;
  readonly compareHost: HTMLElement;
}

/** Builds the page into #app and returns its elements. */
export function buildDataPage(): DataPanelDom {
  const app = document.getElementById('app')!;
  const toolbar = el('div', 'toolbar');
  const titleEl = el('span', 'title');
  const targetSelect = el('select');
  targetSelect.title = 'Target read (reads never write, so a protected target needs no confirmation)';
  const countEl = el('span', 'count');
  const dataTab = el('button', 'tab', 'Data');
  const profileTab = el('button', 'tab', 'Profile');
  const queryToggle = el('button', undefined, 'Query…');
  const exportCsv = el('button', 'export', 'CSV');
  exportCsv.title = 'Export the rows as sorted and filtered to CSV (DuckDB COPY)';
  exportCsv.prepend(codicon('export'));
  const exportParquet = el('button', 'export', 'Parquet');
  exportParquet.title = 'Export the rows as sorted and filtered to Parquet (DuckDB COPY)';
  exportParquet.prepend(codicon('export'));
  toolbar.append(dataTab, profileTab, titleEl, el('label', undefined, 'on'), targetSelect, countEl, el('span', 'spacer'), exportCsv, exportParquet, queryToggle);
  const queryBar = el('div', 'querybar hidden');
  const queryInput = el('textarea');
  queryInput.placeholder = 'select … from …   (Ctrl+Enter runs it on this target)';
  queryInput.rows = 3;
  const queryRun = el('button', undefined, 'Run');
  queryBar.append(queryInput, queryRun);
  const sqlBar = el('div', 'sqlbar');
  const sqlText = el('code', 'sql');
  const copySql = el('button', 'icon');
  copySql.title = 'Copy the SQL';
  copySql.append(codicon('copy'));
  sqlBar.append(sqlText, copySql);
  const filterBar = el('div', 'filters');
  const statusEl = el('div', 'status');
  statusEl.setAttribute('role', 'status');
  const gridScroll = el('div', 'grid-scroll');
  gridScroll.tabIndex = 0;
  gridScroll.setAttribute('role', 'grid');
  const header = el('div', 'grid-header');
  const spacer = el('div', 'grid-spacer');
  const rowsLayer = el('div', 'grid-rows');
  gridScroll.append(header, spacer, rowsLayer);
  const profileView = el('div', 'profile hidden');
  const detail = el('div', 'detail hidden');
  const detailText = el('pre');
  const detailClose = el('button', 'icon');
  detailClose.title = 'Close';
  detailClose.append(codicon('close'));
  detail.append(detailClose, detailText);
  const compareHost = el('div', 'compare-host');
  app.append(toolbar, queryBar, sqlBar, filterBar, statusEl, gridScroll, profileView, detail, compareHost);
  return {
    app,
    titleEl,
    targetSelect,
    countEl,
    dataTab,
    profileTab,
    queryToggle,
    exportCsv,
    exportParquet,
    queryBar,
    queryInput,
    queryRun,
    sqlText,
    copySql,
    filterBar,
    statusEl,
    gridScroll,
    header,
    spacer,
    rowsLayer,
    profileView,
    detail,
    detailText,
    detailClose,
    compareHost,
  };
}

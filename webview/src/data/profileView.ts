// The profile tab: DuckDB's SUMMARIZE of the current view, a row a column, with a histogram each.
import type { ColumnProfileInfo, ProfileMessage } from '../../../src/protocol/dataMessages';
import type { DataPanelState } from './dataPanelState';
import { el } from './elements';

const SVG_NS = 'http://www.w3.org/2000/svg';

/** Asks for the profile of the current view, unless it is asked already. */
export function requestProfile(state: DataPanelState): void {
  const { show } = state;
  if (!show || state.profileRequest !== undefined) return;
  state.profileRequest = state.nextRequest++;
  state.dom.profileView.replaceChildren(el('div', 'status', 'Profiling (SUMMARIZE)…'));
  state.post({ type: 'requestProfile', generation: show.generation, requestId: state.profileRequest, view: state.view });
}

/** A profile of the current view arrived; one of an older view or request is dropped. */
export function receiveProfile(state: DataPanelState, m: ProfileMessage): void {
  if (!state.show || m.generation !== state.show.generation || m.requestId !== state.profileRequest) return;
  state.profile = m.columns;
  state.profileSample = m.sample;
  state.profileSqlText = m.sql.join(';\n');
  if (state.tab === 'profile') state.dom.sqlText.textContent = state.profileSqlText;
  if (state.tab === 'profile') renderProfile(state);
}

/** The profile read failed for good: it is asked again when the tab is shown again. */
export function profileFailed(state: DataPanelState, message: string): void {
  state.profileRequest = undefined;
  state.dom.profileView.replaceChildren(el('div', 'status error', message));
}

export function renderProfile(state: DataPanelState): void {
  const { profile, profileSample, locale } = state;
  if (!profile) return;
  const table = el('table', 'profile-table');
  const head = el('tr');
  for (const h of ['column', 'type', 'histogram', 'null %', '≈ distinct', 'min', 'max', 'avg', 'q25', 'median', 'q75']) head.append(el('th', undefined, h));
  table.append(head);
  for (const p of profile) {
    const tr = el('tr');
    const hist = el('td');
    if (p.histogram && p.histogram.length > 0) hist.append(histogram(p.histogram, locale));
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
  state.dom.profileView.replaceChildren(note, table);
}

function histogram(bins: NonNullable<ColumnProfileInfo['histogram']>, locale: string): SVGSVGElement {
  const w = 160;
  const h = 28;
  const svg = document.createElementNS(SVG_NS, 'svg');
  svg.setAttribute('width', String(w));
  svg.setAttribute('height', String(h));
  svg.setAttribute('class', 'histogram');
  const max = Math.max(1, ...bins.map((b) => b.count));
  const bw = w / bins.length;
  bins.forEach((b, i) => {
    const bh = (b.count / max) * (h - 2);
    const rect = document.createElementNS(SVG_NS, 'rect');
    rect.setAttribute('x', String(i * bw + 0.5));
    rect.setAttribute('y', String(h - bh));
    rect.setAttribute('width', String(Math.max(1, bw - 1)));
    rect.setAttribute('height', String(Math.max(b.count > 0 ? 1 : 0, bh)));
    const title = document.createElementNS(SVG_NS, 'title');
    title.textContent = `${b.lower} – ${b.upper}: ${b.count.toLocaleString(locale)}`;
    rect.append(title);
    svg.append(rect);
  });
  return svg;
}

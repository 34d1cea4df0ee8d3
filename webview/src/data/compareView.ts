// The compare drawn in the data panel: a colour-coded diff of one asset on
// two targets (green added, red removed, yellow changed: the theme's diff colours).
import type { CompareMessage, DataWebviewToExtensionMessage } from '../../../src/protocol/dataMessages';
import { columnChanges, compareHeadline, countLines, sampleRows, schemaLines } from './compareModel';
import { el } from './elements';

/** The compare view's content for one compare message (running, failed, or its result). */
export function renderCompare(m: CompareMessage, post: (message: DataWebviewToExtensionMessage) => void, locale: string | undefined): HTMLElement {
  const root = el('div', 'compare');
  const head = el('div', 'compare-head');
  head.append(el('span', 'title', `${m.spec.asset}: ${m.spec.from} → ${m.spec.to}`));
  const again = el('button', undefined, 'Compare again');
  again.addEventListener('click', () => post({ type: 'compareAgain', generation: m.generation }));
  const sides = [m.spec.from, m.spec.to].map((t) => {
    const b = el('button', undefined, `Rows on ${t}`);
    b.title = `Preview the asset's rows on '${t}'`;
    b.addEventListener('click', () => post({ type: 'previewSide', generation: m.generation, target: t }));
    return b;
  });
  head.append(el('span', 'spacer'), again, ...sides);
  root.append(head);
  if (!m.result && !m.error) {
    root.append(el('div', 'status', `Comparing ${m.spec.asset} on '${m.spec.from}' and '${m.spec.to}' (both read-only)…`));
    return root;
  }
  if (m.error) {
    root.append(el('div', 'status error', m.error), el('div', 'status', 'Nothing was written to either target.'));
    return root;
  }
  const r = m.result!;
  const n = (v: number | null) => (v === null ? '—' : v.toLocaleString(locale));
  root.append(el('div', 'compare-headline', compareHeadline(r)));
  root.append(
    el(
      'div',
      'status',
      `${r.relation}; ${r.key.length > 0 ? `rows matched on ${r.key.join(', ')}` : 'no key: rows compared whole (EXCEPT ALL both ways), changes show as removed + added'}. Old values are ${r.to}'s, new ones ${r.from}'s.${m.elapsedMs !== undefined ? ` ${Math.round(m.elapsedMs)} ms.` : ''}`,
    ),
  );

  const schema = el('section', 'compare-section');
  schema.append(el('h3', undefined, 'Schema'));
  const lines = schemaLines(r);
  if (lines.length === 0) schema.append(el('div', 'status', 'Same columns and types.'));
  const schemaList = el('ul', 'compare-schema');
  for (const l of lines) {
    const li = el('li', `diff-${l.kind}`);
    li.append(el('span', 'sign', l.kind === 'added' ? '+' : l.kind === 'removed' ? '−' : '~'), el('span', 'name', l.name), el('span', 'type', l.text));
    schemaList.append(li);
  }
  schema.append(schemaList);

  const counts = el('section', 'compare-section');
  counts.append(el('h3', undefined, 'Rows'));
  const table = el('table', 'compare-counts');
  for (const c of countLines(r)) {
    const tr = el('tr', `diff-${c.kind}`);
    tr.append(el('th', undefined, c.label), el('td', 'number', c.label === 'changed' && c.count === null ? 'needs a key' : n(c.count)));
    table.append(tr);
  }
  counts.append(table);
  const perColumn = columnChanges(r);
  if (perColumn.length > 0) {
    const cols = el('table', 'compare-columns');
    const max = Math.max(...perColumn.map((c) => c.count), 1);
    const headRow = el('tr');
    headRow.append(el('th', undefined, 'column'), el('th', 'number', 'changed rows'), el('th'));
    cols.append(headRow);
    for (const c of perColumn) {
      const tr = el('tr', c.count > 0 ? 'diff-changed' : 'diff-same');
      const bar = el('span', 'bar');
      bar.style.width = `${Math.round((c.count / max) * 100)}%`;
      const barCell = el('td', 'bar-cell');
      barCell.append(bar);
      tr.append(el('td', 'name', c.column), el('td', 'number', n(c.count)), barCell);
      cols.append(tr);
    }
    counts.append(cols);
  }

  root.append(schema, counts);
  const samples = sampleRows(r);
  if (samples.length > 0) {
    const section = el('section', 'compare-section');
    section.append(el('h3', undefined, `Sample rows (${samples.length})`));
    for (const s of samples) {
      const row = el('div', `compare-sample diff-${s.kind}`);
      row.append(el('span', 'label', s.label), el('span', 'key', s.key));
      const cells = el('div', 'cells');
      for (const c of s.cells) {
        const cell = el('span', 'cell-change');
        cell.append(el('span', 'name', `${c.column}: `));
        if (c.old !== undefined) cell.append(el('del', 'old', c.old), el('span', 'arrow', ' → '), el('ins', 'new', c.new ?? ''));
        else cell.append(el('span', 'value', c.value ?? ''));
        cells.append(cell);
      }
      row.append(cells);
      section.append(row);
    }
    root.append(section);
  }
  return root;
}

// The lineage panel's details pane: one asset's definition, checks, neighbours and last runs, as DOM.
import type { LineageAssetDetails, LineageNode } from '../../src/protocol/lineageMessages';
import { ageText, compactCount } from './model/lineageViewModel';

/** What the pane's buttons and links do; the panel posts the messages. */
export interface DetailsActions {
  select(key: string): void;
  close(): void;
  materialize(key: string): void;
  runChecks(key: string): void;
  openDefinition(key: string): void;
  previewData(key: string): void;
  compare(key: string): void;
  /** Expands or collapses the node to its columns (column lineage). */
  toggleColumns?(key: string): void;
}

/** An element with text (never markup: names and messages come from the user's files and databases). */
function el<K extends keyof HTMLElementTagNameMap>(tag: K, className: string, text?: string): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  if (className) e.className = className;
  if (text !== undefined) e.textContent = text;
  return e;
}

function actionButton(label: string, icon: string, run: () => void): HTMLButtonElement {
  const b = el('button', 'details-action');
  b.dataset.action = label;
  b.append(el('span', `codicon codicon-${icon}`), ` ${label}`);
  b.addEventListener('click', run);
  return b;
}

function keyList(title: string, keys: readonly string[], select: (key: string) => void): HTMLElement {
  const section = el('section', 'details-section');
  section.append(el('h3', '', `${title} (${keys.length})`));
  if (keys.length === 0) section.append(el('div', 'details-muted', 'none'));
  for (const k of keys) {
    const link = el('button', 'details-link', k);
    link.title = `Show ${k}`;
    link.addEventListener('click', () => select(k));
    section.append(link);
  }
  return section;
}

const checkIcons: Record<string, string> = { passed: 'pass', failed: 'error', warned: 'warning', 'not run': 'circle-large-outline' };

/** Fills the pane with what is known of one asset; names and messages go in as text, never markup. */
export function renderDetails(pane: HTMLElement, d: LineageAssetDetails, node: LineageNode | undefined, now: number, actions: DetailsActions): void {
  pane.replaceChildren();
  const head = el('div', 'details-head');
  head.append(el('h2', '', d.key));
  const close = el('button', 'icon-button details-close');
  close.title = 'Close details';
  close.setAttribute('aria-label', 'Close details');
  close.append(el('span', 'codicon codicon-close'));
  close.addEventListener('click', actions.close);
  head.append(close);
  pane.append(head);
  pane.append(el('div', 'details-muted', [d.source, d.kind, d.group && `group ${d.group}`].filter(Boolean).join(' · ')));
  if (d.description) pane.append(el('p', 'details-description', d.description));
  const facts = el('dl', 'details-facts');
  const fact = (name: string, value: string | undefined): void => {
    if (!value) return;
    facts.append(el('dt', '', name), el('dd', '', value));
  };
  fact('Relation', d.relation);
  fact('File', d.file ? (d.line ? `${d.file}:${d.line}` : d.file) : undefined);
  fact(d.target ? `On ${d.target}` : 'State', node?.source === 'external' ? 'external source' : [d.state, node?.lastRun && d.state !== 'never' ? ageText(node.lastRun, now) : undefined].filter(Boolean).join(' · '));
  if (node?.rows !== undefined) fact('Rows', `${node.rows.toLocaleString('en-US')}${node.rowsAdded !== undefined ? ` (+${node.rowsAdded.toLocaleString('en-US')} by the last run)` : ''}`);
  if (node?.partitions) fact('Partitions', `${node.partitions.done} of ${node.partitions.total} materialized`);
  fact('Stale', d.staleReason);
  fact('Error', d.error);
  pane.append(facts);

  const buttons = el('div', 'details-actions');
  if (d.source !== 'external') {
    buttons.append(actionButton('Materialize', 'play', () => actions.materialize(d.key)));
    if (d.checks.length > 0) buttons.append(actionButton('Run Checks', 'beaker', () => actions.runChecks(d.key)));
  }
  // As the node's menu: Preview Data says itself when an asset has no relation to show.
  buttons.append(actionButton('Preview', 'table', () => actions.previewData(d.key)));
  if (d.source !== 'external') buttons.append(actionButton('Compare…', 'diff', () => actions.compare(d.key)));
  if (d.file) buttons.append(actionButton('Open Definition', 'go-to-file', () => actions.openDefinition(d.key)));
  const toggleColumns = actions.toggleColumns;
  if (toggleColumns) buttons.append(actionButton('Columns', 'symbol-field', () => toggleColumns(d.key)));
  pane.append(buttons);

  const checks = el('section', 'details-section');
  checks.append(el('h3', '', `Checks (${d.checks.length})`));
  if (d.checks.length === 0) checks.append(el('div', 'details-muted', 'none'));
  for (const c of d.checks) {
    const row = el('div', `details-check check-${c.status.replace(' ', '-')}`);
    row.append(el('span', `codicon codicon-${checkIcons[c.status] ?? 'circle-large-outline'}`));
    row.append(el('span', 'details-check-name', c.name));
    row.append(el('span', 'details-muted', `${c.status}${c.severity === 'warn' && c.status !== 'warned' ? ' · warn level' : ''}`));
    if (c.message) row.title = c.message;
    checks.append(row);
    if (c.message) checks.append(el('div', 'details-check-message', c.message));
  }
  pane.append(checks);
  pane.append(keyList('Upstream', d.upstream, actions.select), keyList('Downstream', d.downstream, actions.select));

  const runs = el('section', 'details-section');
  runs.append(el('h3', '', d.target ? `Last runs on ${d.target}` : 'Last runs'));
  if (d.runsError) runs.append(el('div', 'details-muted', `could not read: ${d.runsError}`));
  else if (d.runs.length === 0) runs.append(el('div', 'details-muted', 'none'));
  for (const r of d.runs) {
    const parts = [r.status, r.rows !== undefined ? `${compactCount(r.rows)} rows` : undefined, ageText(r.finishedAt, now)];
    const row = el('div', `details-run run-${r.status}`, parts.filter(Boolean).join(' · '));
    if (r.error) row.title = r.error;
    runs.append(row);
  }
  pane.append(runs);
}

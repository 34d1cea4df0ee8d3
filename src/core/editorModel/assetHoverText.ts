import * as path from 'node:path';
import type { AssetNode } from '../graph/assetGraph';
import type { AssetStateView } from './assetRunOutcome';
import { hasBuiltData, isMaterializable } from './assetLensModel';
import { checkSummaryText, stateText, stateTooltip } from './assetLensText';
import type { EditorCommandId } from './editorCommandIds';

export interface ColumnInfo {
  readonly name: string;
  readonly type: string;
}

export interface AssetHoverInput {
  readonly node: AssetNode;
  /** Workspace folder, to show the definition's file relative to it. */
  readonly root: string;
  readonly state: AssetStateView | undefined;
  readonly targetName: string;
  readonly nowMs: number;
  /** The relation's columns on the target, when it exists there. */
  readonly columns?: readonly ColumnInfo[];
  /** Built, but its columns are still being read: said, so that a hover without them is not taken for none. */
  readonly columnsPending?: boolean;
}

/** At most this many columns in a hover; the data panel shows all of them. */
const MAX_COLUMNS = 30;

const SOURCE_NAMES: Record<string, string> = { sql: 'SQL asset', dagster: 'Dagster asset', dbt: 'dbt', external: 'external source' };

/** A `command:` link VS Code runs from a trusted hover, with its arguments. */
export function commandLink(title: string, command: EditorCommandId, args: readonly unknown[]): string {
  return `[${title}](command:${command}?${encodeURIComponent(JSON.stringify(args))})`;
}

/** A code span; backticks and pipes inside would end it or the table cell. */
function codeSpan(text: string): string {
  return `\`${text.replace(/`/g, "'").replace(/\|/g, '\\|')}\``;
}

/** Markdown text inside a table cell or a line: no pipes, brackets or emphasis taken as syntax. */
function escapeMarkdown(text: string): string {
  return text.replace(/[\\`*_{}[\]()#+!|<>]/g, (c) => `\\${c}`);
}

/**
 * The hover on a reference to an asset: key, kind and source, description,
 * where it is defined, its state on the current target, its columns, and
 * links to Materialize, Preview and Lineage.
 */
export function assetHoverMarkdown(input: AssetHoverInput): string {
  const { node, state, targetName } = input;
  const d = node.definition;
  const kind = d.dbt ? (d.dbt.resourceType === 'model' ? `${d.kind ?? 'model'} model` : d.dbt.resourceType) : d.kind;
  const what = [kind, SOURCE_NAMES[d.source] ?? d.source].filter((x) => x).join(' · ');
  const out: string[] = [`**\`${node.id}\`** — ${what}`];
  if (d.description) out.push('', escapeMarkdown(d.description));
  if (d.source !== 'external') {
    const rel = path.relative(input.root, d.location.file) || d.location.file;
    out.push('', `Defined in \`${rel}:${d.location.line}\``);
  }
  if (isMaterializable(node)) {
    const parts = [`**${escapeMarkdown(targetName)}**: ${stateText(state, input.nowMs)}`];
    const checks = checkSummaryText(node.checks.map((c) => c.name), state?.checks);
    if (checks) parts.push(checks);
    out.push('', parts.join(' · '));
    if (state && (state.status === 'stale' || state.status === 'failed')) out.push('', escapeMarkdown(stateTooltip(state, targetName)));
  } else if (node.checks.length > 0) {
    out.push('', checkSummaryText(node.checks.map((c) => c.name), state?.checks)!);
  }
  const columns = input.columns ?? [];
  if (columns.length > 0) {
    out.push('', '| column | type |', '|---|---|');
    for (const c of columns.slice(0, MAX_COLUMNS)) out.push(`| ${codeSpan(c.name)} | ${codeSpan(c.type)} |`);
    if (columns.length > MAX_COLUMNS) out.push('', `… and ${columns.length - MAX_COLUMNS} more columns`);
  } else if (input.columnsPending) {
    out.push('', `_Reading its columns on ${escapeMarkdown(targetName)}: hover again to see them._`);
  }
  const links: string[] = [];
  if (isMaterializable(node)) links.push(commandLink('▶ Materialize', 'assetStudio.materialize', [node.id]));
  if (isMaterializable(node) && hasBuiltData(state)) links.push(commandLink('Preview', 'assetStudio.previewData', [node.id]));
  links.push(commandLink('Lineage', 'assetStudio.showLineage', [node.id]));
  out.push('', links.join(' · '));
  return out.join('\n');
}

/** The hover on an output column of a SQL asset or dbt model: where its value comes from. */
export function columnHoverMarkdown(assetId: string, column: { readonly name: string; readonly kind: 'copy' | 'transformation'; readonly sources: readonly { readonly asset: string; readonly column: string }[] }): string {
  const how = column.kind === 'copy' ? 'a copy of' : 'computed from';
  const from = column.sources.length === 0 ? 'no upstream column (a constant, or `count(*)`)' : column.sources.map((s) => `\`${s.asset}\`.${codeSpan(s.column)}`).join(', ');
  return [`**${codeSpan(column.name)}** — output column of \`${assetId}\``, '', `${column.sources.length === 0 ? 'computed from' : how} ${from}`, '', commandLink('Lineage', 'assetStudio.showLineage', [assetId])].join('\n');
}

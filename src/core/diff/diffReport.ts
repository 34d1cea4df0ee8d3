import type { PromotionPreview } from './compareTargets';
import type { DiffSample, RelationDiff } from './relationDiff';

/**
 * A compare as Markdown: the editor shows it as a document, the CLI prints it
 * (it reads as plain text too). Old values are the `to` side's, new ones `from`'s.
 */
export function relationDiffReport(diff: RelationDiff, title?: string): string {
  const lines: string[] = [];
  lines.push(`# ${title ?? diff.relation}: ${diff.from} → ${diff.to}`, '');
  lines.push(`Relation \`${diff.relation}\`; rows ${diff.key.length > 0 ? `matched on ${diff.key.map((k) => `\`${k}\``).join(', ')}` : 'compared whole (no key: EXCEPT ALL both ways)'}.`);
  lines.push(`Read as promoting **${diff.from}** onto **${diff.to}**: old values are ${diff.to}'s, new ones ${diff.from}'s.`, '');

  lines.push('## Schema', '');
  const { added, removed, retyped } = diff.schema;
  if (added.length + removed.length + retyped.length === 0) lines.push('Same columns and types.');
  for (const c of added) lines.push(`- \`+ ${c.name}\` ${c.type} (only in ${diff.from})`);
  for (const c of removed) lines.push(`- \`- ${c.name}\` ${c.type} (only in ${diff.to})`);
  for (const c of retyped) lines.push(`- \`~ ${c.name}\` ${c.to} → ${c.from}`);
  lines.push('');

  lines.push('## Rows', '');
  const r = diff.rows;
  lines.push(`| | ${diff.from} | ${diff.to} |`, '|---|---:|---:|');
  lines.push(`| rows | ${n(r.from)} | ${n(r.to)} |`);
  lines.push(`| only here | ${n(r.onlyInFrom)} | ${n(r.onlyInTo)} |`);
  lines.push('');
  if (r.changed !== null) {
    lines.push(`Changed rows (same key, another value): **${n(r.changed)}**.`);
    const cols = Object.entries(diff.changedColumns).sort((a, b) => b[1] - a[1]);
    if (cols.length > 0) {
      lines.push('', '| column | changed rows |', '|---|---:|');
      for (const [c, count] of cols) lines.push(`| \`${c}\` | ${n(count)} |`);
    }
  } else {
    lines.push('No key: changed rows cannot be told from added and removed ones. Give a key (`--key COL`) to match rows.');
  }
  lines.push('');

  if (diff.samples.length > 0) {
    lines.push(`## Samples (${diff.samples.length})`, '');
    for (const s of diff.samples) lines.push(`- ${sampleLine(s, diff)}`);
    lines.push('');
  }
  return lines.join('\n');
}

function sampleLine(s: DiffSample, diff: RelationDiff): string {
  const key = s.key ? Object.entries(s.key).map(([k, v]) => `${k}=${value(v)}`).join(', ') : '';
  if (s.change === 'changed') {
    const cols = Object.keys(s.from ?? {}).map((c) => `\`${c}\`: ${value(s.to?.[c])} → ${value(s.from?.[c])}`);
    return `changed ${key}: ${cols.join('; ')}`;
  }
  const side = s.change === 'only_in_from' ? diff.from : diff.to;
  const row = s.from ?? s.to ?? {};
  return `only in ${side}${key ? ` ${key}` : ''}: ${Object.entries(row).map(([k, v]) => `${k}=${value(v)}`).join(', ')}`;
}

/** The promotion preview: one line per asset with its row delta, schema changes and changed rows. */
export function promotionPreviewReport(preview: PromotionPreview): string {
  const lines = [`# Promotion preview: ${preview.from} → ${preview.to}`, ''];
  lines.push(`What materializing these assets on **${preview.to}** would change, judged by what **${preview.from}** has now.`, '');
  lines.push(`| asset | status | rows ${preview.to} → ${preview.from} | Δ rows | schema | changed rows |`, '|---|---|---:|---:|---|---:|');
  for (const a of preview.assets) {
    const d = a.diff;
    if (!d) {
      lines.push(`| ${a.key} | ${a.status} | | | | |`);
      continue;
    }
    const s = d.schema;
    const schema = [...s.added.map((c) => `+${c.name}`), ...s.removed.map((c) => `-${c.name}`), ...s.retyped.map((c) => `~${c.name}`)].join(' ');
    const delta = d.rows.from - d.rows.to;
    const changed = d.rows.changed === null ? `+${n(d.rows.onlyInFrom)} / −${n(d.rows.onlyInTo)} rows (no key)` : n(d.rows.changed);
    lines.push(`| ${a.key} | ${a.status} | ${n(d.rows.to)} → ${n(d.rows.from)} | ${delta > 0 ? '+' : ''}${n(delta)} | ${schema || 'same'} | ${changed} |`);
  }
  const notes = preview.assets.filter((a) => a.error && a.status !== 'changed' && a.status !== 'unchanged');
  if (notes.length > 0) {
    lines.push('');
    for (const a of notes) lines.push(`- ${a.key} (${a.status}): ${a.error}`);
  }
  lines.push('');
  return lines.join('\n');
}

function n(x: number): string {
  return x.toLocaleString('en-US');
}

function value(v: unknown): string {
  if (v === null || v === undefined) return 'NULL';
  return typeof v === 'string' ? v : JSON.stringify(v);
}

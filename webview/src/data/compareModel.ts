// What the compare view draws, as plain data: figures, schema lines and
// sample rows with old → new per changed column. Pure: tested on its own.
import type { DataCell, DataCompareResult, DataCompareSample } from '../../../src/protocol/dataMessages';
import { compactText } from './dataGridModel';

export type ChangeKind = 'added' | 'removed' | 'changed' | 'same';

export interface SchemaLine {
  readonly kind: ChangeKind;
  readonly name: string;
  readonly text: string;
}

/** Columns only in `from` are added by the promotion, only in `to` removed; retyped ones change type old → new. */
export function schemaLines(r: DataCompareResult): SchemaLine[] {
  return [
    ...r.schema.added.map((c) => ({ kind: 'added' as const, name: c.name, text: `${c.type} (only in ${r.from})` })),
    ...r.schema.removed.map((c) => ({ kind: 'removed' as const, name: c.name, text: `${c.type} (only in ${r.to})` })),
    ...r.schema.retyped.map((c) => ({ kind: 'changed' as const, name: c.name, text: `${c.to} → ${c.from}` })),
  ];
}

export interface CountLine {
  readonly label: string;
  readonly kind: ChangeKind;
  readonly count: number | null;
}

/** The row figures: both sides' counts, then what the promotion adds, removes and changes. */
export function countLines(r: DataCompareResult): CountLine[] {
  return [
    { label: `rows in ${r.from}`, kind: 'same', count: r.rows.from },
    { label: `rows in ${r.to}`, kind: 'same', count: r.rows.to },
    { label: `only in ${r.from} (added)`, kind: r.rows.onlyInFrom > 0 ? 'added' : 'same', count: r.rows.onlyInFrom },
    { label: `only in ${r.to} (removed)`, kind: r.rows.onlyInTo > 0 ? 'removed' : 'same', count: r.rows.onlyInTo },
    { label: 'changed', kind: (r.rows.changed ?? 0) > 0 ? 'changed' : 'same', count: r.rows.changed },
  ];
}

/** Changed rows per column, most changed first. */
export function columnChanges(r: DataCompareResult): { readonly column: string; readonly count: number }[] {
  return Object.entries(r.changedColumns)
    .map(([column, count]) => ({ column, count }))
    .sort((a, b) => b.count - a.count || a.column.localeCompare(b.column));
}

export interface SampleCell {
  readonly column: string;
  /** A changed column: its old value (`to`'s) and new (`from`'s). */
  readonly old?: string;
  readonly new?: string;
  /** A row on one side only: its value. */
  readonly value?: string;
}

export interface SampleRow {
  readonly kind: ChangeKind;
  readonly label: string;
  readonly key: string;
  readonly cells: readonly SampleCell[];
}

function valueText(v: DataCell | undefined): string {
  if (v === undefined || v === null) return 'NULL';
  return typeof v === 'object' ? compactText(v, 120) : typeof v === 'string' ? v : String(v);
}

export function sampleRows(r: DataCompareResult): SampleRow[] {
  return r.samples.map((s: DataCompareSample) => {
    const key = s.key ? Object.entries(s.key).map(([k, v]) => `${k} = ${valueText(v)}`).join(', ') : '';
    if (s.change === 'changed') {
      const columns = Object.keys({ ...(s.to ?? {}), ...(s.from ?? {}) });
      return { kind: 'changed' as const, label: 'changed', key, cells: columns.map((c) => ({ column: c, old: valueText(s.to?.[c]), new: valueText(s.from?.[c]) })) };
    }
    const row = (s.change === 'only_in_from' ? s.from : s.to) ?? {};
    const kind = s.change === 'only_in_from' ? 'added' : 'removed';
    return { kind, label: s.change === 'only_in_from' ? `only in ${r.from}` : `only in ${r.to}`, key, cells: Object.entries(row).map(([column, v]) => ({ column, value: valueText(v) })) };
  });
}

/** One sentence for the top of the view: does promoting change anything? */
export function compareHeadline(r: DataCompareResult): string {
  const schema = r.schema.added.length + r.schema.removed.length + r.schema.retyped.length;
  const rows = r.rows.onlyInFrom + r.rows.onlyInTo + (r.rows.changed ?? 0);
  if (schema === 0 && rows === 0) return `${r.from} and ${r.to} hold the same rows and columns.`;
  const parts: string[] = [];
  if (schema > 0) parts.push(`${schema} column${schema === 1 ? '' : 's'} differ`);
  if (r.rows.changed !== null && r.rows.changed > 0) parts.push(`${r.rows.changed.toLocaleString()} row${r.rows.changed === 1 ? '' : 's'} changed`);
  if (r.rows.onlyInFrom > 0) parts.push(`${r.rows.onlyInFrom.toLocaleString()} only in ${r.from}`);
  if (r.rows.onlyInTo > 0) parts.push(`${r.rows.onlyInTo.toLocaleString()} only in ${r.to}`);
  return `Promoting ${r.from} onto ${r.to}: ${parts.join(', ')}.`;
}

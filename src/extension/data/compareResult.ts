import type { RelationDiff } from '../../core/diff/relationDiff';
import type { DataCell, DataCompareResult } from '../../protocol/dataMessages';

/** A sample value as a cell: the diff reads rows as DuckDB's JSON (BIGINT as text); anything else JSON can carry is kept, the rest written as text. */
export function cellOf(value: unknown): DataCell {
  if (value === null || value === undefined) return null;
  if (typeof value === 'string' || typeof value === 'boolean') return value;
  if (typeof value === 'number') return Number.isFinite(value) ? value : String(value);
  if (typeof value === 'bigint') return value.toString();
  if (Array.isArray(value)) return value.map(cellOf);
  if (typeof value === 'object') return recordOf(value as Record<string, unknown>);
  return String(value);
}

function recordOf(row: Readonly<Record<string, unknown>> | null): { [column: string]: DataCell } | null {
  if (row === null) return null;
  const out: { [column: string]: DataCell } = {};
  for (const [k, v] of Object.entries(row)) out[k] = cellOf(v);
  return out;
}

/** The core's diff as the data panel draws it. */
export function compareResultOf(diff: RelationDiff): DataCompareResult {
  return {
    from: diff.from,
    to: diff.to,
    relation: diff.relation,
    key: [...diff.key],
    schema: { added: [...diff.schema.added], removed: [...diff.schema.removed], retyped: [...diff.schema.retyped] },
    rows: { ...diff.rows },
    changedColumns: { ...diff.changedColumns },
    samples: diff.samples.map((s) => ({ change: s.change, key: recordOf(s.key), from: recordOf(s.from), to: recordOf(s.to) })),
  };
}

import type { DataColumn, DataValue } from '../core/data/dataValue';

const MAX_CELL = 40;

/** A cell as one line of text: NULL apart from '', nested values as compact JSON, long text cut with '…'. */
export function cellText(value: DataValue): string {
  if (value === null) return 'NULL';
  const text = typeof value === 'object' ? JSON.stringify(value) : String(value);
  const line = text.replace(/\r?\n/g, '⏎');
  return line.length > MAX_CELL ? `${line.slice(0, MAX_CELL - 1)}…` : line;
}

/** Rows as an aligned text table: a header of names, a line of types, numbers right-aligned. */
export function dataTableText(columns: readonly DataColumn[], rows: readonly (readonly DataValue[])[]): string {
  const cells = rows.map((r) => r.map(cellText));
  const widths = columns.map((c, i) => Math.max(c.name.length, c.type.length, ...cells.map((r) => r[i]!.length)));
  const pad = (text: string, i: number, right: boolean) => (right ? text.padStart(widths[i]!) : text.padEnd(widths[i]!));
  const line = (parts: string[]) => `${parts.join('  ').trimEnd()}\n`;
  let out = line(columns.map((c, i) => pad(c.name, i, false)));
  out += line(columns.map((c, i) => pad(c.type, i, false)));
  out += line(widths.map((w) => '─'.repeat(w)));
  for (const r of cells) out += line(r.map((t, i) => pad(t, i, columns[i]!.kind === 'number' && t !== 'NULL')));
  return out;
}

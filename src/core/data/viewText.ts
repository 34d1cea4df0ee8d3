import type { ColumnFilter, FilterOp, SortKey } from './dataView';

/** `COL` or `COL:desc` / `COL:asc`, as written after `--sort`. */
export function parseSortText(text: string): SortKey | string {
  const m = /^(.*?)(?::(asc|desc))?$/i.exec(text.trim());
  const column = m?.[1]?.trim() ?? '';
  if (column === '') return `--sort ${text}: name a column, e.g. --sort total:desc`;
  return { column, descending: m?.[2]?.toLowerCase() === 'desc' };
}

/**
 * `COL=VALUE`, `COL!=VALUE`, `COL<VALUE` (and `<=`, `>`, `>=`), `COL~TEXT`
 * (contains, any case), `COL is null`, `COL is not null`, as written after `--where`.
 */
export function parseFilterText(text: string): ColumnFilter | string {
  const nullTest = /^(.+?)\s+is\s+(not\s+)?null$/i.exec(text.trim());
  if (nullTest) return { column: nullTest[1]!.trim(), op: nullTest[2] ? 'is not null' : 'is null' };
  const m = /^(.+?)(!=|<=|>=|=|<|>|~)(.*)$/s.exec(text);
  if (!m || m[1]!.trim() === '') return `--where ${text}: write COL=VALUE (or !=, <, <=, >, >=, ~ for contains, "COL is null")`;
  const op: FilterOp = m[2] === '~' ? 'contains' : (m[2] as FilterOp);
  return { column: m[1]!.trim(), op, value: m[3]! };
}

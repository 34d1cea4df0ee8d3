// One incremental batch may hold several rows with the same unique_key (two updates
// of one order since the last load). Inserting both would break the key the table
// promises; the latest by watermark is the one that stands, and without a watermark
// there is no "latest", so the run fails and says which key repeats.
import { quoteIdent } from './sqlIdentifiers';

/** The batch query keeping, for each key, the row with the highest watermark. */
export function latestPerKeySql(source: string, keys: readonly string[], watermark: string | undefined): string {
  if (!watermark) return source;
  const by = keys.map(quoteIdent).join(', ');
  return `SELECT * FROM (\n${source}\n) AS __batch QUALIFY row_number() OVER (PARTITION BY ${by} ORDER BY ${quoteIdent(watermark)} DESC NULLS LAST) = 1`;
}

/** One key that appears more than once in `table` (as `key` text and `n`), none when the keys are unique. */
export function repeatedKeySql(table: string, keys: readonly string[]): string {
  const cols = keys.map(quoteIdent);
  const shown = keys.length === 1 ? `CAST(${cols[0]} AS VARCHAR)` : `concat_ws(', ', ${cols.map((c) => `CAST(${c} AS VARCHAR)`).join(', ')})`;
  return `SELECT ${shown} AS key, count(*) AS n FROM ${table} GROUP BY ${cols.join(', ')} HAVING count(*) > 1 LIMIT 1`;
}

export function repeatedKeyMessage(keys: readonly string[], key: unknown, n: unknown): string {
  return `${String(n)} new rows share the unique_key ${keys.join(', ')} = ${key === null ? 'NULL' : String(key)}: deduplicate them in the query, or set a watermark so that the latest one wins`;
}

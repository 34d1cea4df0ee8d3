import { JsonDuckDBValueConverter } from '@duckdb/node-api';
import type { DuckDBMaterializedResult } from '@duckdb/node-api';

/**
 * The rows of a result `run` already materialized, as `getRowObjectsJson` gives
 * them, read from its chunks in place: no further round trip to DuckDB's threads
 * (a reader fetches each chunk, and the empty one after, asynchronously).
 */
export function materializedRows(result: DuckDBMaterializedResult): Record<string, unknown>[] {
  const names = result.deduplicatedColumnNames();
  const rows: Record<string, unknown>[] = [];
  for (let c = 0; c < result.chunkCount; c++) {
    const chunk = result.getChunk(c);
    for (let r = 0; r < chunk.rowCount; r++) {
      const row: Record<string, unknown> = {};
      chunk.visitRowValues(r, (value, _row, column, type) => {
        row[names[column]!] = JsonDuckDBValueConverter(value, type, JsonDuckDBValueConverter);
      });
      rows.push(row);
    }
  }
  return rows;
}

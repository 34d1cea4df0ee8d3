import { DuckDBInstance } from '@duckdb/node-api';

/**
 * The first column of the first row of a query on a DuckDB file, read with a
 * short-lived read-only instance. Opening it at all proves the extension is
 * not holding the file between runs.
 */
export async function readNumber(dbFile: string, sql: string): Promise<number> {
  const instance = await DuckDBInstance.create(dbFile, { access_mode: 'READ_ONLY' });
  try {
    const conn = await instance.connect();
    try {
      const reader = await conn.runAndReadAll(sql);
      return Number(reader.getRows()[0]?.[0]);
    } finally {
      conn.closeSync();
    }
  } finally {
    instance.closeSync();
  }
}

export function countRows(dbFile: string, relation: string): Promise<number> {
  return readNumber(dbFile, `select count(*)::integer from ${relation}`);
}

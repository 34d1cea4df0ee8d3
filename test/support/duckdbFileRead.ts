// Reads of a DuckDB file written by the extension, for the editor tests. Each
// opens its own short-lived read-only instance: that it opens at all proves
// the extension is not holding the file between runs.
import { DuckDBInstance } from '@duckdb/node-api';

const quote = (name: string): string => `"${name.replaceAll('"', '""')}"`;

async function readNumber(dbFile: string, sql: string): Promise<number> {
  const instance = await DuckDBInstance.create(dbFile, { access_mode: 'READ_ONLY' });
  try {
    const conn = await instance.connect();
    try {
      const reader = await conn.runAndReadAll(sql);
      return Number(reader.getRowObjects()[0]?.['n']);
    } finally {
      conn.closeSync();
    }
  } finally {
    instance.closeSync();
  }
}

/** Rows of `schema.table`. */
export function countRows(dbFile: string, schema: string, table: string): Promise<number> {
  return readNumber(dbFile, `select count(*)::integer as n from ${quote(schema)}.${quote(table)}`);
}

/** Whether a table of that name exists in any schema. */
export async function hasTable(dbFile: string, table: string): Promise<boolean> {
  const literal = `'${table.replaceAll("'", "''")}'`;
  return (await readNumber(dbFile, `select count(*)::integer as n from duckdb_tables() where table_name = ${literal}`)) > 0;
}

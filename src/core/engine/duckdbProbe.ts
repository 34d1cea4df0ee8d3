import { DuckDBInstance } from '@duckdb/node-api';

/** Opens an in-memory DuckDB and returns its version: proves the native binding loads. */
export async function probeDuckDb(): Promise<string> {
  const instance = await DuckDBInstance.create(':memory:');
  const connection = await instance.connect();
  try {
    const reader = await connection.runAndReadAll('select version() as v');
    return String(reader.getRowObjects()[0]?.['v'] ?? 'unknown');
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
}

import type { DuckDBConnection } from '@duckdb/node-api';
import { quoteLiteral } from '../engine/sqlIdentifiers';
import { assertSingleRead, run } from './dataReader';
import type { DataSource, DataView } from './dataView';
import { displaySql, viewSql } from './dataView';

export type ExportFormat = 'csv' | 'parquet';

export interface DataExport {
  readonly rows: number;
  readonly sql: string;
}

/**
 * The view as the user sees it (sort and filters) written to a file by
 * DuckDB's COPY: the rows stream from DuckDB to the file, never through here.
 * COPY … TO writes a file, not the database, so it runs on the read-only connection.
 */
export async function exportViewOn(conn: DuckDBConnection, source: DataSource, view: DataView, file: string, format: ExportFormat): Promise<DataExport> {
  if (source.kind === 'query') await assertSingleRead(conn, source.sql);
  const base = viewSql(source, view);
  const options = format === 'csv' ? '(FORMAT csv, HEADER true)' : '(FORMAT parquet)';
  const copy = { sql: `COPY (${base.sql}) TO ${quoteLiteral(file)} ${options}`, params: base.params };
  const reader = await run(conn, copy, source);
  return { rows: Number(reader.getRowsJson()[0]?.[0] ?? 0), sql: displaySql(copy) };
}

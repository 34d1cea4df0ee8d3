import type { DuckDBConnection } from '@duckdb/node-api';
import { quoteLiteral } from './sqlIdentifiers';
import type { CheckResult } from './checkQueries';
import type { AssetRunner } from './engineEvents';

/** Schema in each target that remembers runs, checks, watermarks and partitions (docs/materialization.md). */
export const STATE_SCHEMA = '_asset_studio';

export const STATE_DDL = [
  `CREATE SCHEMA IF NOT EXISTS ${STATE_SCHEMA}`,
  `CREATE TABLE IF NOT EXISTS ${STATE_SCHEMA}.runs (run_id VARCHAR, key VARCHAR, status VARCHAR, rows BIGINT, started_at TIMESTAMP, finished_at TIMESTAMP, definition_hash VARCHAR, error VARCHAR, target VARCHAR, error_line INTEGER)`,
  // Files written before error_line existed get it here; every INSERT names its columns, so the order never matters.
  `ALTER TABLE ${STATE_SCHEMA}.runs ADD COLUMN IF NOT EXISTS error_line INTEGER`,
  `ALTER TABLE ${STATE_SCHEMA}.runs ADD COLUMN IF NOT EXISTS runner VARCHAR`,
  `CREATE TABLE IF NOT EXISTS ${STATE_SCHEMA}.check_results (run_id VARCHAR, key VARCHAR, name VARCHAR, passed BOOLEAN, severity VARCHAR, failing_rows BIGINT, samples VARCHAR, duration_ms DOUBLE, error VARCHAR, finished_at TIMESTAMP, target VARCHAR)`,
  `CREATE TABLE IF NOT EXISTS ${STATE_SCHEMA}.watermarks (key VARCHAR PRIMARY KEY, value VARCHAR, value_type VARCHAR, updated_at TIMESTAMP, run_id VARCHAR)`,
  `CREATE TABLE IF NOT EXISTS ${STATE_SCHEMA}.partitions (key VARCHAR, partition_start VARCHAR, status VARCHAR, rows BIGINT, definition_hash VARCHAR, run_id VARCHAR, finished_at TIMESTAMP, PRIMARY KEY (key, partition_start))`,
].join(';\n');

export interface RunRecord {
  readonly runId: string;
  readonly key: string;
  readonly status: 'success' | 'failed' | 'skipped';
  readonly rows: number | null;
  readonly startedAt: Date;
  readonly finishedAt: Date;
  readonly definitionHash: string;
  readonly error: string | null;
  /** 1-based line of the error in the asset's file, when the run could map it. */
  readonly errorLine?: number | null;
  readonly target: string;
  readonly checks: readonly CheckResult[];
  readonly runner?: AssetRunner;
}

function ts(d: Date): string {
  return `CAST(${quoteLiteral(d.toISOString().replace('T', ' ').replace('Z', ''))} AS TIMESTAMP)`;
}

/** One statement writing every run and check result of a batch: state costs one round trip. */
export function recordRunsSql(records: readonly RunRecord[], checksOnly = false): string | undefined {
  if (records.length === 0) return undefined;
  const runs = records
    .map(
      (r) =>
        `(${[r.runId, r.key, r.status].map(quoteLiteral).join(', ')}, ${r.rows === null ? 'NULL' : quoteLiteral(r.rows)}, ${ts(r.startedAt)}, ${ts(r.finishedAt)}, ${quoteLiteral(r.definitionHash)}, ${quoteLiteral(r.error)}, ${quoteLiteral(r.target)}, ${quoteLiteral(r.errorLine ?? null)}, ${quoteLiteral(r.runner ?? null)})`,
    )
    .join(',\n');
  // A check-only run built nothing: it must not count as a materialization.
  const statements = checksOnly
    ? []
    : [`INSERT INTO ${STATE_SCHEMA}.runs (run_id, key, status, rows, started_at, finished_at, definition_hash, error, target, error_line, runner) VALUES ${runs}`];
  const checks = records.flatMap((r) =>
    r.checks.map(
      (c) =>
        `(${quoteLiteral(r.runId)}, ${quoteLiteral(r.key)}, ${quoteLiteral(c.name)}, ${quoteLiteral(c.passed)}, ${quoteLiteral(c.severity)}, ${quoteLiteral(c.failingRows)}, ${quoteLiteral(JSON.stringify(c.samples))}, ${quoteLiteral(c.durationMs)}, ${quoteLiteral(c.error ?? null)}, ${ts(r.finishedAt)}, ${quoteLiteral(r.target)})`,
    ),
  );
  if (checks.length > 0) {
    statements.push(
      `INSERT INTO ${STATE_SCHEMA}.check_results (run_id, key, name, passed, severity, failing_rows, samples, duration_ms, error, finished_at, target) VALUES ${checks.join(',\n')}`,
    );
  }
  return statements.length > 0 ? statements.join(';\n') : undefined;
}

export interface StoredWatermark {
  readonly value: string;
  readonly type: string;
}

export async function readWatermark(conn: DuckDBConnection, key: string): Promise<StoredWatermark | undefined> {
  const r = await conn.runAndReadAll(`SELECT value, value_type FROM ${STATE_SCHEMA}.watermarks WHERE key = ${quoteLiteral(key)}`);
  const row = r.getRowObjectsJson()[0];
  if (!row || row['value'] === null) return undefined;
  return { value: String(row['value']), type: String(row['value_type']) };
}

/** The stored mark as a typed SQL literal, e.g. CAST('2022-11-02 10:00:00' AS TIMESTAMP). */
export function watermarkLiteral(mark: StoredWatermark | undefined): string {
  if (!mark) return 'NULL';
  // The type comes from DuckDB's typeof(); allow only a type name, never arbitrary text.
  const type = /^[A-Za-z][A-Za-z0-9_ ()]*$/.test(mark.type) ? mark.type : 'VARCHAR';
  return `CAST(${quoteLiteral(mark.value)} AS ${type})`;
}

export function saveWatermarkSql(key: string, quotedRelation: string, quotedColumn: string, runId: string): string {
  return (
    `INSERT OR REPLACE INTO ${STATE_SCHEMA}.watermarks (key, value, value_type, updated_at, run_id) SELECT ${quoteLiteral(key)}, CAST(max(${quotedColumn}) AS VARCHAR), ` +
    `typeof(max(${quotedColumn})), CAST(now() AS TIMESTAMP), ${quoteLiteral(runId)} FROM ${quotedRelation} HAVING max(${quotedColumn}) IS NOT NULL`
  );
}

export async function donePartitions(conn: DuckDBConnection, key: string, definitionHash: string): Promise<Set<string>> {
  const r = await conn.runAndReadAll(
    `SELECT partition_start FROM ${STATE_SCHEMA}.partitions WHERE key = ${quoteLiteral(key)} AND status = 'success' AND definition_hash = ${quoteLiteral(definitionHash)}`,
  );
  return new Set(r.getRowObjectsJson().map((row) => String(row['partition_start'])));
}

export function savePartitionSql(key: string, partitionStart: string, rows: number, definitionHash: string, runId: string): string {
  return `INSERT OR REPLACE INTO ${STATE_SCHEMA}.partitions (key, partition_start, status, rows, definition_hash, run_id, finished_at) VALUES (${[key, partitionStart, 'success'].map(quoteLiteral).join(', ')}, ${quoteLiteral(rows)}, ${quoteLiteral(definitionHash)}, ${quoteLiteral(runId)}, CAST(now() AS TIMESTAMP))`;
}

import type { TargetConfig } from '../project/targetConfig';
import { quoteLiteral } from './sqlIdentifiers';
import { STATE_SCHEMA } from './stateStore';
import { openTarget, TargetConnectionError } from './targetConnection';
import type { ReadStatesOptions } from './assetStates';

/** One row of `_asset_studio.runs` for an asset, as the lineage details pane lists it. */
export interface RecentRun {
  readonly status: string;
  readonly rows: number | null;
  /** Epoch ms. */
  readonly startedAt: number;
  readonly finishedAt: number;
  readonly error?: string;
}

/**
 * The last `limit` runs of one asset on a target, newest first, with a
 * short-lived read-only connection; none when the database or the state
 * schema does not exist yet (nothing is created).
 */
export async function readRecentRuns(target: TargetConfig, key: string, opts: ReadStatesOptions, limit = 5): Promise<RecentRun[]> {
  let db;
  try {
    db = await openTarget(target, { projectRoot: opts.projectRoot, token: opts.token, env: opts.env, readOnly: true });
  } catch (err) {
    if (err instanceof TargetConnectionError && err.reason === 'missing-file') return [];
    throw err;
  }
  try {
    const conn = await db.connect();
    try {
      const has = (await conn.runAndReadAll(
        `SELECT count(*) AS n FROM duckdb_tables() WHERE database_name = current_database() AND schema_name = '${STATE_SCHEMA}' AND table_name = 'runs'`,
      )).getRowObjectsJson()[0];
      if (Number(has?.['n'] ?? 0) === 0) return [];
      const rows = (await conn.runAndReadAll(
        `SELECT status, rows, CAST(epoch_ms(started_at) AS DOUBLE) AS started, CAST(epoch_ms(finished_at) AS DOUBLE) AS finished, error ` +
          `FROM ${STATE_SCHEMA}.runs WHERE key = ${quoteLiteral(key)} AND target = ${quoteLiteral(target.name)} ` +
          `ORDER BY finished_at DESC LIMIT ${Math.max(1, Math.floor(limit))}`,
      )).getRowObjectsJson();
      return rows.map((r) => ({
        status: String(r['status']),
        rows: r['rows'] === null ? null : Number(r['rows']),
        startedAt: Number(r['started']),
        finishedAt: Number(r['finished']),
        ...(r['error'] ? { error: String(r['error']) } : {}),
      }));
    } finally {
      conn.closeSync();
    }
  } finally {
    db.close();
  }
}

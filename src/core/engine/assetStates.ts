import type { AssetGraph } from '../graph/assetGraph';
import type { TargetConfig } from '../project/targetConfig';
import type { AssetStateView, CheckOutcome } from '../editorModel/assetRunOutcome';
import { isBuildable } from './materializationPlan';
import { quoteLiteral } from './sqlIdentifiers';
import { checkFailureText } from './checkFailureText';
import { parseSamples } from './checkQueries';
import { STATE_SCHEMA } from './stateStore';
import { openTarget, TargetConnectionError } from './targetConnection';

/** An asset's state on one target (docs/materialization.md), as the editor shows it. */
export interface AssetState extends AssetStateView {
  readonly key: string;
  /** Epoch ms of the last successful run. */
  readonly lastSuccessAt?: number;
  /** Why it is stale: the definition changed, or which upstream succeeded later. */
  readonly staleReason?: string;
  /** Names of checks whose latest result failed. */
  readonly failingChecks: readonly string[];
}

export interface ReadStatesOptions {
  readonly projectRoot: string;
  readonly token?: string;
  readonly env?: Readonly<Record<string, string | undefined>>;
}

interface Row {
  [k: string]: unknown;
}

/**
 * Reads `_asset_studio` on the target with a short-lived read-only
 * connection. A file that does not exist yet means every asset is 'never'
 * (and the file is not created).
 */
export async function readAssetStates(target: TargetConfig, graph: AssetGraph, opts: ReadStatesOptions): Promise<Map<string, AssetState>> {
  let runs: Row[] = [];
  let successes: Row[] = [];
  let checks: Row[] = [];
  let db;
  try {
    db = await openTarget(target, { projectRoot: opts.projectRoot, token: opts.token, env: opts.env, readOnly: true });
  } catch (err) {
    if (err instanceof TargetConnectionError && err.reason === 'missing-file') return allNever(graph);
    throw err;
  }
  try {
    const conn = await db.connect();
    try {
      const has = await conn.runAndReadAll(
        `SELECT (SELECT count(*) FROM duckdb_tables() WHERE database_name = current_database() AND schema_name = '${STATE_SCHEMA}' AND table_name IN ('runs', 'check_results')) AS n, ` +
          `(SELECT count(*) FROM duckdb_columns() WHERE database_name = current_database() AND schema_name = '${STATE_SCHEMA}' AND table_name = 'runs' AND column_name = 'error_line') AS lines`,
      );
      const found = has.getRowObjectsJson()[0];
      if (Number(found?.['n'] ?? 0) === 2) {
        const t = quoteLiteral(target.name);
        const read = async (sql: string) => (await conn.runAndReadAll(sql)).getRowObjectsJson() as Row[];
        // A file written before error_line existed has no such column until its next run (read-only here: no migration).
        // arg_max_null throughout: the latest row's value even when it is NULL (arg_max skips to an older row's error, line, rows).
        const errorLine = Number(found?.['lines'] ?? 0) > 0 ? 'arg_max_null(error_line, finished_at)' : 'NULL';
        runs = await read(
          `SELECT key, arg_max_null(status, finished_at) AS status, arg_max_null(error, finished_at) AS error, ${errorLine} AS error_line, CAST(epoch_ms(max(finished_at)) AS DOUBLE) AS finished ` +
            `FROM ${STATE_SCHEMA}.runs WHERE target = ${t} AND status <> 'skipped' GROUP BY key`,
        );
        successes = await read(
          `SELECT key, arg_max_null(definition_hash, finished_at) AS hash, arg_max_null(rows, finished_at) AS rows, CAST(epoch_ms(max(finished_at)) AS DOUBLE) AS finished ` +
            `FROM ${STATE_SCHEMA}.runs WHERE target = ${t} AND status = 'success' GROUP BY key`,
        );
        checks = await read(
          `SELECT key, name, arg_max_null(passed, finished_at) AS passed, arg_max_null(severity, finished_at) AS severity, arg_max_null(failing_rows, finished_at) AS failing_rows, ` +
            `arg_max_null(error, finished_at) AS error, arg_max_null(duration_ms, finished_at) AS duration_ms, arg_max_null(samples, finished_at) AS samples ` +
            `FROM ${STATE_SCHEMA}.check_results WHERE target = ${t} GROUP BY key, name`,
        );
      }
    } finally {
      conn.closeSync();
    }
  } finally {
    db.close();
  }
  return computeStates(graph, runs, successes, checks);
}

function allNever(graph: AssetGraph): Map<string, AssetState> {
  return computeStates(graph, [], [], []);
}

function computeStates(graph: AssetGraph, runs: Row[], successes: Row[], checkRows: Row[]): Map<string, AssetState> {
  const last = new Map(runs.map((r) => [String(r['key']), r]));
  const ok = new Map(successes.map((r) => [String(r['key']), r]));
  const checksByKey = new Map<string, Map<string, CheckOutcome>>();
  for (const c of checkRows) {
    const key = String(c['key']);
    const map = checksByKey.get(key) ?? new Map<string, CheckOutcome>();
    const samples = parseSamples(c['samples']);
    const definition = graph.nodes.get(key)?.checks.find((d) => d.name === String(c['name']));
    const failure = definition ? checkFailureText(definition, Number(c['failing_rows'] ?? 0), samples) : undefined;
    map.set(String(c['name']), {
      name: String(c['name']),
      passed: c['passed'] === true,
      severity: c['severity'] === 'warn' ? 'warn' : 'error',
      failingRows: Number(c['failing_rows'] ?? 0),
      sampleRows: samples,
      durationMs: c['duration_ms'] === null ? undefined : Number(c['duration_ms']),
      ...(failure ? { failure } : {}),
      ...(c['error'] ? { error: String(c['error']) } : {}),
    });
    checksByKey.set(key, map);
  }
  const out = new Map<string, AssetState>();
  for (const [id, node] of graph.nodes) {
    if (!isBuildable(node)) continue;
    const checks = checksByKey.get(id);
    const failingChecks = checks ? [...checks.values()].filter((c) => !c.passed).map((c) => c.name) : [];
    const lastRun = last.get(id);
    const success = ok.get(id);
    const base = {
      key: id,
      failingChecks,
      ...(checks ? { checks } : {}),
      ...(lastRun ? { finishedAt: Number(lastRun['finished']) } : {}),
      ...(success ? { lastSuccessAt: Number(success['finished']) } : {}),
      ...(success && success['rows'] !== null ? { rows: Number(success['rows']) } : {}),
    };
    if (!lastRun) {
      out.set(id, { ...base, status: 'never' });
      continue;
    }
    if (lastRun['status'] === 'failed') {
      out.set(id, {
        ...base,
        status: 'failed',
        ...(lastRun['error'] ? { error: String(lastRun['error']) } : {}),
        ...(lastRun['error_line'] !== null && lastRun['error_line'] !== undefined ? { errorLine: Number(lastRun['error_line']) } : {}),
      });
      continue;
    }
    if (!success) {
      out.set(id, { ...base, status: 'never' });
      continue;
    }
    const successAt = Number(success['finished']);
    let staleReason: string | undefined;
    if (String(success['hash']) !== node.definition.definitionHash) {
      staleReason = 'the definition changed since the last materialization';
    } else {
      for (const a of graph.ancestors(id)) {
        const up = ok.get(a);
        if (up && Number(up['finished']) > successAt) {
          staleReason = `upstream ${a} was materialized later`;
          break;
        }
      }
    }
    out.set(id, staleReason ? { ...base, status: 'stale', staleReason } : { ...base, status: 'fresh' });
  }
  return out;
}

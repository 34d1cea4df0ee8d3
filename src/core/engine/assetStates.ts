import type { AssetGraph } from '../graph/assetGraph';
import type { TargetConfig } from '../project/targetConfig';
import type { AssetStateView, CheckOutcome } from '../editorModel/assetRunOutcome';
import { isBuildable } from './materializationPlan';
import { quoteLiteral, quoteRelation } from './sqlIdentifiers';
import { partitionRange } from './partitionRange';
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
  const tableRows = new Map<string, number>();
  const donePartitions = new Map<string, number>();
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
          `(SELECT count(*) FROM duckdb_columns() WHERE database_name = current_database() AND schema_name = '${STATE_SCHEMA}' AND table_name = 'runs' AND column_name = 'error_line') AS lines, ` +
          `(SELECT count(*) FROM duckdb_columns() WHERE database_name = current_database() AND schema_name = '${STATE_SCHEMA}' AND table_name = 'runs' AND column_name = 'runner') AS runners`,
      );
      const found = has.getRowObjectsJson()[0];
      if (Number(found?.['n'] ?? 0) === 2) {
        const t = quoteLiteral(target.name);
        const read = async (sql: string) => (await conn.runAndReadAll(sql)).getRowObjectsJson() as Row[];
        // A file written before error_line existed has no such column until its next run (read-only here: no migration).
        // arg_max_null throughout: the latest row's value even when it is NULL (arg_max skips to an older row's error, line, rows).
        const errorLine = Number(found?.['lines'] ?? 0) > 0 ? 'arg_max_null(error_line, finished_at)' : 'NULL';
        const runner = Number(found?.['runners'] ?? 0) > 0 ? 'arg_max_null(runner, finished_at)' : 'NULL';
        runs = await read(
          `SELECT key, arg_max_null(status, finished_at) AS status, arg_max_null(error, finished_at) AS error, ${errorLine} AS error_line, CAST(epoch_ms(max(finished_at)) AS DOUBLE) AS finished ` +
            `FROM ${STATE_SCHEMA}.runs WHERE target = ${t} AND status <> 'skipped' GROUP BY key`,
        );
        successes = await read(
          `SELECT key, arg_max_null(definition_hash, finished_at) AS hash, arg_max_null(rows, finished_at) AS rows, ${runner} AS runner, CAST(epoch_ms(max(finished_at)) AS DOUBLE) AS finished ` +
            `FROM ${STATE_SCHEMA}.runs WHERE target = ${t} AND status = 'success' GROUP BY key`,
        );
        checks = await read(
          `SELECT key, name, arg_max_null(passed, finished_at) AS passed, arg_max_null(severity, finished_at) AS severity, arg_max_null(failing_rows, finished_at) AS failing_rows, ` +
            `arg_max_null(error, finished_at) AS error, arg_max_null(duration_ms, finished_at) AS duration_ms, arg_max_null(samples, finished_at) AS samples ` +
            `FROM ${STATE_SCHEMA}.check_results WHERE target = ${t} GROUP BY key, name`,
        );
        await readTableCounts(conn, graph, target, new Set(successes.map((r) => String(r['key']))), tableRows, donePartitions);
      }
    } finally {
      conn.closeSync();
    }
  } finally {
    db.close();
  }
  return computeStates(graph, runs, successes, checks, tableRows, donePartitions);
}

/**
 * An incremental or partitioned asset's last run says how many rows it
 * loaded (0 when nothing was new), not how many the table holds: those are
 * counted here, with the partitions done under the current definition.
 */
async function readTableCounts(
  conn: { runAndReadAll(sql: string): Promise<{ getRowObjectsJson(): unknown[] }> },
  graph: AssetGraph,
  target: TargetConfig,
  built: ReadonlySet<string>,
  tableRows: Map<string, number>,
  donePartitions: Map<string, number>,
): Promise<void> {
  const partial = [...graph.nodes.values()].filter((n) => {
    const body = n.definition.sql;
    return built.has(n.id) && body !== undefined && (body.kind === 'incremental' || body.partition !== undefined);
  });
  if (partial.length === 0) return;
  const tables = new Set(
    ((await conn.runAndReadAll(`SELECT schema_name, table_name FROM duckdb_tables() WHERE database_name = current_database()`)).getRowObjectsJson() as Row[]).map(
      (r) => `${String(r['schema_name'])}\u0000${String(r['table_name'])}`,
    ),
  );
  const counts: string[] = [];
  for (const n of partial) {
    const body = n.definition.sql!;
    const schema = body.relation.schema ?? target.schema;
    // Dropped by hand since the run: no count rather than an error.
    if (!tables.has(`${schema}\u0000${body.relation.name}`)) continue;
    counts.push(`SELECT ${quoteLiteral(n.id)} AS key, count(*) AS n FROM ${quoteRelation({ schema, name: body.relation.name })}`);
  }
  if (counts.length > 0) {
    for (const r of (await conn.runAndReadAll(counts.join('\nUNION ALL\n'))).getRowObjectsJson() as Row[]) tableRows.set(String(r['key']), Number(r['n']));
  }
  const partitioned = partial.filter((n) => n.definition.sql?.partition !== undefined);
  if (partitioned.length === 0) return;
  const hasPartitions = (await conn.runAndReadAll(
    `SELECT count(*) AS n FROM duckdb_tables() WHERE database_name = current_database() AND schema_name = '${STATE_SCHEMA}' AND table_name = 'partitions'`,
  )).getRowObjectsJson()[0] as Row | undefined;
  if (Number(hasPartitions?.['n'] ?? 0) === 0) return;
  const rows = (await conn.runAndReadAll(
    `SELECT key, definition_hash, count(*) AS n FROM ${STATE_SCHEMA}.partitions WHERE status = 'success' AND key IN (${partitioned.map((n) => quoteLiteral(n.id)).join(', ')}) GROUP BY ALL`,
  )).getRowObjectsJson() as Row[];
  for (const n of partitioned) {
    const r = rows.find((x) => String(x['key']) === n.id && String(x['definition_hash']) === n.definition.definitionHash);
    donePartitions.set(n.id, Number(r?.['n'] ?? 0));
  }
}

function isRunner(value: unknown): value is 'in-process' | 'dbt' | 'dagster' {
  return value === 'in-process' || value === 'dbt' || value === 'dagster';
}

function allNever(graph: AssetGraph): Map<string, AssetState> {
  return computeStates(graph, [], [], []);
}

function computeStates(
  graph: AssetGraph,
  runs: Row[],
  successes: Row[],
  checkRows: Row[],
  tableRows: ReadonlyMap<string, number> = new Map(),
  donePartitions: ReadonlyMap<string, number> = new Map(),
): Map<string, AssetState> {
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
    const counted = tableRows.get(id);
    const runRows = success && success['rows'] !== null ? Number(success['rows']) : undefined;
    const spec = node.definition.sql?.partition;
    let partitionTotal: number | undefined;
    try {
      partitionTotal = spec ? partitionRange(spec).length : undefined;
    } catch {
      partitionTotal = undefined; // a bad start date is a problem at its line already
    }
    const done = donePartitions.get(id);
    const base = {
      key: id,
      failingChecks,
      ...(checks ? { checks } : {}),
      ...(lastRun ? { finishedAt: Number(lastRun['finished']) } : {}),
      ...(success ? { lastSuccessAt: Number(success['finished']), builtHash: String(success['hash']) } : {}),
      ...(success && isRunner(success['runner']) ? { builtBy: success['runner'] } : {}),
      ...(counted !== undefined ? { rows: counted, ...(runRows !== undefined ? { rowsAdded: runRows } : {}) } : runRows !== undefined ? { rows: runRows } : {}),
      ...(partitionTotal !== undefined && done !== undefined ? { partitions: { done, total: partitionTotal } } : {}),
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

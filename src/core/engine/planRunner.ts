import { randomUUID } from 'node:crypto';
import type { DuckDBConnection } from '@duckdb/node-api';
import type { AssetGraph } from '../graph/assetGraph';
import type { TargetConfig } from '../project/targetConfig';
import type { Problem } from '../problem';
import type { MaterializationPlan, PlannedAsset } from './materializationPlan';
import type { AssetRunner, AssetRunResult, EngineEvent, RunResult } from './engineEvents';
import type { PlanContext } from './buildContext';
import { messageOf } from './buildContext';
import { ConnectionPool } from './connectionPool';
import { openTarget, TargetConnectionError } from './targetConnection';
import { quoteIdent } from './sqlIdentifiers';
import { STATE_DDL } from './stateStore';
import { DbtRunSession } from './dbtInProcess';
import type { DbtNodeRoute } from './dbtInProcess';
import { buildDbtInProcess } from './dbtModelBuild';
import { delegatedSegments } from './delegatedSegments';
import { runDelegatedAsset, runDelegatedSegment } from './delegatedRun';
import type { RunOptions } from './runOptions';
import { buildSqlAsset } from './sqlAssetBuild';
import { redactEvent, redactRunResult, redactor, runSecrets } from './tokenRedaction';
import { RunHistory } from './runHistory';
import { DeferredUpstream } from './deferredUpstream';

/** Materializes a plan on a target: each SQL asset in its own transaction with its checks (docs/materialization.md). */
export async function runPlan(plan: MaterializationPlan, graph: AssetGraph, target: TargetConfig, opts: RunOptions): Promise<RunResult> {
  const runId = randomUUID();
  // No token a tool or DuckDB echoes reaches the log, the results or _asset_studio.runs.
  const redact = redactor(runSecrets(target, opts));
  const emit = opts.onEvent ? (e: EngineEvent) => opts.onEvent!(redactEvent(e, redact)) : () => undefined;
  const results = new Map<string, AssetRunResult>();
  if (plan.assets.length === 0) return { runId, target: target.name, runs: [], cancelled: false };

  if (opts.readOnly && !opts.checksOnly) throw new Error(`Target '${target.name}' was opened read-only: only checks can run, nothing can be materialized.`);
  const record = (opts.recordState ?? true) && !opts.readOnly;
  const history = record ? new RunHistory(runId, target.name, opts.checksOnly ?? false, redact) : undefined;
  const external = opts.connection;
  const pool = new ConnectionPool(
    external ? async () => external : () => openTarget(target, { projectRoot: opts.projectRoot, token: opts.token, env: opts.env, readOnly: opts.readOnly }),
    Math.max(1, target.threads || 1),
    !external,
  );
  // Opened up front so that a connection problem (lock, token, network) fails the run at once.
  await pool.open();
  const busy = new Set<DuckDBConnection>();
  let reinterrupt: NodeJS.Timeout | undefined;
  const onAbort = () => {
    for (const c of busy) c.interrupt();
    // DuckDB forgets an interrupt that lands just before a query starts: repeat it while the run lasts.
    reinterrupt ??= setInterval(() => {
      for (const c of busy) c.interrupt();
    }, 100);
  };
  opts.signal?.addEventListener('abort', onAbort);
  try {
    const setup = await pool.acquire();
    const defer = opts.deferTo
      ? new DeferredUpstream({ graph, runTarget: target, deferTo: opts.deferTo, projectRoot: opts.projectRoot, token: opts.token, env: opts.env })
      : undefined;
    try {
      await defer?.attach(setup);
      const schemas = new Set<string>();
      if (!opts.checksOnly) {
        for (const a of plan.assets) {
          const body = a.node.definition.sql;
          if (body) schemas.add(body.relation.schema ?? target.schema);
        }
      }
      const ddl = [...(record ? [STATE_DDL] : []), ...[...schemas].map((s) => `CREATE SCHEMA IF NOT EXISTS ${quoteIdent(s)}`)].join(';\n');
      if (ddl) {
        emit({ type: 'statement', sql: ddl });
        await setup.run(ddl);
      }
    } finally {
      pool.release(setup);
    }

    const fileErrors = new Map<string, Problem>();
    for (const p of graph.problems) if (p.severity === 'error' && !fileErrors.has(p.file)) fileErrors.set(p.file, p);
    const dbt = new DbtRunSession({ target, runner: opts.dbtRunner ?? 'auto', env: opts.env, vars: opts.dbtVars, fullRefresh: opts.fullRefresh });
    const ctx: PlanContext = { graph, target, opts, runId, emit, busy, fileErrors, dbt, history, defer };
    const done = new Map<string, Promise<AssetRunResult>>();
    const byId = new Map(plan.assets.map((a) => [a.id, a] as const));
    // dbt nodes are routed up front when a tool run could build several: those that go to dbt batch.
    const routes = new Map<string, DbtNodeRoute>();
    const batchKey = opts.delegated?.runBatch && !opts.checksOnly ? opts.delegated.batchKey : undefined;
    const segments = new Map<string, Promise<ReadonlyMap<string, AssetRunResult>>>();
    let segmentOf = new Map<string, readonly string[]>();
    if (batchKey) {
      for (const a of plan.assets) if (a.node.definition.dbt && !a.node.definition.sql) routes.set(a.id, await dbt.route(a.node));
      const delegatedKey = (id: string): string | undefined => {
        const planned = byId.get(id)!;
        const def = planned.node.definition;
        if (def.sql) return undefined;
        if (def.dbt && routes.get(id)?.route !== 'dbt') return undefined;
        return batchKey(planned.node);
      };
      segmentOf = delegatedSegments(plan, delegatedKey);
    }
    const runOne = async (planned: PlannedAsset): Promise<AssetRunResult> => {
      try {
        return await runOneUnguarded(planned);
      } catch (err) {
        // Reopening the target after a Dagster/dbt run can fail (another process took the file, the network is gone):
        // that asset could not run — nothing of its own failed — and the run goes on.
        if (err instanceof TargetConnectionError) {
          return { key: planned.id, status: 'skipped', rows: null, durationMs: 0, error: `${planned.id} could not run: ${err.message}`, checks: [] };
        }
        return { key: planned.id, status: 'failed', rows: null, durationMs: 0, error: messageOf(err), checks: [] };
      }
    };
    const runOneUnguarded = async (planned: PlannedAsset): Promise<AssetRunResult> => {
      const members = segmentOf.get(planned.id);
      if (members) {
        const leader = members[0]!;
        let batch = segments.get(leader);
        if (!batch) {
          batch = runDelegatedSegment(
            members.map((m) => byId.get(m)!),
            ctx,
            (id) => done.get(id)!,
            (id) => history?.start(id),
            (run) => pool.exclusive(run),
          );
          segments.set(leader, batch);
        }
        return (await batch).get(planned.id)!;
      }
      const ups = await Promise.all(planned.waitsFor.map((u) => done.get(u)!));
      await Promise.all(planned.checksRead.map((u) => done.get(u)!));
      // Checks alone read what is there: an upstream whose checks could not run (skipped) stops nothing.
      const blocker = ups.find((u) => (opts.checksOnly ? u.status === 'failed' : u.status !== 'success'));
      if (blocker || opts.signal?.aborted) {
        const reason = opts.signal?.aborted ? 'cancelled' : `upstream ${blocker!.key} ${blocker!.status}`;
        return { key: planned.id, status: 'skipped', rows: null, durationMs: 0, error: reason, checks: [] };
      }
      const def = planned.node.definition;
      if (def.dbt && !def.sql) {
        const routed = routes.get(planned.id) ?? (await dbt.route(planned.node));
        if (routed.route === 'in-process' || routed.route === 'source') {
          const conn = await pool.acquire();
          history?.start(planned.id);
          try {
            return ranBy(await buildDbtInProcess(planned.node, routed, conn, ctx), 'in-process');
          } finally {
            pool.release(conn);
          }
        }
        if (routed.route === 'failed') {
          const p = routed.problem;
          emit({ type: 'log', level: 'error', asset: planned.id, message: `${planned.id}: ${p.message}` });
          return { key: planned.id, status: 'failed', rows: null, durationMs: 0, error: p.message, location: { file: p.file, line: p.line, column: p.column }, checks: [] };
        }
        emit({ type: 'log', level: 'info', asset: planned.id, message: `${planned.id}: runs with dbt (${routed.reason})` });
      }
      if (!def.sql && !opts.checksOnly && opts.delegated) {
        // Dagster/dbt open the database file themselves: release it while they run.
        return pool.exclusive(() => {
          history?.start(planned.id);
          return runDelegatedAsset(planned.node, ctx);
        });
      }
      const conn = await pool.acquire();
      history?.start(planned.id);
      try {
        return ranBy(await buildSqlAsset(planned.node, conn, ctx), 'in-process');
      } finally {
        pool.release(conn);
      }
    };
    for (const planned of plan.assets) {
      const p = runOne(planned).then(async (unredacted) => {
        const r = redactRunResult(unredacted, redact);
        results.set(planned.id, r);
        // Recorded now, not when the plan ends: an interrupted plan keeps the history of what it did.
        const stateSql = history?.afterSql(planned.node, r);
        if (stateSql) await writeHistory(pool, stateSql, ctx);
        emit({ type: 'asset-finished', asset: planned.id, result: r });
        return r;
      });
      done.set(planned.id, p);
    }
    await Promise.all(done.values());
  } finally {
    clearInterval(reinterrupt);
    opts.signal?.removeEventListener('abort', onAbort);
    pool.close();
  }
  return {
    runId,
    target: target.name,
    runs: plan.assets.map((a) => results.get(a.id)!),
    cancelled: opts.signal?.aborted ?? false,
  };
}

/** The result, saying who ran it; a skip ran nothing. */
function ranBy(result: AssetRunResult, runner: AssetRunner): AssetRunResult {
  return result.status === 'skipped' ? result : { ...result, runner };
}

/** Writes run history outside an asset's transaction; a failure to write it is a warning, the data is committed. */
async function writeHistory(pool: ConnectionPool, sql: string, ctx: PlanContext): Promise<void> {
  let conn: DuckDBConnection | undefined;
  try {
    conn = await pool.acquire();
    ctx.emit({ type: 'statement', sql });
    await conn.run(sql);
  } catch (err) {
    ctx.emit({ type: 'log', level: 'warn', message: `Run history was not saved in ${ctx.target.name}: ${messageOf(err)}` });
  } finally {
    if (conn) pool.release(conn);
  }
}

import { randomUUID } from 'node:crypto';
import type { DuckDBConnection } from '@duckdb/node-api';
import type { CheckDefinition, SqlAssetBody } from '../asset';
import type { AssetGraph, AssetNode } from '../graph/assetGraph';
import type { TargetConfig } from '../project/targetConfig';
import type { Problem } from '../problem';
import { renderTemplate, usesTemplate } from '../discovery/sql/sqlTemplate';
import type { TemplateValues } from '../discovery/sql/sqlTemplate';
import type { MaterializationPlan, PlannedAsset } from './materializationPlan';
import { findAsset } from './materializationPlan';
import type { CheckResult } from './checkQueries';
import { combineChecks, compileCheck, parseSamples } from './checkQueries';
import type { AssetRunResult, EngineEvent, PartitionRunResult, RunResult } from './engineEvents';
import type { TargetConnection } from './targetConnection';
import { openTarget, TargetConnectionError } from './targetConnection';
import { checkFailureText } from './checkFailureText';
import { withTypoHint } from '../graph/relationTypos';
import { quoteIdent, quoteLiteral, quoteRelation } from './sqlIdentifiers';
import {
  STATE_DDL,
  donePartitions,
  readWatermark,
  saveWatermarkSql,
  savePartitionSql,
  watermarkLiteral,
} from './stateStore';
import type { PartitionSlice } from './partitionRange';
import { partitionOf, partitionRange } from './partitionRange';
import { DbtRunSession, dbtAsSqlNode, dbtChecksOn } from './dbtInProcess';
import { delegatedSegments } from './delegatedSegments';
import type { DbtNodeRoute } from './dbtInProcess';
import type { DbtRunnerChoice } from './dbtRunnerChoice';
import { redactEvent, redactRunResult, redactor, runSecrets } from './tokenRedaction';
import { RunHistory } from './runHistory';
import { DeferredUpstream } from './deferredUpstream';
import { latestPerKeySql, repeatedKeyMessage, repeatedKeySql } from './incrementalBatch';

/** The context a delegated run gets. */
export interface DelegatedRunContext {
  readonly target: TargetConfig;
  readonly projectRoot: string;
  /** The run's environment (the CLI's), where a MotherDuck target's token_env is read; default process.env. */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** The run's saved MotherDuck token (RunOptions.token): for the tool's environment only, never logged. */
  readonly token?: string;
  readonly signal?: AbortSignal;
  readonly onEvent: (e: EngineEvent) => void;
}

export interface DelegatedOutcome {
  readonly status: 'success' | 'failed' | 'skipped';
  readonly rows?: number | null;
  readonly error?: string;
  readonly checks: readonly CheckResult[];
}

/** Several nodes of one batch key in one tool run; an outcome for each. */
export type DelegatedBatchRunner = (nodes: readonly AssetNode[], ctx: DelegatedRunContext) => Promise<ReadonlyMap<string, DelegatedOutcome>>;

/**
 * Runs Dagster/dbt assets with their own tool (src/core/engine/delegated/); absent: they fail plainly.
 * With `runBatch` and `batchKey`, connected nodes of one key in a plan run in one tool run.
 */
export type DelegatedRunner = ((node: AssetNode, ctx: DelegatedRunContext) => Promise<DelegatedOutcome>) & {
  readonly runBatch?: DelegatedBatchRunner;
  readonly batchKey?: (node: AssetNode) => string | undefined;
};

export interface PartitionChoice {
  /** One partition (any date inside it): rebuilt even when done before. */
  readonly partition?: string;
  /** A backfill range; partitions already done with the same definition are skipped (resume). */
  readonly from?: string;
  readonly to?: string;
}

export interface RunOptions {
  readonly projectRoot: string;
  /** MotherDuck token from the editor's secret storage. */
  readonly token?: string;
  readonly env?: Readonly<Record<string, string | undefined>>;
  readonly signal?: AbortSignal;
  readonly onEvent?: (event: EngineEvent) => void;
  /** Run the checks against what is there, building nothing (`asset-studio check`). */
  readonly checksOnly?: boolean;
  readonly partitions?: PartitionChoice;
  readonly delegated?: DelegatedRunner;
  /** An already open connection to reuse (tests, benchmarks); not closed by the run. */
  readonly connection?: TargetConnection;
  readonly today?: Date;
  /** Write runs and check results to _asset_studio (default true); false writes nothing at all. */
  readonly recordState?: boolean;
  /**
   * Open the target read-only (checks only: a protected target not confirmed; docs/project-file.md).
   * Nothing is stored and a missing database file is an error, not a new file.
   */
  readonly readOnly?: boolean;
  /** Who runs dbt models and seeds (asset-studio.yml `dbt_runner`); default `auto`. */
  readonly dbtRunner?: DbtRunnerChoice;
  /** dbt's `--full-refresh`: incremental models are rebuilt whole. */
  readonly fullRefresh?: boolean;
  /** dbt's `--vars`, over the project's `vars:`. */
  readonly dbtVars?: Readonly<Record<string, unknown>>;
  /** `--defer`: upstream relations the target lacks are read from this one, attached read-only (never written). */
  readonly deferTo?: TargetConfig;
}

class Cancelled extends Error {
  constructor() {
    super('cancelled');
  }
}

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
    const ctx: AssetContext = { graph, target, opts, runId, emit, busy, fileErrors, dbt, history, defer };
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
            return await runDbtInProcess(planned.node, routed, conn, ctx);
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
        return await runAsset(planned.node, conn, ctx);
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

/** Writes run history outside an asset's transaction; a failure to write it is a warning, the data is committed. */
async function writeHistory(pool: ConnectionPool, sql: string, ctx: AssetContext): Promise<void> {
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

/**
 * Connections to one DuckDB instance, up to `size` at once. `exclusive` closes
 * everything (the file is free for another process) and reopens after.
 */
class ConnectionPool {
  private db: TargetConnection | undefined;
  private opening: Promise<TargetConnection> | undefined;
  private readonly free: DuckDBConnection[] = [];
  private readonly all: DuckDBConnection[] = [];
  private readonly waiting: (() => void)[] = [];
  private inUse = 0;
  private creating = 0;
  private held: Promise<unknown> = Promise.resolve();
  private suspended = false;
  private drained: (() => void) | undefined;

  constructor(
    private readonly openDb: () => Promise<TargetConnection>,
    private readonly size: number,
    private readonly owned: boolean,
  ) {}

  async open(): Promise<TargetConnection> {
    if (this.db) return this.db;
    this.opening ??= this.openDb().finally(() => (this.opening = undefined));
    this.db = await this.opening;
    return this.db;
  }

  async acquire(): Promise<DuckDBConnection> {
    for (;;) {
      if (!this.suspended) {
        const c = this.free.pop();
        if (c) {
          this.inUse++;
          return c;
        }
        if (this.all.length + this.creating < this.size) {
          this.creating++;
          try {
            const made = await (await this.open()).connect();
            this.all.push(made);
            this.inUse++;
            return made;
          } finally {
            this.creating--;
          }
        }
      }
      await new Promise<void>((resolve) => this.waiting.push(resolve));
    }
  }

  release(c: DuckDBConnection): void {
    this.inUse--;
    this.free.push(c);
    if (this.inUse === 0 && this.drained) this.drained();
    this.waiting.shift()?.();
  }

  /** Runs `fn` with every connection and the instance closed; one at a time. */
  exclusive<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.held.then(async () => {
      this.suspended = true;
      if (this.inUse > 0) await new Promise<void>((resolve) => (this.drained = resolve));
      this.drained = undefined;
      if (this.owned) this.close();
      try {
        return await fn();
      } finally {
        this.suspended = false;
        for (const w of this.waiting.splice(0)) w();
      }
    });
    this.held = run.catch(() => undefined);
    return run;
  }

  close(): void {
    for (const c of this.all) c.closeSync();
    this.all.length = 0;
    this.free.length = 0;
    if (this.owned) this.db?.close();
    this.db = undefined;
  }
}

interface AssetContext {
  readonly graph: AssetGraph;
  readonly target: TargetConfig;
  readonly opts: RunOptions;
  readonly runId: string;
  readonly emit: (e: EngineEvent) => void;
  readonly busy: Set<DuckDBConnection>;
  /** The first error-level problem of each file: a SQL asset with one is not run. */
  readonly fileErrors: ReadonlyMap<string, Problem>;
  readonly dbt: DbtRunSession;
  /** Absent when the run stores nothing (recordState false, read-only). */
  readonly history: RunHistory | undefined;
  readonly defer?: DeferredUpstream;
}

/** Statement runner for one asset: logs, honours cancellation, returns the affected-row count. */
class AssetSession {
  inTransaction = false;
  private pendingBegin = false;
  /** The text of the last statement sent, to map DuckDB's `LINE n` back to the file. */
  lastSent = '';
  constructor(
    readonly conn: DuckDBConnection,
    readonly asset: string,
    private readonly ctx: AssetContext,
  ) {}

  async exec(sql: string): Promise<number> {
    const rows = await this.query(sql);
    const count = rows[0]?.['Count'];
    return count === undefined ? 0 : Number(count);
  }

  /** `prefix`: statements logged on their own but sent in the same round trip, before `sql`. */
  async query(sql: string, prefix?: string): Promise<Record<string, unknown>[]> {
    if (this.ctx.opts.signal?.aborted) throw new Cancelled();
    if (prefix) this.ctx.emit({ type: 'statement', asset: this.asset, sql: prefix });
    this.ctx.emit({ type: 'statement', asset: this.asset, sql });
    this.ctx.busy.add(this.conn);
    this.lastSent = prefix ? `${prefix};\n${sql}` : sql;
    try {
      if (this.pendingBegin) {
        // Its own call: sent with the statement, DuckDB would misplace the error positions of that statement.
        this.pendingBegin = false;
        await this.conn.run('BEGIN TRANSACTION');
      }
      const reader = await this.conn.runAndReadAll(this.lastSent);
      return reader.getRowObjectsJson() as Record<string, unknown>[];
    } catch (err) {
      if (this.ctx.opts.signal?.aborted) throw new Cancelled();
      throw err;
    } finally {
      this.ctx.busy.delete(this.conn);
    }
  }

  /**
   * With --defer: the SELECT reading the upstream relations this target lacks from
   * the deferred one; each said once in the log. Without, the SELECT as it is.
   */
  async deferUpstream(sql: string, own: { readonly schema: string; readonly name: string }, view = false): Promise<string> {
    const defer = this.ctx.defer;
    if (!defer) return sql;
    await defer.attach(this.conn);
    const out = await defer.rewrite(sql, this.conn, own);
    for (const d of out.deferred) {
      if (this.deferredSaid.has(d.relation)) continue;
      this.deferredSaid.add(d.relation);
      this.ctx.emit({ type: 'log', level: 'info', asset: this.asset, message: `${this.asset}: reads ${d.relation} from ${d.readFrom} (deferred: not built on ${this.ctx.target.name})`, deferred: d });
    }
    if (view && out.deferred.length > 0) {
      // A view stores the name it reads: outside a deferred run that catalog is not attached.
      const target = this.ctx.target.name;
      this.ctx.emit({ type: 'log', level: 'warn', asset: this.asset, message: `${this.asset} is a view over deferred relations: it can be read only while ${out.deferred[0]!.readFrom.split(':')[0]} is attached; build its upstream on ${target}, or make it a table, to keep it on ${target} alone.` });
    }
    return out.sql;
  }
  private readonly deferredSaid = new Set<string>();

  /** BEGIN is sent with the next statement, so an asset that fails before any statement opens nothing. */
  begin(): void {
    this.inTransaction = true;
    this.pendingBegin = true;
    this.ctx.emit({ type: 'statement', asset: this.asset, sql: 'BEGIN TRANSACTION' });
  }

  /** `before` runs in the same round trip, inside the transaction (the asset's run-history row). */
  async commit(before?: string): Promise<void> {
    await this.query('COMMIT', before);
    this.inTransaction = false;
  }

  /** Rolls back whatever is open; never throws (the first error is the one to report). */
  async rollback(): Promise<void> {
    if (!this.inTransaction) return;
    this.inTransaction = false;
    if (this.pendingBegin) {
      this.pendingBegin = false;
      return;
    }
    this.ctx.emit({ type: 'statement', asset: this.asset, sql: 'ROLLBACK' });
    try {
      await this.conn.run('ROLLBACK');
    } catch {
      // Already rolled back by DuckDB.
    }
  }
}

async function runAsset(node: AssetNode, conn: DuckDBConnection, ctx: AssetContext): Promise<AssetRunResult> {
  const started = performance.now();
  const id = node.id;
  ctx.emit({ type: 'asset-started', asset: id });
  const def = node.definition;
  const elapsed = () => Math.round((performance.now() - started) * 100) / 100;

  if (!def.sql) {
    if (ctx.opts.checksOnly) {
      // Nothing to check is not a check that could not run.
      if (node.checks.length === 0) return { key: id, status: 'success', rows: null, durationMs: 0, checks: [] };
      const tool = def.source === 'dbt' ? 'dbt' : 'Dagster';
      const names = node.checks.map((c) => c.name).join(', ');
      const error = `${node.checks.length} ${tool} check${node.checks.length === 1 ? '' : 's'} not run (${names}): ${tool} runs them when it materializes the asset (asset-studio materialize ${id})`;
      return { key: id, status: 'skipped', rows: null, durationMs: 0, error, checks: [] };
    }
    if (!ctx.opts.delegated) {
      const error = `Materializing ${def.source} assets is not available in this build: ${id} needs the ${def.source === 'dbt' ? 'dbt' : 'Dagster'} runner.`;
      ctx.emit({ type: 'log', level: 'error', asset: id, message: error });
      return { key: id, status: 'failed', rows: null, durationMs: elapsed(), error, checks: [] };
    }
    return runDelegatedAsset(node, ctx);
  }

  const body = def.sql;
  const problem = ctx.fileErrors.get(def.location.file);
  if (problem) {
    const error = `not run: fix the definition first: ${problem.message} (${problem.file}:${problem.line})`;
    ctx.emit({ type: 'log', level: 'error', asset: id, message: `${id}: ${error}` });
    return { key: id, status: 'failed', rows: null, durationMs: elapsed(), error, location: { file: problem.file, line: problem.line, column: problem.column }, checks: [] };
  }
  const relation = quoteRelation({ schema: body.relation.schema ?? ctx.target.schema, name: body.relation.name });
  const session = new AssetSession(conn, id, ctx);
  const baseTemplates: TemplateValues = { this: relation, target: quoteLiteral(ctx.target.name) };
  try {
    if (ctx.opts.checksOnly) {
      // Checks of a relation that was never built could not run: that is not a failure of the data.
      const schema = body.relation.schema ?? ctx.target.schema;
      if (engineChecks(node).length > 0 && !(await relationExists(session, schema, body.relation.name))) {
        const n = engineChecks(node).length;
        const error = `${id} is not materialized on target '${ctx.target.name}', so its ${n === 1 ? 'check' : `${n} checks`} could not run: materialize it first`;
        ctx.emit({ type: 'log', level: 'warn', asset: id, message: error });
        return { key: id, status: 'skipped', rows: null, durationMs: elapsed(), error, checks: [] };
      }
      const { results: checks } = await runChecks(node, session, relation, baseTemplates, ctx);
      const failed = checks.some((c) => !c.passed && c.severity === 'error');
      return { key: id, status: failed ? 'failed' : 'success', rows: null, durationMs: elapsed(), checks, ...(failed ? { error: failedChecksText(checks) } : {}) };
    }
    if (body.partition) {
      return await runPartitions(node, body, relation, session, baseTemplates, ctx, elapsed);
    }
    let rows: number | null;
    if (body.kind !== 'incremental' && engineChecks(node).length === 0) {
      // One statement, nothing to check: autocommit is the same single transaction, one round trip,
      // unless its run-history row must commit with it.
      if (ctx.history) session.begin();
      const count = await replaceRelation(session, body.kind === 'view' ? 'VIEW' : 'TABLE', relation, await selectSql(session, body, baseTemplates, ctx), session.inTransaction);
      const made = body.kind === 'view' ? null : count;
      if (session.inTransaction) await session.commit(ctx.history?.commitSql(node, made, []));
      return { key: id, status: 'success', rows: made, durationMs: elapsed(), checks: [] };
    }
    if (body.kind === 'view') {
      session.begin();
      await replaceRelation(session, 'VIEW', relation, await selectSql(session, body, baseTemplates, ctx), true);
      rows = null;
    } else if (body.kind === 'incremental') {
      session.begin();
      rows = await loadIncremental(node, body, relation, session, baseTemplates, ctx);
    } else {
      session.begin();
      rows = await replaceRelation(session, 'TABLE', relation, await selectSql(session, body, baseTemplates, ctx), true);
    }
    const { results: checks, aborted } = await runChecks(node, session, relation, baseTemplates, ctx);
    if (aborted) {
      await session.rollback();
      const error = `${aborted}; rolled back, the previous data is unchanged`;
      ctx.emit({ type: 'log', level: 'error', asset: id, message: `${id}: ${error}` });
      return { key: id, status: 'failed', rows, durationMs: elapsed(), error, checks };
    }
    const blocking = checks.filter((c) => !c.passed && c.blocking && c.severity === 'error');
    if (blocking.length > 0) {
      await session.rollback();
      const error = `blocked by ${failedChecksText(blocking)}; rolled back, the previous data is unchanged`;
      ctx.emit({ type: 'log', level: 'error', asset: id, message: error });
      return { key: id, status: 'failed', rows, durationMs: elapsed(), error, blockedBy: blocking.map((c) => c.name), checks };
    }
    await session.commit(ctx.history?.commitSql(node, rows, checks));
    return { key: id, status: 'success', rows, durationMs: elapsed(), checks };
  } catch (err) {
    await session.rollback();
    const error = err instanceof Cancelled ? 'cancelled; rolled back' : withTypoHint(messageOf(err), def.location.file, ctx.graph.problems);
    ctx.emit({ type: 'log', level: 'error', asset: id, message: `${id}: ${error}` });
    return {
      key: id,
      status: 'failed',
      rows: null,
      durationMs: elapsed(),
      error,
      location: { file: def.location.file, line: errorLine(error, session.lastSent, body, baseTemplates), column: 1 },
      checks: [],
    };
  }
}

/**
 * A dbt model or seed rendered in-process, then built as a SQL asset is: one
 * transaction with its tests as checks (an error-severity failure rolls back).
 * Relative paths in its SQL resolve against the dbt project, as when dbt runs there.
 */
async function runDbtInProcess(node: AssetNode, routed: Extract<DbtNodeRoute, { route: 'in-process' | 'source' }>, conn: DuckDBConnection, ctx: AssetContext): Promise<AssetRunResult> {
  const started = performance.now();
  const id = node.id;
  const session = new AssetSession(conn, id, ctx);
  const projectDir = routed.compiler.project.projectDir;
  const moved = projectDir !== ctx.opts.projectRoot;
  try {
    if (moved) await session.exec(`SET file_search_path = ${quoteLiteral(projectDir)}`);
    if (routed.route === 'source') {
      // A source is read, never built: `dbt build` runs its tests, so do we.
      const converted = dbtChecksOn(node, routed.relation, routed.compiler);
      if (!converted.ok) {
        const p = converted.problem;
        return { key: id, status: 'failed', rows: null, durationMs: ms(started), error: p.message, location: { file: p.file, line: p.line, column: p.column }, checks: [] };
      }
      ctx.emit({ type: 'asset-started', asset: id });
      const { results: checks } = await runChecks({ ...node, checks: converted.checks }, session, routed.relation, {}, ctx);
      const failed = checks.some((c) => !c.passed && c.severity === 'error');
      return { key: id, status: failed ? 'failed' : 'success', rows: null, durationMs: ms(started), checks, ...(failed ? { error: failedChecksText(checks) } : {}) };
    }
    ctx.emit({ type: 'log', level: 'info', asset: id, message: `${id}: dbt ${routed.plan.materialized}, rendered and run in-process` });
    const made = await dbtAsSqlNode(node, routed, (sql) => session.query(sql), { fullRefresh: ctx.opts.fullRefresh, checksOnly: ctx.opts.checksOnly });
    if (!made.ok) {
      const p = made.problem;
      ctx.emit({ type: 'log', level: 'error', asset: id, message: `${id}: ${p.message} (${p.file}:${p.line})` });
      return { key: id, status: 'failed', rows: null, durationMs: ms(started), error: p.message, location: { file: p.file, line: p.line, column: p.column }, checks: [] };
    }
    if (made.ephemeral) {
      return { key: id, status: 'success', rows: null, durationMs: ms(started), checks: [] };
    }
    const schema = routed.plan.relation.schema;
    if (!ctx.opts.checksOnly) await ctx.dbt.ensureSchema(schema, async () => void (await session.exec(`CREATE SCHEMA IF NOT EXISTS ${quoteIdent(schema)}`)));
    return await runAsset(made.node, conn, ctx);
  } catch (err) {
    const error = err instanceof Cancelled ? 'cancelled' : messageOf(err);
    return { key: id, status: 'failed', rows: null, durationMs: ms(started), error, checks: [] };
  } finally {
    if (moved) {
      try {
        await conn.run(`SET file_search_path = ${quoteLiteral(ctx.opts.projectRoot)}`);
      } catch {
        // The connection is closed with the run; nothing else reads paths on it.
      }
    }
  }
}

/** What a Dagster/dbt run is given of this run: the target, the environment and token for the tool, cancellation, events. */
function delegatedContext(ctx: AssetContext): DelegatedRunContext {
  return {
    target: ctx.target,
    projectRoot: ctx.opts.projectRoot,
    ...(ctx.opts.env ? { env: ctx.opts.env } : {}),
    ...(ctx.opts.token ? { token: ctx.opts.token } : {}),
    signal: ctx.opts.signal,
    onEvent: ctx.emit,
  };
}

function warnNotDeferred(id: string, ctx: AssetContext): void {
  if (ctx.defer) ctx.emit({ type: 'log', level: 'warn', asset: id, message: `${id} runs with its own tool: --defer does not reach it; it reads ${ctx.target.name} only.` });
}

async function runDelegatedAsset(node: AssetNode, ctx: AssetContext): Promise<AssetRunResult> {
  const started = performance.now();
  const id = node.id;
  ctx.emit({ type: 'asset-started', asset: id });
  warnNotDeferred(id, ctx);
  try {
    const r = await ctx.opts.delegated!(node, delegatedContext(ctx));
    for (const c of r.checks) ctx.emit({ type: 'check', asset: id, result: c });
    return { key: id, status: r.status, rows: r.rows ?? null, durationMs: ms(started), ...(r.error ? { error: r.error } : {}), checks: r.checks };
  } catch (err) {
    return { key: id, status: 'failed', rows: null, durationMs: ms(started), error: messageOf(err), checks: [] };
  }
}

/**
 * Several delegated nodes of one tool in one run of it (`dbt build --select a b c`,
 * `dagster asset materialize --select a,b,c`), once every upstream outside the
 * group is done. A member whose upstream failed is skipped and left out, with
 * what depends on it inside the group; the tool orders and skips the rest.
 */
async function runDelegatedSegment(
  members: readonly PlannedAsset[],
  ctx: AssetContext,
  doneOf: (id: string) => Promise<AssetRunResult>,
  started: (id: string) => void,
  exclusive: <T>(run: () => Promise<T>) => Promise<T>,
): Promise<ReadonlyMap<string, AssetRunResult>> {
  // Every asset of the plan has its promise once the scheduling loop has run.
  await Promise.resolve();
  const inside = new Set(members.map((m) => m.id));
  const results = new Map<string, AssetRunResult>();
  const outside = [...new Set(members.flatMap((m) => [...m.waitsFor, ...m.checksRead]).filter((u) => !inside.has(u)))];
  const finished = new Map((await Promise.all(outside.map((u) => doneOf(u)))).map((r) => [r.key, r] as const));
  const toRun: PlannedAsset[] = [];
  for (const m of members) {
    const blocker = m.waitsFor.map((u) => finished.get(u) ?? results.get(u)).find((r) => r !== undefined && r.status !== 'success');
    if (blocker || ctx.opts.signal?.aborted) {
      const error = ctx.opts.signal?.aborted ? 'cancelled' : `upstream ${blocker!.key} ${blocker!.status}`;
      results.set(m.id, { key: m.id, status: 'skipped', rows: null, durationMs: 0, error, checks: [] });
    } else {
      toRun.push(m);
    }
  }
  if (toRun.length === 0) return results;
  const t0 = performance.now();
  for (const m of toRun) {
    started(m.id);
    ctx.emit({ type: 'asset-started', asset: m.id });
    warnNotDeferred(m.id, ctx);
  }
  ctx.emit({ type: 'log', level: 'info', message: `${toRun.map((m) => m.id).join(', ')}: one ${toRun[0]!.node.definition.source} run` });
  let outcomes: ReadonlyMap<string, DelegatedOutcome>;
  try {
    // Dagster/dbt open the database file themselves: release it while they run.
    outcomes = await exclusive(() => ctx.opts.delegated!.runBatch!(toRun.map((m) => m.node), delegatedContext(ctx)));
  } catch (err) {
    outcomes = new Map(toRun.map((m) => [m.id, { status: 'failed', error: messageOf(err), checks: [] }] as const));
  }
  const durationMs = ms(t0);
  for (const m of toRun) {
    const r = outcomes.get(m.id) ?? { status: 'failed', error: `the tool reported nothing for ${m.id}`, checks: [] };
    for (const c of r.checks) ctx.emit({ type: 'check', asset: m.id, result: c });
    results.set(m.id, { key: m.id, status: r.status, rows: r.rows ?? null, durationMs, ...(r.error ? { error: r.error } : {}), checks: r.checks });
  }
  return results;
}

/**
 * The file line of DuckDB's `LINE n` (counted over the whole text sent) when it
 * falls inside the asset's own SQL; else the SQL's first line. `sqlLine` is the
 * line of the SQL's first non-blank line (discovery skips the blank rest of the
 * header's line). Templates never add lines, so the rendered SQL has the file's
 * line breaks.
 */
export function errorLine(message: string, sent: string, body: SqlAssetBody, templates: TemplateValues): number {
  const m = /\bLINE (\d+):/.exec(message);
  if (!m) return body.sqlLine;
  const lines = renderTemplate(body.sql, templates).split('\n');
  const first = lines.find((l) => l.trim() !== '');
  const at = first === undefined ? -1 : sent.indexOf(first);
  if (at < 0) return body.sqlLine;
  // 0-based line of the sent text where the SQL's first non-blank line is.
  const start = sent.slice(0, at).split('\n').length - 1;
  const within = Number(m[1]) - 1 - start;
  return Math.max(1, within >= 0 ? body.sqlLine + within : body.sqlLine);
}

/**
 * CREATE OR REPLACE TABLE/VIEW; when the relation exists as the other kind (the
 * asset's kind changed), drops it first — in one transaction, so a failure keeps it.
 */
async function replaceRelation(session: AssetSession, kind: 'TABLE' | 'VIEW', relation: string, sql: string, inTransaction: boolean): Promise<number> {
  const create = `CREATE OR REPLACE ${kind} ${relation} AS\n${sql}`;
  try {
    return await session.exec(create);
  } catch (err) {
    if (!/Existing object .* is of type (View|Table), trying to replace with type (Table|View)/.test(messageOf(err))) throw err;
    if (!inTransaction) session.begin();
    await session.exec(`DROP ${kind === 'TABLE' ? 'VIEW' : 'TABLE'} ${relation}`);
    return session.exec(create);
  }
}

/** The asset's SELECT as it runs: templates rendered, upstream deferred (--defer). */
async function selectSql(session: AssetSession, body: SqlAssetBody, templates: TemplateValues, ctx: AssetContext): Promise<string> {
  const sql = buildSql(body, templates);
  return ctx.defer ? session.deferUpstream(sql, { schema: body.relation.schema ?? ctx.target.schema, name: body.relation.name }, body.kind === 'view') : sql;
}

function buildSql(body: SqlAssetBody, templates: TemplateValues): string {
  return stripTrailingSemicolon(renderTemplate(body.sql, templates));
}

/** A table or a view of that name in the target's current database. */
async function relationExists(session: AssetSession, schema: string, name: string): Promise<boolean> {
  const where = `database_name = current_database() AND schema_name = ${quoteLiteral(schema)}`;
  const rows = await session.query(
    `SELECT (SELECT count(*) FROM duckdb_tables() WHERE ${where} AND table_name = ${quoteLiteral(name)}) + ` +
      `(SELECT count(*) FROM duckdb_views() WHERE ${where} AND view_name = ${quoteLiteral(name)}) AS n`,
  );
  return Number(rows[0]?.['n'] ?? 0) > 0;
}

async function tableExists(session: AssetSession, body: SqlAssetBody, schema: string): Promise<boolean> {
  const rows = await session.query(
    `SELECT count(*) AS n FROM duckdb_tables() WHERE database_name = current_database() AND schema_name = ${quoteLiteral(schema)} AND table_name = ${quoteLiteral(body.relation.name)}`,
  );
  return Number(rows[0]?.['n'] ?? 0) > 0;
}

/** Incremental (docs/materialization.md): full load the first time; then new rows only, replacing by unique_key, and the mark moves — one transaction. */
async function loadIncremental(
  node: AssetNode,
  body: SqlAssetBody,
  relation: string,
  session: AssetSession,
  templates: TemplateValues,
  ctx: AssetContext,
): Promise<number> {
  const schema = body.relation.schema ?? ctx.target.schema;
  let rows: number;
  if (!(await tableExists(session, body, schema))) {
    rows = await session.exec(`CREATE TABLE ${relation} AS\n${await selectSql(session, body, { ...templates, watermark: 'NULL' }, ctx)}`);
  } else {
    const mark = body.watermark ? await readWatermark(session.conn, node.id) : undefined;
    const markSql = watermarkLiteral(mark);
    let source = await selectSql(session, body, { ...templates, watermark: markSql }, ctx);
    if (body.watermark && mark && !usesTemplate(body.sql, 'watermark')) {
      source = `SELECT * FROM (\n${source}\n) AS __source WHERE ${quoteIdent(body.watermark)} > ${markSql}`;
    }
    const keys = body.uniqueKey ?? [];
    if (keys.length > 0) {
      const temp = quoteIdent(`__asset_studio_new_${randomUUID().replace(/-/g, '')}`);
      await session.exec(`CREATE TEMP TABLE ${temp} AS\n${latestPerKeySql(source, keys, body.watermark)}`);
      if (!body.watermark) {
        const repeated = (await session.query(repeatedKeySql(temp, keys)))[0];
        if (repeated) throw new Error(repeatedKeyMessage(keys, repeated['key'], repeated['n']));
      }
      // NULL is a key value like any other (as in the `unique` check's GROUP BY): a NULL key replaces the same
      // NULL key. With `=` (dbt's delete+insert) NULL-keyed rows would pile up on every run.
      const match = keys.map((k) => `__old.${quoteIdent(k)} IS NOT DISTINCT FROM __new.${quoteIdent(k)}`).join(' AND ');
      await session.exec(`DELETE FROM ${relation} AS __old USING ${temp} AS __new WHERE ${match}`);
      rows = await session.exec(`INSERT INTO ${relation} BY NAME SELECT * FROM ${temp}`);
      await session.exec(`DROP TABLE ${temp}`);
    } else {
      rows = await session.exec(`INSERT INTO ${relation} BY NAME\n${source}`);
    }
  }
  if (body.watermark) {
    await session.exec(saveWatermarkSql(node.id, relation, quoteIdent(body.watermark), ctx.runId));
  }
  return rows;
}

/** Partitions (docs/materialization.md): each partition its own transaction, in order; stops at the first failure, finished ones stay. */
async function runPartitions(
  node: AssetNode,
  body: SqlAssetBody,
  relation: string,
  session: AssetSession,
  templates: TemplateValues,
  ctx: AssetContext,
  elapsed: () => number,
): Promise<AssetRunResult> {
  const spec = body.partition!;
  const choice = ctx.opts.partitions ?? {};
  let slices: PartitionSlice[];
  let resume = true;
  if (choice.partition) {
    slices = [partitionOf(spec, choice.partition)];
    resume = false;
  } else {
    slices = partitionRange(spec, choice.from, choice.to, ctx.opts.today);
  }
  const hash = node.definition.definitionHash;
  const done = resume ? await donePartitions(session.conn, node.id, hash) : new Set<string>();
  const schema = body.relation.schema ?? ctx.target.schema;
  const results: PartitionRunResult[] = [];
  let total = 0;
  let lastChecks: CheckResult[] = [];
  // Asked once, at the first partition to run: after that partition commits, the table is there.
  let exists: boolean | undefined;
  for (const slice of slices) {
    if (done.has(slice.start)) continue;
    const bound: TemplateValues = {
      ...templates,
      partition_start: `CAST(${quoteLiteral(slice.start)} AS DATE)`,
      partition_end: `CAST(${quoteLiteral(slice.end)} AS DATE)`,
    };
    try {
      session.begin();
      let rows: number;
      exists ??= await tableExists(session, body, schema);
      if (!exists) {
        rows = await session.exec(`CREATE TABLE ${relation} AS\n${await selectSql(session, body, bound, ctx)}`);
      } else {
        const col = quoteIdent(spec.column);
        await session.exec(`DELETE FROM ${relation} WHERE ${col} >= ${bound.partition_start} AND ${col} < ${bound.partition_end}`);
        rows = await session.exec(`INSERT INTO ${relation} BY NAME\n${await selectSql(session, body, bound, ctx)}`);
      }
      const checked = await runChecks(node, session, relation, bound, ctx);
      lastChecks = checked.results;
      if (checked.aborted) {
        await session.rollback();
        const error = `partition ${slice.start}: ${checked.aborted}; rolled back`;
        ctx.emit({ type: 'log', level: 'error', asset: node.id, message: `${node.id}: ${error}` });
        results.push({ start: slice.start, status: 'failed', rows, error });
        return { key: node.id, status: 'failed', rows: total, durationMs: elapsed(), error, checks: lastChecks, partitions: results };
      }
      const blocking = lastChecks.filter((c) => !c.passed && c.blocking && c.severity === 'error');
      if (blocking.length > 0) {
        await session.rollback();
        const error = `partition ${slice.start} blocked by ${failedChecksText(blocking)}; rolled back`;
        ctx.emit({ type: 'log', level: 'error', asset: node.id, message: error });
        results.push({ start: slice.start, status: 'failed', rows, error });
        return { key: node.id, status: 'failed', rows: total, durationMs: elapsed(), error, blockedBy: blocking.map((c) => c.name), checks: lastChecks, partitions: results };
      }
      await session.exec(savePartitionSql(node.id, slice.start, rows, hash, ctx.runId));
      await session.commit();
      exists = true;
      total += rows;
      results.push({ start: slice.start, status: 'success', rows });
    } catch (err) {
      await session.rollback();
      const error = `partition ${slice.start}: ${err instanceof Cancelled ? 'cancelled; rolled back' : messageOf(err)}`;
      ctx.emit({ type: 'log', level: 'error', asset: node.id, message: `${node.id}: ${error}` });
      results.push({ start: slice.start, status: 'failed', rows: null, error });
      return {
        key: node.id,
        status: 'failed',
        rows: total,
        durationMs: elapsed(),
        error,
        location: { file: node.definition.location.file, line: body.sqlLine, column: 1 },
        checks: lastChecks,
        partitions: results,
      };
    }
  }
  return { key: node.id, status: 'success', rows: total, durationMs: elapsed(), checks: lastChecks, partitions: results };
}

/** The checks' results; `aborted` says why the transaction cannot commit (a check failed at run time inside it). */
interface ChecksOutcome {
  readonly results: CheckResult[];
  readonly aborted?: string;
}

/**
 * Runs every built-in check of the asset on the connection (inside its
 * transaction when building): all in one query, else one by one so that a
 * broken check hides no other result.
 */
async function runChecks(
  node: AssetNode,
  session: AssetSession,
  relation: string,
  templates: TemplateValues,
  ctx: AssetContext,
): Promise<ChecksOutcome> {
  const checks = engineChecks(node);
  if (checks.length === 0) return { results: [] };
  const compiled = checks.map((check) => ({
    check,
    query: compileCheck(check, {
      relation,
      templates,
      relationOf: (text) => {
        const other = findAsset(ctx.graph, text)?.definition.sql?.relation;
        if (other) return quoteRelation({ schema: other.schema ?? ctx.target.schema, name: other.name });
        const parts = text.split(/[./]/);
        return parts.length > 1
          ? quoteRelation({ schema: parts[parts.length - 2], name: parts[parts.length - 1]! })
          : quoteRelation({ schema: ctx.target.schema, name: text });
      },
    }),
  }));
  const results = new Map<CheckDefinition, CheckResult>();
  const runnable: { check: CheckDefinition; sql: string }[] = [];
  for (const { check, query } of compiled) {
    if (query.ok) runnable.push({ check, sql: ctx.defer ? await session.deferUpstream(query.sql, ownRelationOf(node, ctx)) : query.sql });
    else results.set(check, { ...checkBase(node, check), passed: false, failingRows: 0, samples: [], durationMs: 0, error: query.error });
  }
  let aborted: string | undefined;
  let single = runnable.length === 1;
  if (runnable.length > 1) {
    const started = performance.now();
    try {
      const rows = await session.query(combineChecks(runnable.map((r) => r.sql)));
      const each = ms(started) / runnable.length;
      for (const row of rows) {
        const r = runnable[Number(row['__check'])]!;
        const failingRows = Number(row['failing_rows'] ?? 0);
        results.set(r.check, measuredCheck(node, r.check, failingRows, parseSamples(row['samples']), each));
      }
    } catch (err) {
      if (err instanceof Cancelled) throw err;
      const text = messageOf(err);
      if (isBindError(text) || !session.inTransaction) {
        // One check does not bind (a missing column, say), or failed with nothing to abort: run them one by one to tell which.
        single = true;
      } else {
        // A run-time error aborts the transaction: no other query can run in it.
        aborted = `checks of ${node.id} could not run: ${text}`;
        for (const r of runnable) results.set(r.check, { ...checkBase(node, r.check), passed: false, failingRows: 0, samples: [], durationMs: 0, error: aborted });
      }
    }
  }
  if (single) {
    for (const r of runnable) {
      if (aborted) {
        results.set(r.check, { ...checkBase(node, r.check), passed: false, failingRows: 0, samples: [], durationMs: 0, error: `not run: ${aborted}` });
        continue;
      }
      const ran = await runCheck(node, r.check, r.sql, session);
      results.set(r.check, ran.result);
      if (ran.aborted) aborted = `check '${r.check.name}' could not run and aborted the transaction`;
    }
  }
  const out = checks.map((c) => results.get(c)).filter((r): r is CheckResult => r !== undefined);
  for (const result of out) ctx.emit({ type: 'check', asset: node.id, result });
  return aborted ? { results: out, aborted } : { results: out };
}

function ownRelationOf(node: AssetNode, ctx: AssetContext): { schema: string; name: string } {
  const r = node.definition.sql?.relation;
  return r ? { schema: r.schema ?? ctx.target.schema, name: r.name } : { schema: '', name: '' };
}

/** The checks the engine runs itself (Dagster and dbt checks come from their tools). */
function engineChecks(node: AssetNode): CheckDefinition[] {
  return node.checks.filter((c) => c.type !== 'dagster' && c.type !== 'dbt');
}

function measuredCheck(node: AssetNode, check: CheckDefinition, failingRows: number, samples: Record<string, unknown>[], durationMs: number): CheckResult {
  const failure = checkFailureText(check, failingRows, samples);
  return { ...checkBase(node, check), passed: failingRows === 0, failingRows, samples, durationMs, ...(failure ? { failure } : {}) };
}

function checkBase(node: AssetNode, check: CheckDefinition) {
  return { asset: node.id, name: check.name, severity: check.severity, blocking: check.blocking, location: check.location };
}

function isBindError(text: string): boolean {
  return /^(Binder|Catalog|Parser) Error/.test(text);
}

/** One check alone; `aborted` when its error ended the open transaction (anything but a bind error). */
async function runCheck(node: AssetNode, check: CheckDefinition, sql: string, session: AssetSession): Promise<{ result: CheckResult; aborted: boolean }> {
  const started = performance.now();
  const base = checkBase(node, check);
  try {
    const rows = await session.query(sql);
    const failingRows = Number(rows[0]?.['failing_rows'] ?? 0);
    return { result: measuredCheck(node, check, failingRows, parseSamples(rows[0]?.['samples']), ms(started)), aborted: false };
  } catch (err) {
    if (err instanceof Cancelled) throw err;
    const text = messageOf(err);
    // A binder error (a missing column) leaves the transaction usable; anything else aborts it.
    const missing = /Referenced column "([^"]+)" not found/.exec(text);
    const noTable = /Table with name (\S+) does not exist/.exec(text);
    const error = missing
      ? `check '${check.name}' names column '${missing[1]}', which ${node.id} does not have`
      : noTable
        ? `check '${check.name}': table ${noTable[1]} does not exist on this target; materialize it first`
        : `check '${check.name}': ${text}`;
    return { result: { ...base, passed: false, failingRows: 0, samples: [], durationMs: ms(started), error }, aborted: session.inTransaction && !isBindError(text) };
  }
}

function ms(started: number): number {
  return Math.round((performance.now() - started) * 100) / 100;
}

function failedChecksText(checks: readonly CheckResult[]): string {
  const failed = checks.filter((c) => !c.passed && c.severity === 'error');
  return `failing check${failed.length === 1 ? '' : 's'} ${failed
    .map((c) => (c.error ? `${c.name} (${c.error})` : `${c.name} (${c.failure ?? `${c.failingRows} failing row${c.failingRows === 1 ? '' : 's'}`})`))
    .join(', ')}`;
}

function stripTrailingSemicolon(sql: string): string {
  return sql.replace(/;\s*$/, '');
}

function messageOf(err: unknown): string {
  const text = err instanceof Error ? err.message : String(err);
  return text.trim();
}

import { CHOOSE_INTERPRETER_EDITOR } from '../../userHints';
import type { CheckDefinition } from '../../asset';
import { keyToString } from '../../assetKey';
import type { AssetNode } from '../../graph/assetGraph';
import type { CheckResult } from '../checkQueries';
import type { DelegatedBatchRunner, DelegatedRunner } from '../runOptions';
import { motherDuckTokenFor } from '../../project/motherDuckToken';
import { dagsterStepKey, parseDagsterEventOutput } from './dagsterEventOutput';
import { readDbtRunResults } from './dbtRunResults';
import type { DbtRunResultsSummary } from './dbtRunResults';
import { buildDagsterCommand, buildDbtCommand } from './delegatedCommand';
import type { DelegatedCommand } from './delegatedCommand';
import { runDelegated } from './delegatedRun';
import type { DelegatedRunOutcome } from './delegatedRun';
import { findWorkspacePython } from './workspacePython';

export interface DelegatedRunnerOptions {
  /** The interpreter chosen by the Python extension, else `assetStudio.pythonPath`. */
  readonly python?: string;
  /** An explicit dbt executable (default: next to `python`, else on PATH). */
  readonly dbtExecutable?: string;
  /** DAGSTER_HOME when the environment has none (default: Dagster's temporary instance). */
  readonly dagsterHome?: string;
  /**
   * MotherDuck token from the editor's secret storage, for a `motherduck` target:
   * handed to the tool as MOTHERDUCK_TOKEN in its environment only (DuckDB reads
   * it from there), never on the command line or in the log.
   */
  readonly motherDuckToken?: string;
  /** Same as motherDuckToken (the option name src/core/engine/delegatedAssetRunner.ts uses). */
  readonly token?: string;
}

/**
 * The target's env, plus MOTHERDUCK_TOKEN for a MotherDuck target: found as the
 * engine finds it (motherDuckTokenFor: token_env in the run's env, else the saved
 * token — the runner's own, else the run's). The target's own env is looked in
 * too, as the tool receives it.
 */
function toolEnv(ctx: Parameters<DelegatedRunner>[1], opts: DelegatedRunnerOptions): Record<string, string> {
  const target = ctx.target;
  const env: Record<string, string> = { ...target.env };
  // A Dagster resource configured with EnvVar("DUCKDB_PATH") writes where the target says.
  if (target.type === 'duckdb' && target.path && !env.DUCKDB_PATH) env.DUCKDB_PATH = target.path;
  if (target.type === 'motherduck') {
    const choice = motherDuckTokenFor(target, { env: { ...(ctx.env ?? process.env), ...target.env }, saved: opts.motherDuckToken ?? opts.token ?? ctx.token });
    // DuckDB reads MOTHERDUCK_TOKEN: a token kept under another name (token_env) is passed on under that one.
    if (choice.token) env.MOTHERDUCK_TOKEN = choice.token;
  }
  return env;
}

type Outcome = Awaited<ReturnType<DelegatedRunner>>;

const NO_PYTHON = `No Python interpreter: none was chosen, the workspace has no .venv and there is no python3 on PATH. ${CHOOSE_INTERPRETER_EDITOR}, with Dagster installed in it (pip install dagster dagster-duckdb).`;

/**
 * The chosen interpreter, else the one a user expects without choosing (a
 * virtual environment in `folders`, else python3 on PATH), said in the log so
 * that a wrong guess is visible. `venvOnly` leaves PATH out.
 */
function interpreterFor(id: string, folders: readonly string[], ctx: Parameters<DelegatedRunner>[1], opts: DelegatedRunnerOptions, venvOnly = false): string | undefined {
  if (opts.python) return opts.python;
  const found = findWorkspacePython(folders, venvOnly ? '' : (ctx.env ?? process.env).PATH);
  if (!found) return undefined;
  ctx.onEvent({ type: 'log', level: 'info', asset: id, message: `No Python interpreter chosen: using ${found.path} (from ${found.foundIn}).` });
  return found.path;
}

function checkDefinition(node: AssetNode, name: string): CheckDefinition | undefined {
  return node.checks.find((c) => c.name === name);
}

/** Streams the tool's lines into the run log, under the asset. */
async function run(cmd: DelegatedCommand, id: string, ctx: Parameters<DelegatedRunner>[1]): Promise<DelegatedRunOutcome> {
  ctx.onEvent({ type: 'log', level: 'info', asset: id, message: `$ ${[cmd.command, ...cmd.args].join(' ')}` });
  return runDelegated(cmd, {
    signal: ctx.signal,
    onOutput: (line) => ctx.onEvent({ type: 'log', level: 'info', asset: id, message: line }),
  });
}

function notRun(outcome: DelegatedRunOutcome): Outcome | undefined {
  if (outcome.status === 'tool-missing' || outcome.status === 'spawn-failed' || outcome.status === 'cancelled') {
    return { status: 'failed', error: outcome.message ?? outcome.status, checks: [] };
  }
  return undefined;
}

async function runDagsterAssets(nodes: readonly AssetNode[], ctx: Parameters<DelegatedRunner>[1], opts: DelegatedRunnerOptions): Promise<Map<string, Outcome>> {
  const out = new Map<string, Outcome>();
  const runnable: AssetNode[] = [];
  for (const node of nodes) {
    if (node.definition.dagster?.external) out.set(node.id, { status: 'failed', error: `${node.id} is an external asset (AssetSpec): Dagster does not materialize it.`, checks: [] });
    else runnable.push(node);
  }
  const first = runnable[0];
  if (!first) return out;
  const everyone = (outcome: Outcome): Map<string, Outcome> => {
    for (const node of runnable) out.set(node.id, outcome);
    return out;
  };
  const python = interpreterFor(first.id, [ctx.projectRoot], ctx, opts);
  if (!python) return everyone({ status: 'failed', error: NO_PYTHON, checks: [] });
  // One code location per call (the caller groups by dagsterLocation).
  const info = first.definition.dagster;
  const cmd = buildDagsterCommand({
    python,
    keys: runnable.map((n) => n.id),
    ...(info?.module ? { module: info.module } : { file: info?.file ?? first.definition.location.file }),
    cwd: ctx.projectRoot,
    targetEnv: toolEnv(ctx, opts),
    ...(opts.dagsterHome ? { dagsterHome: opts.dagsterHome } : {}),
  });
  const outcome = await run(cmd, first.id, ctx);
  const early = notRun(outcome);
  if (early) return everyone(early);
  const summary = parseDagsterEventOutput(outcome.output);
  for (const c of summary.checks) {
    if (!c.passed && c.description) ctx.onEvent({ type: 'log', level: 'warn', asset: keyToString(c.asset), message: `check ${c.name}: ${c.description}` });
  }
  for (const node of runnable) {
    const checks: CheckResult[] = summary.checks
      .filter((c) => keyToString(c.asset) === node.id)
      .map((c) => {
        const def = checkDefinition(node, c.name);
        return {
          asset: node.id,
          name: c.name,
          passed: c.passed,
          severity: def?.severity ?? 'error',
          blocking: def?.blocking ?? false,
          // Dagster's log does not say how many rows failed.
          failingRows: 0,
          samples: [],
          durationMs: 0,
          ...(def ? { location: def.location } : {}),
        };
      });
    const step = dagsterStepKey(parseKeyParts(node.id));
    const materialized = summary.materialized.some((m) => keyToString(m.key) === node.id);
    if (runnable.length === 1) {
      const failedStep = summary.failedSteps.find((f) => f.stepKey === step) ?? summary.failedSteps[0];
      if (outcome.status === 'succeeded' && (materialized || summary.status === 'success')) out.set(node.id, { status: 'success', rows: null, checks });
      else out.set(node.id, { status: 'failed', rows: null, error: failedStep?.error ?? summary.runMessage ?? outcome.message ?? 'Dagster run failed', checks });
      continue;
    }
    // In a run of several, each asset stands on its own step: materialized, or why not.
    const failedStep = summary.failedSteps.find((f) => f.stepKey === step);
    if (materialized && !failedStep) out.set(node.id, { status: 'success', rows: null, checks });
    else {
      const why = failedStep?.error ?? `not materialized by the Dagster run (${summary.runMessage ?? outcome.message ?? 'no event for it'})`;
      out.set(node.id, { status: 'failed', rows: null, error: why, checks });
    }
  }
  return out;
}

function parseKeyParts(id: string): string[] {
  return id.split('/');
}

function dbtChecks(node: AssetNode, summary: DbtRunResultsSummary): CheckResult[] {
  return summary.tests
    .filter((t) => t.asset && keyToString(t.asset) === node.id)
    .map((t) => {
      const def = checkDefinition(node, t.name);
      return {
        asset: node.id,
        name: t.name,
        passed: t.passed,
        severity: def?.severity ?? t.severity,
        blocking: def?.blocking ?? t.severity === 'error',
        failingRows: t.failures ?? 0,
        samples: [],
        durationMs: Math.round(t.executionTime * 1000),
        ...(t.status === 'error' || t.status === 'skipped' ? { error: t.message ?? `dbt test ${t.status}` } : {}),
        ...(def ? { location: def.location } : {}),
      };
    });
}

async function runDbtAssets(nodes: readonly AssetNode[], ctx: Parameters<DelegatedRunner>[1], opts: DelegatedRunnerOptions): Promise<Map<string, Outcome>> {
  const out = new Map<string, Outcome>();
  const runnable: AssetNode[] = [];
  for (const node of nodes) {
    if (node.definition.dbt) runnable.push(node);
    else out.set(node.id, { status: 'failed', error: `${node.id} has no dbt project`, checks: [] });
  }
  const first = runnable[0];
  if (!first) return out;
  // One dbt project per call (the caller groups by project).
  const projectDir = first.definition.dbt!.projectDir;
  const started = new Date();
  // Only a virtual environment's interpreter tells where dbt is; PATH is searched for dbt anyway.
  const python = opts.dbtExecutable ? opts.python : interpreterFor(first.id, [projectDir, ctx.projectRoot], ctx, opts, true);
  const cmd = buildDbtCommand({
    ...(python ? { python } : {}),
    ...(opts.dbtExecutable ? { dbtExecutable: opts.dbtExecutable } : {}),
    selectors: runnable.map((n) => n.definition.dbt!.selector),
    projectDir,
    // The profiles.yml output to build into: the target's DBT_TARGET (asset-studio.yml targets), else its name.
    target: ctx.target.env.DBT_TARGET ?? ctx.target.name,
    targetEnv: toolEnv(ctx, opts),
  });
  const outcome = await run(cmd, first.id, ctx);
  const early = notRun(outcome);
  if (early) {
    for (const node of runnable) out.set(node.id, early);
    return out;
  }
  const testAssets = new Map(runnable.flatMap((node) => node.checks.map((c) => [c.name, node.definition.key] as const)));
  const summary = await readDbtRunResults(projectDir, { notBefore: started, testAssets });
  for (const p of summary.problems) ctx.onEvent({ type: 'log', level: 'warn', asset: first.id, message: p });
  for (const node of runnable) out.set(node.id, dbtOutcome(node, summary, outcome));
  return out;
}

/** One node's part of a `dbt build`: its own result and its tests. */
function dbtOutcome(node: AssetNode, summary: DbtRunResultsSummary, outcome: DelegatedRunOutcome): Outcome {
  const info = node.definition.dbt!;
  const checks = dbtChecks(node, summary);
  const result = summary.nodes.find((n) => keyToString(n.key) === node.id || n.name === info.selector);
  if (!result) {
    // A source has no node of its own: its tests are the run.
    if (info.resourceType === 'source' && outcome.status === 'succeeded') return { status: 'success', rows: null, checks };
    return { status: 'failed', rows: null, error: outcome.message ?? `dbt reported nothing for ${info.selector}`, checks };
  }
  const rows = result.rowsAffected ?? null;
  if (result.status === 'error') return { status: 'failed', rows, error: result.message ?? 'dbt failed', checks };
  // dbt skips what depends on a failure in the same build.
  if (result.status === 'skipped') return { status: 'skipped', rows, error: `dbt skipped ${info.selector}: something it depends on failed`, checks };
  const blocking = checks.filter((c) => !c.passed && c.severity === 'error');
  if (blocking.length > 0) {
    const names = blocking.map((c) => `${c.name} (${c.failingRows} rows)`).join(', ');
    // dbt build runs tests after building: unlike SQL assets, nothing is rolled back.
    return { status: 'failed', rows, error: `dbt test failed: ${names}; dbt keeps the model it built`, checks };
  }
  return { status: 'success', rows, checks };
}

/**
 * The engine's runner for Dagster and dbt assets (docs/dagster-and-dbt.md): runs the workspace's
 * own tool with the target's env, streams its output to the run log, and
 * turns Dagster check evaluations and dbt test results into check results.
 */
export function createDelegatedRunner(opts: DelegatedRunnerOptions = {}): DelegatedRunner {
  // One tool run at a time per dbt project / Dagster root: two `dbt build`s in one
  // project overwrite each other's target/run_results.json, and dbt-duckdb holds
  // the database file's lock for its whole run.
  const queues = new Map<string, Promise<unknown>>();
  const serialized = <T>(key: string, job: () => Promise<T>): Promise<T> => {
    const previous = queues.get(key) ?? Promise.resolve();
    const next = previous.then(job, job);
    const settled = next.catch(() => undefined);
    queues.set(key, settled);
    void settled.then(() => {
      if (queues.get(key) === settled) queues.delete(key);
    });
    return next;
  };
  const runBatch: DelegatedBatchRunner = async (nodes, ctx) => {
    const first = nodes[0];
    if (!first) return new Map();
    const source = first.definition.source;
    if (source === 'dbt') return serialized(`dbt:${first.definition.dbt?.projectDir ?? ''}`, () => runDbtAssets(nodes, ctx, opts));
    if (source === 'dagster') return serialized(`dagster:${ctx.projectRoot}`, () => runDagsterAssets(nodes, ctx, opts));
    return new Map(nodes.map((n) => [n.id, { status: 'failed' as const, error: `${n.id} is a ${source} asset: there is no tool to materialize it`, checks: [] }]));
  };
  const single = async (node: AssetNode, ctx: Parameters<DelegatedRunner>[1]): Promise<Outcome> => (await runBatch([node], ctx)).get(node.id)!;
  return Object.assign(single, { runBatch, batchKey: delegatedBatchKey });
}

/**
 * Which nodes one tool run can build together: the models of one dbt project
 * (`dbt build --select a b c`), the assets of one Dagster code location
 * (`dagster asset materialize --select a,b,c`).
 */
export function delegatedBatchKey(node: AssetNode): string | undefined {
  const d = node.definition;
  if (d.source === 'dbt' && d.dbt) return `dbt:${d.dbt.projectDir}`;
  if (d.source === 'dagster' && d.dagster && !d.dagster.external) return `dagster:${d.dagster.module ?? d.dagster.file ?? d.location.file}`;
  return undefined;
}

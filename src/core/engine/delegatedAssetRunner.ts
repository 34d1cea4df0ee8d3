import type { CheckDefinition } from '../asset';
import { keyToString } from '../assetKey';
import type { AssetNode } from '../graph/assetGraph';
import type { TargetConfig } from '../project/targetConfig';
import type { CheckResult } from './checkQueries';
import type { EngineEvent } from './engineEvents';
import type { DelegatedRunner } from './planRunner';
import { buildDagsterCommand, buildDbtCommand } from './delegated/delegatedCommand';
import type { DelegatedCommand } from './delegated/delegatedCommand';
import { runDelegated } from './delegated/delegatedRun';
import type { DelegatedRunOutcome } from './delegated/delegatedRun';
import { parseDagsterEventOutput } from './delegated/dagsterEventOutput';
import { readDbtRunResults } from './delegated/dbtRunResults';

export interface DelegatedRunnerOptions {
  /** The interpreter the Python extension chose, else the assetStudio.pythonPath setting. */
  readonly python?: string;
  readonly dbtExecutable?: string;
  /** MotherDuck token for the tool's environment (`motherduck_token`); never logged. */
  readonly token?: string;
}

type Outcome = Awaited<ReturnType<DelegatedRunner>>;

/** Runs one Dagster or dbt asset with the workspace's own tool (§5.5) and reads its results. */
export function createDelegatedRunner(opts: DelegatedRunnerOptions = {}): DelegatedRunner {
  return async (node, ctx) => {
    const def = node.definition;
    const env = toolEnv(ctx.target, opts.token);
    if (def.dbt) {
      const cmd = buildDbtCommand({
        python: opts.python,
        dbtExecutable: opts.dbtExecutable,
        selectors: [def.dbt.selector],
        projectDir: def.dbt.projectDir,
        // The dbt output to build into: the target's DBT_TARGET, else its own name (profiles.yml targets).
        target: ctx.target.env['DBT_TARGET'] ?? ctx.target.name,
        targetEnv: env,
      });
      const started = new Date();
      const outcome = await run(cmd, node.id, ctx);
      const testAssets = new Map(node.checks.filter((c) => c.type === 'dbt').map((c) => [c.name, def.key] as const));
      const results = await readDbtRunResults(def.dbt.projectDir, { notBefore: started, testAssets });
      const mine = results.nodes.find((n) => keyToString(n.key) === node.id);
      const checks = results.tests
        .filter((t) => t.asset && keyToString(t.asset) === node.id)
        .map((t) => checkResult(node, t.name, t.passed, t.severity, t.failures ?? (t.passed ? 0 : 1), t.executionTime * 1000, t.status === 'error' ? t.message : undefined));
      if (outcome.status !== 'succeeded' && outcome.status !== 'failed') return failed(outcome, checks);
      if (mine?.status === 'success') {
        return { status: 'success', rows: mine.rowsAffected ?? null, checks };
      }
      const error = mine?.message ?? outcome.message ?? results.problems[0] ?? `dbt did not build ${def.dbt.selector}`;
      return outcome.status === 'succeeded' && !mine && results.problems.length === 0
        ? { status: 'success', rows: null, checks }
        : { status: 'failed', error, checks };
    }
    if (def.dagster) {
      const cmd = buildDagsterCommand({
        python: opts.python ?? 'python3',
        keys: [node.id],
        file: def.dagster.file,
        module: def.dagster.module,
        cwd: ctx.projectRoot,
        targetEnv: env,
      });
      const outcome = await run(cmd, node.id, ctx);
      const summary = parseDagsterEventOutput(outcome.output);
      const checks = summary.checks
        .filter((c) => keyToString(c.asset) === node.id)
        .map((c) => checkResult(node, c.name, c.passed, undefined, c.passed ? 0 : 1, 0, undefined, c.description));
      if (outcome.status !== 'succeeded') {
        const stepError = summary.failedSteps[0]?.error;
        return failed(stepError && outcome.status === 'failed' ? { ...outcome, message: stepError } : outcome, checks);
      }
      if (summary.failedAssets.some((k) => keyToString(k) === node.id)) {
        return { status: 'failed', error: summary.runMessage ?? `Dagster did not materialize ${node.id}`, checks };
      }
      return { status: 'success', rows: null, checks };
    }
    return { status: 'failed', error: `${node.id} is neither a Dagster nor a dbt asset: nothing runs it.`, checks: [] };
  };
}

function toolEnv(target: TargetConfig, token: string | undefined): Record<string, string> {
  const env: Record<string, string> = { ...target.env };
  if (target.type === 'duckdb' && target.path && !env['DUCKDB_PATH']) env['DUCKDB_PATH'] = target.path;
  // DuckDB and MotherDuck's clients read the token from this variable.
  if (target.type === 'motherduck' && token && !process.env['motherduck_token']) env['motherduck_token'] = token;
  return env;
}

async function run(
  cmd: DelegatedCommand,
  asset: string,
  ctx: { readonly signal?: AbortSignal; readonly onEvent: (e: EngineEvent) => void },
): Promise<DelegatedRunOutcome> {
  // The command line only: the environment (which may hold a token) is never logged.
  ctx.onEvent({ type: 'log', level: 'info', asset, message: `$ ${[cmd.command, ...cmd.args].join(' ')}   (in ${cmd.cwd})` });
  return runDelegated(cmd, {
    signal: ctx.signal,
    onOutput: (line) => ctx.onEvent({ type: 'log', level: 'info', asset, message: line }),
  });
}

function failed(outcome: DelegatedRunOutcome, checks: CheckResult[]): Outcome {
  const error = outcome.status === 'cancelled' ? 'cancelled' : (outcome.message ?? `the tool ended with ${outcome.status}`);
  return { status: 'failed', error, checks };
}

function checkResult(
  node: AssetNode,
  name: string,
  passed: boolean,
  severity: 'error' | 'warn' | undefined,
  failingRows: number,
  durationMs: number,
  error?: string,
  description?: string,
): CheckResult {
  const def: CheckDefinition | undefined = node.checks.find((c) => c.name === name);
  return {
    asset: node.id,
    name,
    passed,
    severity: severity ?? def?.severity ?? 'error',
    blocking: def?.blocking ?? false,
    failingRows,
    samples: description && !passed ? [{ description }] : [],
    durationMs,
    ...(error ? { error } : {}),
    ...(def ? { location: def.location } : {}),
  };
}

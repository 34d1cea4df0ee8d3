import { existsSync } from 'node:fs';
import * as path from 'node:path';

/** A child process to run: never through a shell, so no argument is ever interpreted. */
export interface DelegatedCommand {
  readonly command: string;
  readonly args: readonly string[];
  readonly cwd: string;
  readonly env: Readonly<Record<string, string>>;
  /** What runs it, for messages: `dagster` or `dbt` (default: read from the command line). */
  readonly tool?: 'dagster' | 'dbt';
  /** The Python interpreter involved, when known (for the "how to install" message). */
  readonly python?: string;
}

function baseEnv(targetEnv: Readonly<Record<string, string>>, extra: Record<string, string>): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) if (v !== undefined) env[k] = v;
  // Unbuffered so that lines stream as they happen, not when the process ends.
  env.PYTHONUNBUFFERED = '1';
  Object.assign(env, extra, targetEnv);
  return env;
}

export interface DagsterCommandOptions {
  /** The interpreter chosen by the Python extension or `assetStudio.pythonPath`. */
  readonly python: string;
  /** Asset keys in Dagster's string form (`raw/taxi_trips`). */
  readonly keys: readonly string[];
  /** `-f <file>`: the Python file holding the definitions. */
  readonly file?: string;
  /** `-m <module>`: the package from pyproject's [tool.dagster]; wins over `file`. */
  readonly module?: string;
  readonly cwd: string;
  readonly targetEnv: Readonly<Record<string, string>>;
  /** `--partition <key>` for a partitioned asset. */
  readonly partition?: string;
  /**
   * DAGSTER_HOME when neither the environment nor the target sets one. Without it,
   * `dagster asset materialize` uses a temporary instance (runs are not kept),
   * which is fine for materializing.
   */
  readonly dagsterHome?: string;
}

/**
 * `python -m dagster asset materialize --select a,b -f defs.py` (docs/dagster-and-dbt.md).
 * Through `python -m` so the interpreter chosen in the editor is the one that
 * runs, whatever is on PATH.
 */
export function buildDagsterCommand(opts: DagsterCommandOptions): DelegatedCommand {
  const args = ['-m', 'dagster', 'asset', 'materialize', '--select', opts.keys.join(',')];
  if (opts.module) args.push('-m', opts.module);
  else if (opts.file) args.push('-f', opts.file);
  if (opts.partition) args.push('--partition', opts.partition);
  const extra: Record<string, string> = {};
  if (opts.dagsterHome && !process.env.DAGSTER_HOME && !opts.targetEnv.DAGSTER_HOME) extra.DAGSTER_HOME = opts.dagsterHome;
  return { command: opts.python, args, cwd: opts.cwd, env: baseEnv(opts.targetEnv, extra), tool: 'dagster', python: opts.python };
}

export interface DbtCommandOptions {
  /** The interpreter chosen in the editor: its sibling `dbt` is preferred. */
  readonly python?: string;
  /** An explicit dbt executable; wins over everything. */
  readonly dbtExecutable?: string;
  /** dbt selectors: model names, `source:raw.taxi_trips`, `+model`… */
  readonly selectors: readonly string[];
  readonly projectDir: string;
  /** Folder of profiles.yml when it is neither in the project nor in ~/.dbt. */
  readonly profilesDir?: string;
  /** The dbt target (profiles.yml output) to build into. */
  readonly target: string;
  readonly targetEnv: Readonly<Record<string, string>>;
}

/**
 * Which dbt to run: the explicit one; else the `dbt` installed next to the
 * chosen interpreter (`<venv>/bin/dbt`, `<venv>\Scripts\dbt.exe`), which is
 * the dbt of the environment the user picked; else `dbt` on PATH. Not
 * `python -m dbt.cli.main`: the console script is what users run and what
 * dbt documents.
 */
export function resolveDbtExecutable(python?: string, dbtExecutable?: string): string {
  if (dbtExecutable) return dbtExecutable;
  if (python && path.isAbsolute(python)) {
    const dir = path.dirname(python);
    // A conda env on Windows keeps python.exe at its root and scripts in Scripts\.
    const candidates = process.platform === 'win32' ? [path.join(dir, 'dbt.exe'), path.join(dir, 'Scripts', 'dbt.exe')] : [path.join(dir, 'dbt')];
    for (const candidate of candidates) if (existsSync(candidate)) return candidate;
  }
  return 'dbt';
}

/** `dbt build --select a b --target dev --project-dir …` (docs/dagster-and-dbt.md). Results land in `<projectDir>/target/run_results.json`. */
export function buildDbtCommand(opts: DbtCommandOptions): DelegatedCommand {
  const args = ['build', '--select', ...opts.selectors, '--target', opts.target, '--project-dir', opts.projectDir];
  if (opts.profilesDir) args.push('--profiles-dir', opts.profilesDir);
  // Plain output: colour codes would end up in the run log.
  const extra = { DBT_USE_COLORS: 'false', DBT_TARGET: opts.target };
  return {
    command: resolveDbtExecutable(opts.python, opts.dbtExecutable),
    args,
    cwd: opts.projectDir,
    env: baseEnv(opts.targetEnv, extra),
    tool: 'dbt',
    ...(opts.python ? { python: opts.python } : {}),
  };
}

/** The tool a command runs, when it does not say. */
export function toolOf(cmd: DelegatedCommand): 'dagster' | 'dbt' {
  if (cmd.tool) return cmd.tool;
  return cmd.args.includes('dagster') || /dagster/.test(cmd.command) ? 'dagster' : 'dbt';
}

import type { CliArgs, CliIo } from './cliIo';
import { loadWorkspace } from '../core/engine/materializeWorkspace';
import { isProtectedTarget } from '../core/project/targetConfig';
import type { TargetConfig } from '../core/project/targetConfig';
import { formatProblem, relativePath } from './assetListing';
import { isFolder } from './listCommand';

/** One target as `targets --json` prints it. Never a token: only the variable that holds it. */
export interface ListedTarget {
  readonly name: string;
  readonly type: TargetConfig['type'];
  /** duckdb: the file, relative to the root when inside it. */
  readonly path: string | null;
  /** motherduck: the database of `md:<database>`. */
  readonly database: string | null;
  readonly schema: string;
  readonly protected: boolean;
  readonly default: boolean;
  /** Where it was declared: asset-studio.yml, a dbt profiles.yml, or the built-in default. */
  readonly from: TargetConfig['from'];
  readonly token_env: string | null;
  /** Why it cannot be used, when it cannot (an unset env_var in its profile). */
  readonly unavailable: string | null;
}

/** `asset-studio targets [--json] [--root DIR]`: the targets, their database, protected or not, and the default. */
export async function runTargetsCommand(args: CliArgs, root: string, io: CliIo): Promise<number> {
  if (!isFolder(root)) {
    io.stderr.write(`asset-studio targets: ${root} is not a folder; pass the workspace with --root DIR\n`);
    return 2;
  }
  const { targets, problems } = await loadWorkspace(root, io.env);
  const listed: ListedTarget[] = targets.targets.map((t) => ({
    name: t.name,
    type: t.type,
    path: t.type === 'duckdb' && t.path ? relativePath(root, t.path) : null,
    database: t.type === 'motherduck' ? (t.database ?? null) : null,
    schema: t.schema,
    protected: isProtectedTarget(t),
    default: t.name === targets.defaultTarget,
    from: t.from,
    token_env: t.type === 'motherduck' ? (t.tokenEnv ?? null) : null,
    unavailable: t.unavailable ?? null,
  }));
  if (args.flags.has('json')) {
    io.stdout.write(`${JSON.stringify({ default: targets.defaultTarget, targets: listed }, null, 2)}\n`);
    return 0;
  }
  const from = { project: 'asset-studio.yml', 'dbt-profile': 'dbt profiles.yml', default: 'built-in' } as const;
  for (const t of listed) {
    const where = t.type === 'motherduck' ? `md:${t.database ?? ''}` : (t.path ?? '');
    const marks = [t.default ? 'default' : '', t.protected ? 'protected' : '', t.unavailable ? `unavailable: ${t.unavailable}` : ''].filter((m) => m);
    io.stdout.write(`${t.default ? '*' : ' '} ${t.name}  ${t.type === 'motherduck' ? 'MotherDuck' : 'DuckDB'}  ${where}  (${from[t.from]})${marks.length > 0 ? `  ${marks.join(', ')}` : ''}\n`);
  }
  const targetProblems = problems.filter((p) => p.code.startsWith('dbt.profile') || p.code.startsWith('project.'));
  if (targetProblems.length > 0) {
    io.stdout.write('\n');
    for (const p of targetProblems) io.stdout.write(`${formatProblem(root, p)}\n`);
  }
  return 0;
}

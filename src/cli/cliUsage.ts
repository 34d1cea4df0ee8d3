/** Every command's synopsis and flags: `asset-studio --help` prints them all, `asset-studio CMD --help` one. */
const COMMON = `  --root DIR            the workspace folder (default: the current folder)`;
const TARGET = `  --target T            the target to use (default: the project's default_target, else dev)`;
const JSON_FLAG = `  --json                print JSON on stdout (shapes: docs/cli.md)`;
const CONFIRM = `  --confirm T           write to the protected target T (must name it)`;
const PARTITIONS = `  --partition DATE      rebuild the one partition holding DATE (partitioned SQL assets)
  --from DATE --to DATE backfill the partitions from DATE to DATE, in order`;
const TOOLS = `  --dbt-runner R        who runs dbt models: auto (default), in-process or dbt
  --python PATH         the Python interpreter for Dagster and dbt (default: the workspace's .venv, else python3)`;
const FULL_REFRESH = `  --full-refresh        rebuild incremental dbt models from scratch (dbt's --full-refresh)`;
const VARS = `  --vars YAML           dbt vars over the project's vars:, e.g. --vars '{start: 2024-01-01}'`;
const DEFER = `  --defer T             read upstream relations the target lacks from target T, read-only`;

export const COMMAND_USAGE: Readonly<Record<string, string>> = {
  list: `asset-studio list [--json] [--cache FILE] [--root DIR]
  Every asset of the workspace (SQL, Dagster, dbt) with its dependencies and checks, and every problem.
${JSON_FLAG}
  --cache FILE          keep what discovery read in FILE and reuse it next time (default: $ASSET_STUDIO_CACHE)
${COMMON}`,
  validate: `asset-studio validate [--json] [--root DIR]
  The definition and target problems; exits 1 on any error.
${JSON_FLAG}
${COMMON}`,
  materialize: `asset-studio materialize SELECTION... [--target T] [--confirm T] [--partition DATE | --from DATE --to DATE]
      [--dbt-runner R] [--full-refresh] [--vars YAML] [--defer T] [--python PATH] [--json] [--root DIR]
  Builds the selected assets on the target, in dependency order, each in one transaction with its checks.
  Exits 1 when anything failed or did not run.
${TARGET}
${CONFIRM}
${PARTITIONS}
${TOOLS}
${FULL_REFRESH}
${VARS}
${DEFER}
${JSON_FLAG}
${COMMON}`,
  check: `asset-studio check [SELECTION...] [--target T] [--confirm T] [--dbt-runner R] [--vars YAML] [--defer T] [--python PATH]
      [--json] [--root DIR]
  Runs the checks of the selected assets (default: all) against what is on the target; builds nothing.
  Exits 1 when a check failed or no check could run.
${TARGET}
  --confirm T           check the protected target T with write access (default: read-only, nothing stored)
${TOOLS}
${VARS}
${DEFER}
${JSON_FLAG}
${COMMON}`,
  targets: `asset-studio targets [--json] [--root DIR]
  The targets (asset-studio.yml, dbt profiles, else the built-in dev), their database, and which is the default.
${JSON_FLAG}
${COMMON}`,
  compile: `asset-studio compile MODEL [--target T] [--vars YAML] [--json] [--root DIR]
  A dbt model's SQL as it runs on the target (ephemeral models inlined); a render error is file:line.
${TARGET}
${VARS}
${JSON_FLAG}
${COMMON}`,
  diff: `asset-studio diff SELECTION... --to T [--from T] [--key COL]... [--json] [--root DIR]
  One asset compared between two targets (schema, rows, changed rows by key), or a selection as a promotion preview.
  --from T              the target compared from (default: the default target)
  --to T                the target compared to
  --key COL             a key column (repeatable; default: the asset's unique_key or unique check)
${JSON_FLAG}
${COMMON}`,
  preview: `asset-studio preview KEY [--target T] [--limit N] [--sort COL[:desc]] [--where COL=VALUE]... [--json] [--root DIR]
  The rows an asset holds on the target (alias: show).
${TARGET}
  --limit N             how many rows (default 20)
  --sort COL[:desc]     order by a column, in DuckDB
  --where COL=VALUE     keep the rows whose column equals the value (repeatable)
${JSON_FLAG}
${COMMON}`,
  query: `asset-studio query "SQL" [--target T] [--limit N] [--json|--csv] [--root DIR]
  A read-only query on the target; {{ this }}, {{ ref('asset') }} and {{ source('s', 't') }} name assets.
${TARGET}
  --limit N             how many rows
  --csv                 print CSV instead of a table
${JSON_FLAG}
${COMMON}`,
  lineage: `asset-studio lineage KEY [--column C] [--target T] [--json] [--root DIR]
  Column-level lineage of a SQL asset or dbt model: each output column's upstream columns, copied or transformed.
  --column C            one column: its sources and the dependents' columns computed from it
${TARGET}
${JSON_FLAG}
${COMMON}`,
  status: `asset-studio status [SELECTION...] [--target T] [--against T] [--json] [--root DIR]
  Each asset's state on the target (fresh, stale, failed, never; rows, age); with --against, whether the other
  target holds the same definition's build, another one's, or none. Reads both targets, writes nothing.
${TARGET}
  --against T           the target to hold it against (e.g. prod)
${JSON_FLAG}
${COMMON}`,
  demo: `asset-studio demo [--root DIR]
  Materializes the example project (examples/nyc_taxi) twice on its built-in database and reads a result back.
${COMMON}`,
};

const RUN = ['target', 'confirm', 'partition', 'from', 'to', 'dbt-runner', 'full-refresh', 'vars', 'defer', 'python', 'json', 'root'];
const PREVIEW = ['target', 'limit', 'sort', 'where', 'json', 'root'];

/** The flags each command takes: any other is a mistake to say, never to ignore (`--targte prod`). */
export const COMMAND_FLAGS: Readonly<Record<string, readonly string[]>> = {
  list: ['json', 'cache', 'root'],
  validate: ['json', 'root'],
  materialize: RUN,
  check: ['target', 'confirm', 'dbt-runner', 'vars', 'defer', 'python', 'json', 'root'],
  targets: ['json', 'root'],
  compile: ['target', 'vars', 'json', 'root'],
  diff: ['from', 'to', 'key', 'json', 'root'],
  preview: PREVIEW,
  show: PREVIEW,
  query: ['target', 'limit', 'json', 'csv', 'root'],
  lineage: ['column', 'target', 'json', 'root'],
  status: ['target', 'against', 'json', 'root'],
  demo: ['root'],
};

export const SELECTION_HELP = `SELECTION: KEY (raw/taxi_trips or its relation raw.taxi_trips), +KEY (with everything upstream),
KEY+ (with everything downstream), group:NAME, or '*' (everything). Quote '*' and '+KEY' in a shell:
unquoted, the shell expands * to the file names of the current folder.`;

/** The synopsis: the first line of a command's usage, and its continuation lines. */
function synopsis(text: string): string {
  const lines = text.split('\n');
  const end = lines.findIndex((l, i) => i > 0 && !l.startsWith('      '));
  return lines.slice(0, end === -1 ? lines.length : end).join('\n');
}

export function usage(): string {
  const synopses = Object.values(COMMAND_USAGE).map((u) => `  ${synopsis(u)}`);
  return `usage:\n${synopses.join('\n')}\n  asset-studio --version\n\nasset-studio COMMAND --help shows a command's flags.\n\n${SELECTION_HELP}\n`;
}

export function commandUsage(name: string): string {
  const text = COMMAND_USAGE[name === 'show' ? 'preview' : name] ?? '';
  return `usage: ${text}\n${name === 'materialize' || name === 'check' ? `\n${SELECTION_HELP}\n` : ''}`;
}

import { resolve } from 'node:path';
import type { CliArgs, CliIo } from './cliIo';
import { UsageError, flagString, parseArgs } from './cliIo';
import { runListCommand } from './listCommand';
import { runValidateCommand } from './validateCommand';
import { runMaterializeCommand } from './materializeCommand';
import { runCheckCommand } from './checkCommand';
import { runDemoCommand } from './demoCommand';
import { runCompileCommand } from './compileCommand';
import { runDiffCommand } from './diffCommand';
import { runPreviewCommand } from './previewCommand';
import { runQueryCommand } from './queryCommand';

type Command = (args: CliArgs, root: string, io: CliIo) => Promise<number>;

const COMMANDS: Record<string, Command> = {
  list: runListCommand,
  validate: runValidateCommand,
  materialize: runMaterializeCommand,
  check: runCheckCommand,
  demo: runDemoCommand,
  compile: runCompileCommand,
  diff: runDiffCommand,
  preview: runPreviewCommand,
  show: runPreviewCommand,
  query: runQueryCommand,
};

const USAGE = `usage:
  asset-studio list [--json] [--root DIR]
  asset-studio materialize SELECTION... [--target T] [--confirm T] [--json] [--root DIR]
  asset-studio check [SELECTION...] [--target T] [--json] [--root DIR]
  asset-studio validate [--json] [--root DIR]
  asset-studio compile MODEL [--target T] [--vars YAML] [--json] [--root DIR]
  asset-studio diff SELECTION... --to T [--from T] [--key COL]... [--json] [--root DIR]
  asset-studio preview KEY [--target T] [--limit N] [--sort COL[:desc]] [--where COL=VALUE]... [--json] [--root DIR]
  asset-studio query "SQL" [--target T] [--limit N] [--json|--csv] [--root DIR]
  asset-studio demo [--root DIR]

materialize and check also take --dbt-runner auto|in-process|dbt, --full-refresh,
--defer TARGET and --vars '{name: value}' (dbt's, over the project's vars:).

SELECTION: KEY (raw/taxi_trips or raw.taxi_trips), +KEY (with upstream),
KEY+ (with downstream), group:NAME, or * (everything).
`;

/** Runs one command line; returns the exit code. */
export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    io.stdout.write(USAGE);
    return name ? 0 : 2;
  }
  const command = COMMANDS[name];
  if (!command) {
    io.stderr.write(`asset-studio: unknown command '${name}'\n${USAGE}`);
    return 2;
  }
  try {
    const args = parseArgs(rest);
    const root = resolve(io.cwd, flagString(args, 'root') ?? '.');
    return await command(args, root, io);
  } catch (err) {
    if (err instanceof UsageError) {
      io.stderr.write(`asset-studio ${name}: ${err.message}\n${USAGE}`);
      return 2;
    }
    throw err;
  }
}

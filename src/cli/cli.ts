import { resolve } from 'node:path';
import type { CliArgs, CliIo } from './cliIo';
import { UsageError, flagString, parseArgs } from './cliIo';
import { COMMAND_FLAGS, commandUsage, usage } from './cliUsage';
import { commandLineWording } from '../core/userHints';
import packageJson from '../../package.json';

type Command = (args: CliArgs, root: string, io: CliIo) => Promise<number>;

// Each command's code (and DuckDB, which most load) is loaded when that command runs: a bundle
// loaded whole costs every command, `list` and `--version` too, ~0.15 s before it starts.
const COMMANDS: Record<string, () => Promise<Command>> = {
  list: async () => (await import('./listCommand')).runListCommand,
  validate: async () => (await import('./validateCommand')).runValidateCommand,
  materialize: async () => (await import('./materializeCommand')).runMaterializeCommand,
  check: async () => (await import('./checkCommand')).runCheckCommand,
  demo: async () => (await import('./demoCommand')).runDemoCommand,
  compile: async () => (await import('./compileCommand')).runCompileCommand,
  diff: async () => (await import('./diffCommand')).runDiffCommand,
  preview: async () => (await import('./previewCommand')).runPreviewCommand,
  show: async () => (await import('./previewCommand')).runPreviewCommand,
  query: async () => (await import('./queryCommand')).runQueryCommand,
  targets: async () => (await import('./targetsCommand')).runTargetsCommand,
  lineage: async () => (await import('./lineageCommand')).runLineageCommand,
  status: async () => (await import('./statusCommand')).runStatusCommand,
};

/** Runs one command line; returns the exit code. */
export async function runCli(argv: readonly string[], processIo: CliIo): Promise<number> {
  // What the CLI prints never sends the user to an editor command.
  const io: CliIo = {
    ...processIo,
    stdout: { write: (text: string) => processIo.stdout.write(commandLineWording(text)) },
    stderr: { write: (text: string) => processIo.stderr.write(commandLineWording(text)) },
  };
  const USAGE = usage();
  const [name, ...rest] = argv;
  if (name === '--version' || name === '-v' || name === 'version') {
    io.stdout.write(`asset-studio ${packageJson.version}\n`);
    return 0;
  }
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    io.stdout.write(USAGE);
    return name ? 0 : 2;
  }
  const command = COMMANDS[name];
  if (!command) {
    io.stderr.write(`asset-studio: unknown command '${name}'\n${USAGE}`);
    return 2;
  }
  if (rest.includes('--help') || rest.includes('-h')) {
    io.stdout.write(commandUsage(name));
    return 0;
  }
  try {
    const args = parseArgs(rest);
    const unknown = [...args.flags.keys()].find((f) => !(COMMAND_FLAGS[name] ?? []).includes(f));
    if (unknown !== undefined) throw new UsageError(`unknown flag --${unknown}`);
    const root = resolve(io.cwd, flagString(args, 'root') ?? '.');
    return await (await command())(args, root, io);
  } catch (err) {
    if (err instanceof UsageError) {
      io.stderr.write(`asset-studio ${name}: ${err.message}\n${commandUsage(name)}`);
      return 2;
    }
    throw err;
  }
}

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
import { runTargetsCommand } from './targetsCommand';
import { runLineageCommand } from './lineageCommand';
import { runStatusCommand } from './statusCommand';
import { COMMAND_FLAGS, commandUsage, usage } from './cliUsage';
import { commandLineWording } from '../core/userHints';
import packageJson from '../../package.json';

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
  targets: runTargetsCommand,
  lineage: runLineageCommand,
  status: runStatusCommand,
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
    return await command(args, root, io);
  } catch (err) {
    if (err instanceof UsageError) {
      io.stderr.write(`asset-studio ${name}: ${err.message}\n${commandUsage(name)}`);
      return 2;
    }
    throw err;
  }
}

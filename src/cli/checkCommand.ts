import type { CliArgs, CliIo } from './cliIo';
import { runSelectionCommand } from './materializeCommand';

/** `asset-studio check [SELECTION...] [--target T] [--json]`: runs checks against what is there, builds nothing. */
export async function runCheckCommand(args: CliArgs, root: string, io: CliIo): Promise<number> {
  return runSelectionCommand('check', args, root, io);
}

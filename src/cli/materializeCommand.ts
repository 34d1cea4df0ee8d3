import type { CliArgs, CliIo } from './cliIo';

// Placeholder until its issue lands: says so and fails rather than pretend.
export async function runMaterializeCommand(_args: CliArgs, _root: string, io: CliIo): Promise<number> {
  io.stderr.write('asset-studio materialize: not built yet\n');
  return 2;
}

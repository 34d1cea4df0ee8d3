import type { CliIo } from './cliIo';

/** Why a command refused or could not run, for scripts that read --json: `kind` is stable, `message` is for people. */
export type CliErrorKind = 'usage' | 'selection' | 'unknown-target' | 'protected-target' | 'locked' | 'no-token' | 'unreachable' | 'missing-file' | 'unavailable' | 'connection';

/**
 * Says a failure on stderr, and with --json also as `{"error": {"message", "kind"}}`
 * on stdout, so that a script reading stdout never gets nothing.
 */
export function reportFailure(io: CliIo, json: boolean, prefix: string, message: string, kind: CliErrorKind): void {
  io.stderr.write(`${prefix}: ${message}\n`);
  if (json) io.stdout.write(JSON.stringify({ error: { message, kind } }, null, 2) + '\n');
}

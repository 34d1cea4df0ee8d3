import { runCli } from '../../src/cli/cli';

/** One command line run in-process with `env` as its environment; what it printed and its exit code. */
export async function cli(argv: readonly string[], cwd: string, env: Readonly<Record<string, string | undefined>> = {}) {
  let stdout = '';
  let stderr = '';
  const code = await runCli(argv, { stdout: { write: (t: string) => (stdout += t) }, stderr: { write: (t: string) => (stderr += t) }, cwd, env });
  return { code, stdout, stderr };
}

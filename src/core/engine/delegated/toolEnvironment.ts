import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { environmentProblemOf } from './environmentProblem';
import type { EnvironmentProblem } from './environmentProblem';
import { resolveDbtExecutable } from './delegatedCommand';
import type { DelegatedCommand } from './delegatedCommand';
import { explainMissingTool, explainSpawnError } from './toolFailure';
import { findWorkspacePython, onPath } from './workspacePython';

export interface ToolEnvironmentInput {
  /** The project has Dagster assets: the interpreter must import dagster. */
  readonly needsDagster: boolean;
  /** dbt models are run by dbt itself (dbt_runner: dbt): the dbt executable must exist. */
  readonly needsDbt: boolean;
  /** The interpreter chosen in the editor; absent: the workspace's virtual environment, else python3 on PATH (as a run does). */
  readonly python?: string;
  /** Workspace folders, where a virtual environment is looked for. */
  readonly folders: readonly string[];
  /** The PATH the runs see; default this process's. */
  readonly envPath?: string;
  readonly dbtExecutable?: string;
  /** How long the interpreter may take to import Dagster before the check gives up (and says nothing). */
  readonly timeoutMs?: number;
}

/**
 * What is missing for the project's Dagster and dbt runs, found before any
 * run: the same messages a run would give (toolFailure.ts), so that they are
 * told apart from code problems the same way. Dagster: the interpreter is
 * started with `import dagster`; dbt: its executable is looked up as a run
 * would (beside the interpreter, else on PATH). Empty when nothing is missing
 * or nothing is needed.
 */
export async function findToolProblems(input: ToolEnvironmentInput): Promise<EnvironmentProblem[]> {
  const envPath = input.envPath ?? process.env.PATH;
  const python = input.python ?? findWorkspacePython(input.folders, envPath)?.path;
  const messages: string[] = [];
  if (input.needsDagster) {
    const message = await dagsterProblem(python ?? 'python3', envPath, input.folders[0] ?? process.cwd(), input.timeoutMs ?? 20_000);
    if (message) messages.push(message);
  }
  if (input.needsDbt) {
    const dbt = resolveDbtExecutable(python, input.dbtExecutable);
    const found = dbt === 'dbt' ? onPath('dbt', envPath) !== undefined : existsSync(dbt);
    if (!found) {
      const cmd: DelegatedCommand = { command: dbt, args: [], cwd: '.', env: {}, tool: 'dbt', ...(python ? { python } : {}) };
      messages.push(explainSpawnError(cmd, 'ENOENT')!);
    }
  }
  return messages.map((m) => environmentProblemOf(m) ?? { kind: 'tool', message: m });
}

function dagsterProblem(python: string, envPath: string | undefined, cwd: string, timeoutMs: number): Promise<string | undefined> {
  const cmd: DelegatedCommand = { command: python, args: ['-c', 'import dagster'], cwd, env: {}, tool: 'dagster', python };
  return new Promise((resolve) => {
    execFile(
      python,
      cmd.args,
      { cwd, timeout: timeoutMs, env: { ...process.env, ...(envPath !== undefined ? { PATH: envPath } : {}) }, windowsHide: true },
      (err, _stdout, stderr) => {
        if (!err) return resolve(undefined);
        const code = (err as NodeJS.ErrnoException).code;
        if (typeof code === 'string') return resolve(explainSpawnError(cmd, code));
        // Killed by the timeout: a slow interpreter is not a missing one.
        if (err.killed) return resolve(undefined);
        resolve(explainMissingTool(cmd, stderr.split('\n')) ?? `Dagster could not be imported with ${python}: ${lastLine(stderr)}`);
      },
    );
  });
}

function lastLine(text: string): string {
  return text.trim().split('\n').pop() ?? '';
}

import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import type { DelegatedCommand } from './delegatedCommand';
import { toolOf } from './delegatedCommand';
import { explainMissingTool, explainSpawnError } from './toolFailure';
import { redactor, secretValues } from '../tokenRedaction';

export type DelegatedRunStatus = 'succeeded' | 'failed' | 'cancelled' | 'tool-missing' | 'spawn-failed';

export interface DelegatedRunOutcome {
  readonly status: DelegatedRunStatus;
  readonly exitCode: number | null;
  readonly signal: string | null;
  /** For the user, when not succeeded: what happened and what to do. Never a stack trace. */
  readonly message?: string;
  /** Every output line (ANSI colours removed), stdout and stderr interleaved as read; capped at MAX_KEPT_LINES. */
  readonly output: readonly string[];
  readonly durationMs: number;
}

export interface DelegatedRunOptions {
  onOutput?(line: string, stream: 'stdout' | 'stderr'): void;
  readonly signal?: AbortSignal;
  /** Between SIGTERM and SIGKILL when cancelling (default 3 s). */
  readonly killGraceMs?: number;
  /** Token values to blank out of the output, besides the credential-named variables of the command's env. */
  readonly secrets?: readonly string[];
}

export const MAX_KEPT_LINES = 50_000;

// eslint-disable-next-line no-control-regex
const ANSI = /\u001b\[[0-9;?]*[ -/]*[@-~]/g;

/** Ends the child and everything it started: its own process group on POSIX, `taskkill /T` on Windows. */
function killTree(child: ChildProcess, sig: NodeJS.Signals): void {
  if (child.pid === undefined) return;
  try {
    if (process.platform === 'win32') {
      spawn('taskkill', ['/pid', String(child.pid), '/T', '/F'], { stdio: 'ignore', windowsHide: true });
    } else {
      process.kill(-child.pid, sig);
    }
  } catch {
    // Already gone.
  }
}

/** Last lines worth showing when the failure is not a known one. */
function failureMessage(cmd: DelegatedCommand, exitCode: number | null, signal: string | null, output: readonly string[]): string {
  const how = signal ? `was stopped by ${signal}` : `exited with code ${exitCode}`;
  // The last three unindented lines say what went wrong, with the indented lines under them that say
  // why (dbt's `Runtime Error` / `  Could not find profile named …`); traceback frames do not help here.
  const kept: string[] = [];
  let inTraceback = false;
  for (const l of output) {
    if (l.trim() === '') continue;
    const indented = /^\s/.test(l);
    if (l.startsWith('Traceback (most recent call last)')) {
      inTraceback = true;
      continue;
    }
    if (inTraceback && indented) continue;
    inTraceback = false;
    kept.push(l);
  }
  let from = kept.length;
  for (let heads = 0; from > 0 && heads < 3; ) if (!/^\s/.test(kept[--from]!)) heads++;
  const tail = kept.slice(from).slice(-12).join('\n');
  return `${toolOf(cmd)} ${how}.${tail ? `\n${tail}` : ''}`;
}

/**
 * Runs a Dagster or dbt command as a child process (no shell), streaming its
 * lines. Cancelling kills the whole process tree. Never rejects: every
 * outcome, a missing tool included, is a value.
 */
export function runDelegated(cmd: DelegatedCommand, opts: DelegatedRunOptions = {}): Promise<DelegatedRunOutcome> {
  const started = Date.now();
  const output: string[] = [];
  // The child has the whole environment: whatever token it prints is blanked before it is kept or passed on.
  const redact = redactor([...secretValues(cmd.env), ...(opts.secrets ?? [])]);
  if (opts.signal?.aborted) {
    return Promise.resolve({ status: 'cancelled', exitCode: null, signal: null, message: `${toolOf(cmd)} run cancelled before it started.`, output, durationMs: 0 });
  }
  return new Promise((resolve) => {
    let settled = false;
    let cancelled = false;
    let killTimer: NodeJS.Timeout | undefined;
    let child: ChildProcess;
    const finish = (o: Omit<DelegatedRunOutcome, 'output' | 'durationMs'>) => {
      if (settled) return;
      settled = true;
      if (killTimer) clearTimeout(killTimer);
      opts.signal?.removeEventListener('abort', onAbort);
      resolve({ ...o, ...(o.message !== undefined ? { message: redact(o.message) } : {}), output, durationMs: Date.now() - started });
    };
    const onAbort = () => {
      cancelled = true;
      killTree(child, 'SIGTERM');
      killTimer = setTimeout(() => killTree(child, 'SIGKILL'), opts.killGraceMs ?? 3000);
      killTimer.unref();
    };
    try {
      child = spawn(cmd.command, [...cmd.args], {
        cwd: cmd.cwd,
        env: { ...cmd.env },
        shell: false,
        // Its own process group, so that cancelling reaches the tool's children too.
        detached: process.platform !== 'win32',
        windowsHide: true,
        stdio: ['ignore', 'pipe', 'pipe'],
      });
    } catch (err) {
      finish({ status: 'spawn-failed', exitCode: null, signal: null, message: explainSpawnError(cmd, (err as NodeJS.ErrnoException).code ?? 'unknown') });
      return;
    }
    opts.signal?.addEventListener('abort', onAbort, { once: true });
    const read = (stream: NodeJS.ReadableStream | null, name: 'stdout' | 'stderr') => {
      if (!stream) return;
      const rl = createInterface({ input: stream, crlfDelay: Infinity });
      rl.on('line', (raw) => {
        const line = redact(raw.replace(ANSI, ''));
        if (output.length < MAX_KEPT_LINES) output.push(line);
        try {
          opts.onOutput?.(line, name);
        } catch {
          // A listener's bug must not break the run.
        }
      });
    };
    read(child.stdout, 'stdout');
    read(child.stderr, 'stderr');
    child.on('error', (err: NodeJS.ErrnoException) => {
      const message = explainSpawnError(cmd, err.code);
      finish({ status: err.code === 'ENOENT' ? 'tool-missing' : 'spawn-failed', exitCode: null, signal: null, message });
    });
    child.on('close', (code, sig) => {
      if (cancelled) {
        // The tree may still hold children that ignored SIGTERM.
        killTree(child, 'SIGKILL');
        finish({ status: 'cancelled', exitCode: code, signal: sig, message: `${toolOf(cmd)} run cancelled.` });
        return;
      }
      if (code === 0) {
        finish({ status: 'succeeded', exitCode: 0, signal: null });
        return;
      }
      const missing = explainMissingTool(cmd, output);
      if (missing) finish({ status: 'tool-missing', exitCode: code, signal: sig, message: missing });
      else finish({ status: 'failed', exitCode: code, signal: sig, message: failureMessage(cmd, code, sig, output) });
    });
  });
}

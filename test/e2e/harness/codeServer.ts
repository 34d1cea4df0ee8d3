// One code-server process: a real VS Code server whose workbench runs in the
// browser and whose extension host runs here, with the extension installed.
import { spawn, type ChildProcess } from 'node:child_process';
import { appendFileSync, closeSync, openSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { E2eEnvironment } from './e2eEnvironment';

export interface CodeServerOptions {
  readonly userDataDir: string;
  readonly extensionsDir: string;
  /** Where code-server's own stdout/stderr go. */
  readonly logFile: string;
  /** Leave workspace trust on (the workspace starts untrusted). */
  readonly workspaceTrust?: boolean;
  /** Honour `extensionDevelopmentPath`/`extensionTestsPath` in the URL's payload. */
  readonly extensionDevelopment?: boolean;
  /** Extra environment for the server and so for the extension host. */
  readonly env?: Readonly<Record<string, string>>;
}

export interface CodeServer {
  readonly port: number;
  /** `127.0.0.1:PORT`, the remote authority of every `vscode-remote://` URI. */
  readonly authority: string;
  readonly url: string;
  stop(): Promise<void>;
}

/** Every server started by this process, so the runner can kill leftovers (see scripts/run-e2e.mjs). */
export const PIDS_FILE = 'pids.txt';

export async function startCodeServer(env: E2eEnvironment, options: CodeServerOptions): Promise<CodeServer> {
  const port = await freePort();
  const args = [
    env.codeServerEntry,
    '--config', join(options.userDataDir, '..', 'code-server.yaml'),
    '--user-data-dir', options.userDataDir,
    '--extensions-dir', options.extensionsDir,
    '--auth', 'none',
    '--bind-addr', `127.0.0.1:${port}`,
    '--disable-telemetry',
    '--disable-update-check',
    '--disable-getting-started-override',
    '--ignore-last-opened',
  ];
  if (!options.workspaceTrust) args.push('--disable-workspace-trust');
  // A built workbench ignores the payload unless the smoke-test driver is on.
  if (options.extensionDevelopment) args.push('--vscode-option', 'enable-smoke-test-driver');

  const out = openSync(options.logFile, 'a');
  const child = spawn(env.nodeBinary, args, {
    // Its own process group, so stop() also ends the extension host it forks.
    detached: true,
    stdio: ['ignore', out, out],
    env: { ...process.env, ...options.env },
  });
  closeSync(out);
  if (child.pid === undefined) throw new Error('e2e: code-server did not start');
  appendFileSync(join(env.runDir, PIDS_FILE), `${child.pid}\n`);
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));

  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 90_000;
  for (;;) {
    const early = await Promise.race([exited, sleep(250).then(() => 'running' as const)]);
    if (early !== 'running') {
      throw new Error(`e2e: code-server exited (${early}) before listening:\n${tail(options.logFile, 30)}`);
    }
    if (await healthy(url)) break;
    if (Date.now() > deadline) {
      await stopGroup(child, exited);
      throw new Error(`e2e: code-server did not answer on ${url} within 90 s:\n${tail(options.logFile, 30)}`);
    }
  }

  let stopped: Promise<void> | undefined;
  return {
    port,
    authority: `127.0.0.1:${port}`,
    url,
    stop: () => (stopped ??= stopGroup(child, exited)),
  };
}

async function healthy(url: string): Promise<boolean> {
  try {
    const res = await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(2000) });
    return res.ok;
  } catch {
    return false;
  }
}

async function stopGroup(child: ChildProcess, exited: Promise<number | null>): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  signalGroup(child.pid!, 'SIGTERM');
  const done = await Promise.race([exited.then(() => true), sleep(5000).then(() => false)]);
  // The extension host may outlive the server briefly; the group goes either way.
  signalGroup(child.pid!, 'SIGKILL');
  if (!done) await Promise.race([exited, sleep(2000)]);
}

function signalGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    // Already gone.
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

export function tail(file: string, lines: number): string {
  try {
    return readFileSync(file, 'utf8').split('\n').slice(-lines).join('\n');
  } catch {
    return `(no ${file})`;
  }
}

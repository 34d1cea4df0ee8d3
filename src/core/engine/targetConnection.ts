import { existsSync, mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import type { DuckDBConnection } from '@duckdb/node-api';
import type { TargetConfig } from '../project/targetConfig';
import { motherDuckTokenFor } from '../project/motherDuckToken';
import { privateTempDir } from '../privateTempDir';
import { redact } from './tokenRedaction';

/** A failure to reach a target, worded for the user: names the target and what to do. */
export class TargetConnectionError extends Error {
  constructor(
    message: string,
    readonly target: string,
    readonly reason: 'no-token' | 'locked' | 'unreachable' | 'missing-file' | 'unavailable' | 'other',
  ) {
    super(message);
    this.name = 'TargetConnectionError';
  }
}

export interface OpenTargetOptions {
  /** Absolute project root: relative paths in the SQL (read_parquet('data/…')) resolve from it. */
  readonly projectRoot: string;
  /** MotherDuck token from the editor's secret storage; the target's token_env wins when set. */
  readonly token?: string;
  /** Environment to read token_env from (default process.env). */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** Open read-only and never create the file: a missing file gives reason 'missing-file'. */
  readonly readOnly?: boolean;
  /** Bound on reaching MotherDuck (default 20 s). */
  readonly timeoutMs?: number;
}

/** One short-lived DuckDB instance on a target: open per run, close after. */
export interface TargetConnection {
  readonly target: TargetConfig;
  /** `md:<database>` or the absolute file path. Never holds a token. */
  readonly location: string;
  connect(): Promise<DuckDBConnection>;
  close(): void;
}

const DEFAULT_TIMEOUT_MS = 20_000;

let readSpill: string | undefined;

/** This process's folder for what read-only connections spill, made on first use. */
function readSpillDir(): string {
  readSpill ??= privateTempDir('asset-studio-read-spill-');
  return readSpill;
}

export async function openTarget(target: TargetConfig, opts: OpenTargetOptions): Promise<TargetConnection> {
  if (target.unavailable) throw new TargetConnectionError(`Target '${target.name}' is unavailable: ${target.unavailable}`, target.name, 'unavailable');
  const options: Record<string, string> = { file_search_path: opts.projectRoot };
  let location: string;
  let secret: string | undefined;
  if (target.type === 'motherduck') {
    const database = target.database ?? '';
    location = `md:${database}`;
    const choice = motherDuckTokenFor(target, { env: opts.env, saved: opts.token });
    secret = choice.token;
    if (!secret) throw new TargetConnectionError(choice.hint!, target.name, 'no-token');
    options['motherduck_token'] = secret;
    if (opts.readOnly) options['access_mode'] = 'READ_ONLY';
  } else {
    location = resolve(opts.projectRoot, target.path ?? '.asset-studio/dev.duckdb');
    if (opts.readOnly) {
      if (!existsSync(location)) {
        throw new TargetConnectionError(`Target '${target.name}': ${location} does not exist yet.`, target.name, 'missing-file');
      }
      options['access_mode'] = 'READ_ONLY';
      // A big sort spills to `<db>.tmp` beside the user's file by default: a read must leave nothing there.
      options['temp_directory'] = readSpillDir();
    } else {
      try {
        mkdirSync(dirname(location), { recursive: true });
      } catch (err) {
        throw new TargetConnectionError(
          `Target '${target.name}': cannot create the folder of ${location} (${err instanceof Error ? err.message : String(err)}). Check the target's path in asset-studio.yml.`,
          target.name,
          'unreachable',
        );
      }
    }
  }
  const shared = target.type === 'duckdb' ? await acquireShared(location, !!opts.readOnly, () => createBounded(target, location, options, secret, 0)) : undefined;
  const instance = shared ?? (await createBounded(target, location, options, secret, opts.timeoutMs ?? DEFAULT_TIMEOUT_MS));
  let closed = false;
  return {
    target,
    location,
    connect: () => instance.connect(),
    close() {
      if (closed) return;
      closed = true;
      if (shared) releaseShared(location, instance);
      else instance.closeSync();
    },
  };
}

/**
 * DuckDB file locks are per process, so two instances of one file in one
 * process would both write it. Opens in this process share one instance,
 * closed when the last user closes it (the file is then free again).
 */
interface SharedInstance {
  readonly ready: Promise<DuckDBInstance>;
  instance?: DuckDBInstance;
  refs: number;
  readonly readOnly: boolean;
}

const live = new Map<string, SharedInstance>();

async function acquireShared(location: string, readOnly: boolean, create: () => Promise<DuckDBInstance>): Promise<DuckDBInstance> {
  for (;;) {
    const entry = live.get(location);
    if (!entry) break;
    if (!entry.readOnly || readOnly) {
      entry.refs++;
      try {
        return await entry.ready;
      } catch (err) {
        entry.refs--;
        throw err;
      }
    }
    // A read-only reader is open: wait for it to finish (readers are short) rather than open a second writer.
    await new Promise((r) => setTimeout(r, 20));
  }
  const ready = create();
  const entry: SharedInstance = { ready: ready.then((i) => (entry.instance = i)), refs: 1, readOnly };
  live.set(location, entry);
  try {
    return await entry.ready;
  } catch (err) {
    live.delete(location);
    throw err;
  }
}

function releaseShared(location: string, instance: DuckDBInstance): void {
  const entry = live.get(location);
  if (!entry || entry.instance !== instance) {
    // Not the shared one (cannot happen unless closed twice): close it anyway.
    instance.closeSync();
    return;
  }
  entry.refs--;
  if (entry.refs === 0) {
    live.delete(location);
    instance.closeSync();
  }
}

async function createBounded(
  target: TargetConfig,
  location: string,
  options: Record<string, string>,
  secret: string | undefined,
  timeoutMs: number,
): Promise<DuckDBInstance> {
  const creating = DuckDBInstance.create(location, options);
  if (target.type !== 'motherduck') {
    try {
      return await creating;
    } catch (err) {
      throw describeOpenError(target, location, err, secret);
    }
  }
  let timer: NodeJS.Timeout | undefined;
  let timedOut = false;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => {
        timedOut = true;
        reject(
          new TargetConnectionError(
            `Target '${target.name}': MotherDuck (${location}) did not answer within ${Math.round(timeoutMs / 1000)} s. Check the network connection.`,
            target.name,
            'unreachable',
          ),
        );
      },
      timeoutMs,
    );
  });
  // A late success after the timeout must not leak an open instance.
  creating.then(
    (late) => {
      if (timedOut) late.closeSync();
    },
    () => undefined,
  );
  try {
    return await Promise.race([creating, timeout]);
  } catch (err) {
    if (err instanceof TargetConnectionError) throw err;
    throw describeOpenError(target, location, err, secret);
  } finally {
    clearTimeout(timer);
  }
}

function describeOpenError(target: TargetConfig, location: string, err: unknown, secret: string | undefined): Error {
  const raw = redact(err instanceof Error ? err.message : String(err), secret);
  if (/Could not set lock|Conflicting lock/i.test(raw)) {
    const pid = /PID (\d+)/.exec(raw)?.[1];
    const holder = /held in (.*?) \(PID/.exec(raw)?.[1];
    return new TargetConnectionError(
      `Target '${target.name}': ${location} is open in another process${pid ? ` (${holder ? `${holder}, ` : ''}pid ${pid})` : ''}: close it there (DuckDB CLI, a notebook, DBeaver…) and try again.`,
      target.name,
      'locked',
    );
  }
  if (target.type === 'motherduck') {
    const offline = /Could not establish connection|Failed to download extension|resolve|network|timed? ?out/i.test(raw);
    return new TargetConnectionError(
      offline
        ? `Target '${target.name}': cannot reach MotherDuck (${location}); check the network connection. (${firstLine(raw)})`
        : `Target '${target.name}': MotherDuck (${location}) refused the connection: ${firstLine(raw)}`,
      target.name,
      offline ? 'unreachable' : 'other',
    );
  }
  return new TargetConnectionError(`Target '${target.name}': cannot open ${location}: ${firstLine(raw)}`, target.name, 'other');
}

function firstLine(text: string): string {
  return text.split('\n')[0] ?? text;
}

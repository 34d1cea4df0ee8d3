import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { dirname, join } from 'node:path';
import { Worker } from 'node:worker_threads';
import type { WorkerOptions } from 'node:worker_threads';
import type { DbtProjectDiscovery, ParsedDbtSchemaFile } from './dbt/dbtProject';
import type { PythonFileRead, SqlFileRead } from './discoveryFileReads';
import type { SqlReadContext } from './sql/sqlHeaderRead';

/** A dbt project read in a worker (plain data: it crosses as a structured clone), with its YAML parses for this thread's cache. */
export interface DbtProjectRead {
  readonly project: DbtProjectDiscovery;
  readonly parsed: [string, ParsedDbtSchemaFile][];
}

export type DiscoveryTask =
  | { readonly id: number; readonly kind: 'sql'; readonly files: readonly string[]; readonly context: SqlReadContext }
  | { readonly id: number; readonly kind: 'python'; readonly files: readonly string[] }
  | { readonly id: number; readonly kind: 'dbt'; readonly projectDir: string };

export type DiscoveryTaskReply =
  | { readonly id: number; readonly reads: readonly (SqlFileRead | PythonFileRead | DbtProjectRead)[] }
  | { readonly id: number; readonly error: string };

/** The bundled worker's file name, next to dist/extension.js and dist/cli.js. */
export const DISCOVERY_WORKER_FILE = 'discovery-worker.js';

/** What a worker is started for: YAML (SQL headers, dbt projects) or Python (tree-sitter). */
export type DiscoveryKind = 'yaml' | 'python';

function laneOf(task: DiscoveryTask): DiscoveryKind {
  return task.kind === 'python' ? 'python' : 'yaml';
}

/** A kind waits this many tasks before an idle worker of the other kind takes one (and warms up for it). */
const STEAL_ABOVE = 4;

/**
 * A few worker threads that read and parse files for a cold start (the README's benchmark budgets), then are closed.
 * A task whose worker fails is rejected: the caller reads that chunk itself.
 *
 * Each worker is started for one kind of work, YAML or Python (half of them for each; one worker
 * does both): a worker that does both warms up both the YAML and the Python grammar code paths
 * (JIT, WebAssembly tiers), which cost as much as reading a thousand files.
 */
export class DiscoveryPool {
  private readonly idle: Worker[] = [];
  private readonly waiting: Job[] = [];
  private readonly busy = new Map<Worker, Job>();
  /** The kind each live worker was started for (undefined: every kind). */
  private readonly kinds = new Map<Worker, DiscoveryKind | undefined>();
  private nextId = 1;
  private closed = false;

  private constructor(
    private readonly spawn: () => Worker,
    private readonly size: number,
    private spawned = 0,
  ) {}

  /**
   * A pool of `size` workers (default: the cores, 1 to 4), or undefined when no worker script is
   * found. `workerFile`: a built worker to use instead of the one found (benchmarks).
   */
  static open(size = defaultPoolSize(), workerFile?: string): DiscoveryPool | undefined {
    const script = workerFile ? { script: workerFile, options: BUNDLED } : locateWorker();
    if (!script) return undefined;
    return new DiscoveryPool(() => new Worker(script.script, script.options), size);
  }

  readSql(files: readonly string[], context: SqlReadContext): Promise<SqlFileRead[]> {
    return this.submit({ id: this.nextId++, kind: 'sql', files, context }) as Promise<SqlFileRead[]>;
  }

  readPython(files: readonly string[]): Promise<PythonFileRead[]> {
    return this.submit({ id: this.nextId++, kind: 'python', files }) as Promise<PythonFileRead[]>;
  }

  /** A whole dbt project, as discoverDbtProject reads it (its YAML is most of the work). */
  async readDbt(projectDir: string): Promise<DbtProjectRead> {
    const [read] = (await this.submit({ id: this.nextId++, kind: 'dbt', projectDir })) as DbtProjectRead[];
    if (!read) throw new Error('the discovery worker returned no dbt project');
    return read;
  }

  /** Starts every worker now, before any task: they boot while the caller prepares the tasks. */
  prestart(): void {
    const kinds: (DiscoveryKind | undefined)[] =
      this.size === 1 ? [undefined] : Array.from({ length: this.size }, (_, i) => (i % 2 === 0 ? 'python' : 'yaml'));
    for (const kind of kinds) {
      if (this.closed || this.spawned >= this.size) return;
      const worker = this.start(kind);
      if (worker) this.idle.push(worker);
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const w of this.waiting.splice(0)) w.done.reject(new Error('discovery pool closed'));
    const all = [...this.idle.splice(0), ...this.busy.keys()];
    await Promise.all(all.map((w) => w.terminate()));
  }

  private submit(task: DiscoveryTask): Promise<readonly unknown[]> {
    return new Promise((resolve, reject) => {
      if (this.closed) return reject(new Error('discovery pool closed'));
      this.waiting.push({ task, done: { resolve, reject } });
      this.pump();
    });
  }

  private pump(): void {
    for (let i = 0; i < this.waiting.length; ) {
      const job = this.waiting[i]!;
      const worker = this.workerFor(laneOf(job.task));
      if (!worker) {
        if (this.closed) return;
        i++;
        continue;
      }
      this.waiting.splice(i, 1);
      this.busy.set(worker, job);
      worker.postMessage(job.task);
    }
  }

  /** An idle worker for this kind, a new one, or one of the other kind when this kind waits long. */
  private workerFor(kind: DiscoveryKind): Worker | undefined {
    const own = this.idle.findIndex((w) => this.kinds.get(w) === kind || this.kinds.get(w) === undefined);
    if (own !== -1) return this.idle.splice(own, 1)[0];
    const share = this.size === 1 ? this.size : kind === 'python' ? Math.ceil(this.size / 2) : Math.floor(this.size / 2);
    const live = [...this.kinds.values()].filter((k) => k === kind).length;
    if (this.spawned < this.size && live < share) return this.start(this.size === 1 ? undefined : kind);
    if (this.idle.length === 0) return undefined;
    const queued = this.waiting.filter((j) => laneOf(j.task) === kind).length;
    // No worker of this kind is alive (one died) or its queue is long: an idle other one takes it.
    if (live === 0 || queued >= STEAL_ABOVE) {
      const other = this.idle.findIndex((w) => !this.waiting.some((j) => laneOf(j.task) === this.kinds.get(w)));
      if (other !== -1) return this.idle.splice(other, 1)[0];
      if (live === 0) return this.idle.shift();
    }
    return undefined;
  }

  private start(kind: DiscoveryKind | undefined): Worker | undefined {
    let worker: Worker;
    try {
      worker = this.spawn();
    } catch {
      if (this.spawned === 0) this.failAll(new Error('no discovery worker could start'));
      return undefined;
    }
    this.spawned++;
    this.kinds.set(worker, kind);
    worker.on('message', (reply: DiscoveryTaskReply) => {
      const job = this.busy.get(worker);
      this.busy.delete(worker);
      if (job) {
        if ('error' in reply) job.done.reject(new Error(reply.error));
        else job.done.resolve(reply.reads);
      }
      if (!this.closed) {
        this.idle.push(worker);
        this.pump();
      }
    });
    const lost = (err: Error) => {
      const job = this.busy.get(worker);
      this.busy.delete(worker);
      this.kinds.delete(worker);
      const i = this.idle.indexOf(worker);
      if (i !== -1) this.idle.splice(i, 1);
      job?.done.reject(err);
      // A dead worker is not replaced; when none is left, the callers read the rest themselves.
      if (this.busy.size === 0 && this.idle.length === 0) this.failAll(err);
      else this.pump();
    };
    worker.on('error', lost);
    worker.on('exit', (code) => {
      if (!this.closed) lost(new Error(`discovery worker exited (${code})`));
    });
    return worker;
  }

  private failAll(err: Error): void {
    this.closed = true;
    for (const w of this.waiting.splice(0)) w.done.reject(err);
  }
}

interface Job {
  readonly task: DiscoveryTask;
  readonly done: Callbacks;
}

interface Callbacks {
  resolve(reads: readonly unknown[]): void;
  reject(err: Error): void;
}

// A bundled worker needs no flags of the parent: inherited loaders (tsx's, under a benchmark)
// would hook and re-scan every module it loads.
const BUNDLED: WorkerOptions = { execArgv: [] };

export function defaultPoolSize(): number {
  return Math.max(1, Math.min(4, availableParallelism()));
}

/**
 * The bundled worker next to the bundle (dist/, or one or two folders above for the test
 * bundles); when running from TypeScript (tsx: tests, benches), the .ts entry loaded through
 * tsx's require hook — Node 20 workers do not take tsx's `--import` loader for their entry.
 */
function locateWorker(): { script: string; options: WorkerOptions } | undefined {
  if (typeof __dirname !== 'string') return undefined;
  for (let dir = __dirname, up = 0; up <= 2; up++, dir = dirname(dir)) {
    const js = join(dir, DISCOVERY_WORKER_FILE);
    if (existsSync(js)) return { script: js, options: BUNDLED };
  }
  const ts = join(__dirname, 'discoveryWorker.ts');
  if (!existsSync(ts)) return undefined;
  let tsx: string;
  try {
    tsx = require.resolve('tsx/cjs');
  } catch {
    return undefined;
  }
  return { script: `require(${JSON.stringify(tsx)}); require(${JSON.stringify(ts)});`, options: { eval: true } };
}

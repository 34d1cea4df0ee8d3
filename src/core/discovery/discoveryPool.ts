import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { dirname, join } from 'node:path';
import { Worker } from 'node:worker_threads';
import type { WorkerOptions } from 'node:worker_threads';
import type { PythonFileRead } from './python/pythonFileRead';

export interface DiscoveryTask {
  readonly id: number;
  readonly files: readonly string[];
}

export type DiscoveryTaskReply = { readonly id: number; readonly reads: PythonFileRead[] } | { readonly id: number; readonly error: string };

/** The bundled worker's file name, next to dist/extension.js and dist/cli.js. */
export const DISCOVERY_WORKER_FILE = 'discovery-worker.js';

/**
 * A few worker threads that parse Python files (tree-sitter) for a cold start, then are closed.
 * A task whose worker fails is rejected: the caller reads that chunk itself.
 *
 * Python alone: it is half of a cold start's work. SQL headers and dbt YAML are read by the calling
 * thread meanwhile: on the 2-core benchmark (npm run bench:discovery) a second kind of worker for
 * them cost ~0.6 s more CPU than it moved off that thread (each thread warms its own copy of the
 * code, and a dbt project's results cross back as a structured clone), so the start was slower.
 */
export class DiscoveryPool {
  private readonly idle: Worker[] = [];
  private readonly waiting: Job[] = [];
  private readonly busy = new Map<Worker, Job>();
  private nextId = 1;
  private spawned = 0;
  private closed = false;

  private constructor(
    private readonly spawn: () => Worker,
    /** How many workers it starts at most. */
    readonly size: number,
  ) {}

  /**
   * A pool of `size` workers (default: one per core beside the caller's, 1 to 4), or undefined when
   * no worker script is found. `workerFile`: a built worker to use instead of the one found (benchmarks).
   */
  static open(size = defaultPoolSize(), workerFile?: string): DiscoveryPool | undefined {
    const script = workerFile ? { script: workerFile, options: BUNDLED } : locateWorker();
    if (!script) return undefined;
    return new DiscoveryPool(() => new Worker(script.script, script.options), size);
  }

  readPython(files: readonly string[]): Promise<PythonFileRead[]> {
    return new Promise((resolve, reject) => {
      if (this.closed) return reject(new Error('discovery pool closed'));
      this.waiting.push({ task: { id: this.nextId++, files }, done: { resolve, reject } });
      this.pump();
    });
  }

  /** Starts every worker now, before any task: they boot while the caller prepares the tasks. */
  prestart(): void {
    while (!this.closed && this.spawned < this.size) {
      const worker = this.start();
      if (!worker) return;
      this.idle.push(worker);
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const w of this.waiting.splice(0)) w.done.reject(new Error('discovery pool closed'));
    const all = [...this.idle.splice(0), ...this.busy.keys()];
    await Promise.all(all.map((w) => w.terminate()));
  }

  private pump(): void {
    while (this.waiting.length > 0) {
      const worker = this.idle.shift() ?? (this.spawned < this.size ? this.start() : undefined);
      if (!worker) return;
      const job = this.waiting.shift()!;
      this.busy.set(worker, job);
      worker.postMessage(job.task);
    }
  }

  private start(): Worker | undefined {
    let worker: Worker;
    try {
      worker = this.spawn();
    } catch {
      if (this.spawned === 0) this.failAll(new Error('no discovery worker could start'));
      return undefined;
    }
    this.spawned++;
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
  readonly done: {
    resolve(reads: PythonFileRead[]): void;
    reject(err: Error): void;
  };
}

// A bundled worker needs no flags of the parent: inherited loaders (tsx's, under a benchmark)
// would hook and re-scan every module it loads.
const BUNDLED: WorkerOptions = { execArgv: [] };

/** One worker per core but the caller's, which reads the SQL and dbt files meanwhile. */
export function defaultPoolSize(): number {
  return Math.max(1, Math.min(4, availableParallelism() - 1));
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

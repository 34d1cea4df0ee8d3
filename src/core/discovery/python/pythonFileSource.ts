import { basename, dirname, sep } from 'node:path';
import type { FileDiscovery } from '../../asset';
import type { FileChange } from '../../graph/patchAssetGraph';
import type { Problem } from '../../problem';
import type { DiscoveryCache } from '../discoveryCache';
import { crashProblem } from '../../problem';
import { readPythonSourceFile } from './pythonFileRead';
import type { PythonFileRead } from './pythonFileRead';
import { DiscoveryPool } from '../discoveryPool';
import type { DiscoverySource, SourceFiles, SourceUpdate } from '../discoverySource';
import { PYPROJECT_FILE } from '../fileWalk';
import { fileContentHash } from '../fileStamp';
import { loadPythonWorkspaceReader } from '../pythonWorkspaceReader';
import type { PythonWorkspaceReader } from '../pythonWorkspaceReader';
import { readChunks } from '../readChunks';
import { inWalkOrder } from '../walkOrder';
import { clearDagsterModuleCache } from './dagsterModule';

/** Below this many Python files, starting workers costs more than it saves. */
export const WORKER_THRESHOLD = 200;

export interface PythonSourceOptions {
  /** Reads Dagster definitions; default (undefined): the tree-sitter reader, loaded now. `null` turns Python off. */
  readonly python?: PythonWorkspaceReader | null;
  /** Parse the Python files of a cold start in worker threads (from WORKER_THRESHOLD files on). */
  readonly workers: boolean;
  /** A built worker script to use instead of the one found beside this code. */
  readonly workerFile: string | undefined;
}

/** A full read of the Python files, begun before the workspace is walked. */
export interface PythonFullRead {
  /** For the walk: starts the workers once it has found enough Python files to need them. */
  readonly found: ((file: string) => void) | undefined;
  /**
   * Reads the walk's Python files (workers first; this thread helps once `helpAfter`, its own
   * work, settles) and returns how many it read. `pyprojects`: the walk's pyproject.toml files.
   */
  read(files: readonly string[], pyprojects: readonly string[], helpAfter: Promise<unknown>): Promise<number>;
}

/**
 * The workspace's Python files, read one by one (in worker threads on a cold start) and resolved
 * together into Dagster definitions. A save that keeps what a file exports resolves that file alone.
 */
export class PythonFileSource implements DiscoverySource {
  private reader: PythonWorkspaceReader | null;
  /** Why Dagster definitions are not read (the grammar did not load), said at the workspace. */
  private unavailable: Problem | undefined;
  /** The default reader while it loads (a full read walks and reads SQL meanwhile). */
  private readonly loading: Promise<void> | undefined;
  /** Workers may read Python only with the default reader (a given one lives in this thread). */
  private readonly inWorkers: boolean;
  /** Each file's own read, before the files are resolved together. */
  private readonly parsed = new Map<string, unknown>();
  /** Problems of files skipped before parsing (too big, binary…). */
  private readonly skipped = new Map<string, FileDiscovery>();
  private resolved = new Map<string, FileDiscovery>();
  /** True when `parsed` changed since `resolved` was made: resolved again when asked for. */
  private stale = false;
  /** The other files' reads while one file is saved again and again (see changeOf). */
  private others: { readonly file: string; readonly others: unknown[] } | undefined;

  constructor(
    root: string,
    /** Where a failure to resolve the files is reported (the project file). */
    private readonly crashFile: string,
    private readonly options: PythonSourceOptions,
  ) {
    this.reader = options.python ?? null;
    this.inWorkers = options.python === undefined;
    if (options.python === undefined) {
      this.loading = loadPythonWorkspaceReader().then((loaded) => {
        this.reader = loaded.reader ?? null;
        if (loaded.error) {
          this.unavailable = { file: root, line: 1, column: 1, severity: 'warning', code: 'python.unavailable', message: `Dagster definitions were not read: ${loaded.error}` };
        }
      });
    }
  }

  /** Why Python is not read, if it is not (a problem of the workspace). */
  get problem(): Problem | undefined {
    return this.unavailable;
  }

  /**
   * Forgets every read and opens the worker pool, before the walk: a pool starts no worker until
   * asked. Without cached reads (`cache` empty or none) the walk starts them as it goes once it has
   * found enough files: they boot (~0.1 s) while it walks on, instead of after it.
   */
  startFullRead(cache: DiscoveryCache | undefined): PythonFullRead {
    this.parsed.clear();
    this.skipped.clear();
    this.stale = true;
    // A full read reads every pyproject.toml again too.
    clearDagsterModuleCache();
    const pool = this.options.workers && this.inWorkers ? DiscoveryPool.open(undefined, this.options.workerFile) : undefined;
    let found = 0;
    return {
      found: pool && !(cache && !cache.empty) ? (file) => void (file.endsWith('.py') && ++found === WORKER_THRESHOLD && pool.prestart()) : undefined,
      read: (files, pyprojects, helpAfter) => this.readAll(files, pyprojects, pool, cache, helpAfter),
    };
  }

  private async readAll(files: readonly string[], pyprojects: readonly string[], pool: DiscoveryPool | undefined, cache: DiscoveryCache | undefined, helpAfter: Promise<unknown>): Promise<number> {
    // A Python read names the module of its pyproject.toml: one edited, added or removed since the
    // cache was written makes every cached Python read stale. By content: a fresh clone restamps it.
    const hashes = cache ? pyprojects.map((f) => [f, fileContentHash(f) ?? ''] as const) : [];
    const kept = new Map(cache?.checkedEntries('pyproject') as [string, string][] | undefined);
    const pyprojectsKept = kept.size === hashes.length && hashes.every(([f, hash]) => kept.get(f) === hash);
    for (const [f, hash] of hashes) cache?.setChecked('pyproject', f, hash);
    // With a cache the pool starts workers only for the files it lacks, when a task comes.
    const enough = files.length >= WORKER_THRESHOLD;
    if (pool && !enough) void pool.close();
    try {
      // Cached reads stand only for the default reader, once it has loaded (as it would read them).
      if (cache && this.loading) await this.loading;
      const pythonCache = this.inWorkers && this.reader ? cache : undefined;
      const toRead = pythonCache && pyprojectsKept ? files.filter((f) => !this.fromCache(pythonCache, f)) : files;
      await this.readFiles(toRead, enough ? pool : undefined, pythonCache, helpAfter);
      if (cache) {
        inWalkOrder(this.parsed, files);
        inWalkOrder(this.skipped, files);
      }
      // Resolved now rather than when the graph is built: on a cold start DuckDB is often still
      // parsing the last SQL bodies, which the graph waits for (~0.2 s on the 10,000-file bench).
      void pool?.close();
      if (this.stale) this.resolve();
      return this.reader ? toRead.length : 0;
    } finally {
      void pool?.close();
    }
  }

  /**
   * Re-reads saved .py files, and every file below a saved pyproject.toml (their Dagster module).
   * One re-read file that exports what it did patches the graph; more, or a file gone, rebuild it.
   */
  async applyChanges({ changed, deleted }: SourceFiles): Promise<SourceUpdate> {
    if (this.loading) await this.loading;
    if (!this.reader) return unchanged;
    const gone = new Set(deleted);
    const pyprojectDirs: string[] = [];
    const toRead: string[] = [];
    let removed = false;
    for (const file of [...changed, ...deleted]) {
      if (basename(file) === PYPROJECT_FILE) pyprojectDirs.push(dirname(file));
      else if (!gone.has(file)) toRead.push(file);
      else if (this.parsed.delete(file) || this.skipped.delete(file)) removed = true;
    }
    if (pyprojectDirs.length > 0) {
      clearDagsterModuleCache();
      const below = (f: string) => pyprojectDirs.some((dir) => f.startsWith(dir + sep));
      for (const f of new Set([...this.parsed.keys(), ...this.skipped.keys()])) {
        if (below(f) && !toRead.includes(f) && !gone.has(f)) toRead.push(f);
      }
    }
    const before = toRead.length === 1 ? this.parsed.get(toRead[0]!) : undefined;
    await this.readFiles(toRead);
    if (toRead.length === 0 && !removed) return unchanged;
    this.stale = true;
    const change = toRead.length === 1 && !removed ? this.changeOf(toRead[0]!, before) : undefined;
    if (!change) return 'rebuild';
    return {
      changes: [change],
      accepted: () => {
        this.resolved.set(change.after.file, change.after);
        this.stale = false;
      },
    };
  }

  discoveries(): Iterable<FileDiscovery> {
    if (this.stale) this.resolve();
    return [...this.resolved.values(), ...this.skipped.values()];
  }

  private fromCache(cache: DiscoveryCache, file: string): boolean {
    const hit = cache.lookup('python', file) as PythonFileRead | undefined;
    if (hit === undefined) return false;
    this.keep(hit);
    return true;
  }

  /**
   * With a pool, the workers get their tasks at once, while this thread's own grammar may still be
   * loading; it reads the chunks still waiting once `helpAfter` settles (its own work done).
   */
  private async readFiles(files: readonly string[], pool?: DiscoveryPool, cache?: DiscoveryCache, helpAfter?: Promise<unknown>): Promise<void> {
    const workers = pool && this.inWorkers ? { pool, helpAfter, ready: this.loading } : undefined;
    if (!workers && this.loading) await this.loading;
    if (files.some((f) => f !== this.others?.file)) this.others = undefined;
    const inThread = (file: string): PythonFileRead => {
      // The grammar did not load here, so the workers could not load it either.
      if (!this.reader) throw new Error('the Python grammar did not load');
      return readPythonSourceFile(this.reader, file);
    };
    let reads: PythonFileRead[];
    try {
      reads = await readChunks(files, workers, inThread);
    } catch (err) {
      if (this.reader) throw err;
      return;
    }
    // Without the grammar nothing is read (the source's problem says why), whatever a worker gave.
    if (this.loading) await this.loading;
    if (!this.reader) return;
    for (const r of reads) {
      if (!('missing' in r)) cache?.keep('python', r.file, r);
      this.keep(r);
    }
  }

  private keep(r: PythonFileRead): void {
    this.skipped.delete(r.file);
    if ('result' in r) {
      this.parsed.set(r.file, r.result);
    } else {
      this.parsed.delete(r.file);
      if ('skipped' in r) this.skipped.set(r.file, r.skipped);
    }
  }

  /** One re-read file resolved against the others, when it exports what it did before. */
  private changeOf(file: string, before: unknown): FileChange | undefined {
    const after = this.parsed.get(file);
    const resolvedBefore = this.resolved.get(file);
    if (!this.reader?.resolveOne || before === undefined || after === undefined || !resolvedBefore) return undefined;
    let others = this.others?.file === file ? this.others.others : undefined;
    if (!others) {
      others = [];
      for (const [f, d] of this.parsed) if (f !== file) others.push(d);
      this.others = { file, others };
    }
    try {
      const resolved = this.reader.resolveOne(before, after, others);
      return resolved ? { before: resolvedBefore, after: resolved } : undefined;
    } catch {
      return undefined;
    }
  }

  private resolve(): void {
    this.stale = false;
    this.others = undefined;
    if (!this.reader) {
      this.resolved = new Map();
      return;
    }
    const files = [...this.parsed.keys()].sort();
    try {
      const resolved = this.reader.resolve(files.map((f) => this.parsed.get(f)));
      this.resolved = new Map(resolved.map((d) => [d.file, d]));
    } catch (err) {
      const crash = { file: this.crashFile, assets: [], problems: [crashProblem(this.crashFile, 'python.internal', err)] };
      this.resolved = new Map([[crash.file, crash]]);
    }
  }
}

const unchanged: SourceUpdate = { changes: [], accepted: () => undefined };

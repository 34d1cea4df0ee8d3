import { basename, dirname, join, resolve, sep } from 'node:path';
import picomatch from 'picomatch';
import type { FileDiscovery } from '../asset';
import type { AssetGraph } from '../graph/assetGraph';
import { buildAssetGraph } from '../graph/buildAssetGraph';
import type { ResolvedAssetGraph } from '../graph/buildAssetGraph';
import { patchAssetGraph } from '../graph/patchAssetGraph';
import type { Problem } from '../problem';
import type { LoadedProject } from '../project/projectConfig';
import { BUILTIN_EXCLUDES, PROJECT_FILE_NAME } from '../project/projectConfig';
import { loadProjectFile } from '../project/projectFile';
import { dbtFilesPatchedBy, rereadDbtFiles } from './dbt/dbtIncremental';
import { discoverDbtProject } from './dbt/dbtProject';
import type { DbtProjectDiscovery } from './dbt/dbtProject';
import { DbtReadState } from './dbt/dbtReadState';
import type { DbtFileFacts, ParsedDbtSchemaFile } from './dbt/dbtReadState';
import { DiscoveryCache } from './discoveryCache';
import { fileStamp } from './fileStamp';
import type { CacheKind } from './discoveryCache';
import { crashProblem, readPythonSourceFile, readSqlSourceFile } from './discoveryFileReads';
import type { PythonFileRead } from './discoveryFileReads';
import { DiscoveryPool } from './discoveryPool';
import { PYPROJECT_FILE, excludeMatcher, toRelative, walkWorkspace } from './fileWalk';
import { clearDagsterModuleCache } from './python/dagsterModule';
import type { PathFilter } from './fileWalk';
import { completeSqlHeaders } from './sql/sqlAssetReader';
import type { SqlReadContext } from './sql/sqlHeaderRead';
import { loadPythonWorkspaceReader } from './pythonWorkspaceReader';
import type { PythonWorkspaceReader } from './pythonWorkspaceReader';

export interface WorkspaceIndexOptions {
  /** Reads Dagster definitions; default: the tree-sitter reader. `null` turns Python off. */
  readonly python?: PythonWorkspaceReader | null;
  /**
   * Parse the Python files of a cold start in worker threads (default true).
   * Workspaces under WORKER_THRESHOLD Python files are read in-thread anyway: a pool costs more than it saves.
   */
  readonly workers?: boolean;
  /** A built worker script (dist/discovery-worker.js) to use instead of the one found beside this code. */
  readonly workerFile?: string;
  /**
   * A file where a full read keeps what it read from each SQL and Python file, so that the next
   * one skips the files whose size and modification time did not change (e.g. in the extension's
   * storage folder). Default: no cache, every start is cold.
   */
  readonly cacheFile?: string;
  /** Read every file, as if the cache were empty, and write it anew (the editor's Rediscover). */
  readonly freshCache?: boolean;
}

/** Below this many Python files, starting workers costs more than it saves. */
export const WORKER_THRESHOLD = 200;

/** Files per worker task: small enough to balance the threads at the end, big enough to amortise messages. */
const TASK_FILES = 128;

/** Files read between two yields to the event loop, so a cold start never blocks it for long. */
const READ_SLICE = 256;

/**
 * Everything discovery knows about one workspace folder, kept so that a save
 * re-reads only the files that changed (the README's benchmark budgets) and rebuilds the graph.
 */
export class WorkspaceIndex {
  private project!: LoadedProject;
  private excluded!: PathFilter;
  /** Links leading out of the project, found by the last full walk. */
  private walkProblems: readonly Problem[] = [];
  private assetMatch: ((rel: string) => boolean) | undefined;
  private sqlContext!: SqlReadContext;
  private readonly sql = new Map<string, FileDiscovery>();
  private readonly python = new Map<string, unknown>();
  /** Problems of Python files skipped before parsing (too big, binary…). */
  private readonly pythonSkipped = new Map<string, FileDiscovery>();
  private pythonResolvedByFile = new Map<string, FileDiscovery>();
  /** The other Python files' results while one file is saved again and again (see resolveOne). */
  private pythonOthers: { readonly file: string; readonly others: unknown[] } | undefined;
  private readonly dbt = new Map<string, DbtProjectDiscovery>();
  /** What dbt discovery keeps between reads of this workspace's projects (texts, YAML parses). */
  private readonly dbtState = new DbtReadState();
  private current!: ResolvedAssetGraph;
  private queue: Promise<unknown> = Promise.resolve();
  /** The default Python reader while it loads (open() does not wait for it before walking). */
  private pythonLoading: Promise<void> | undefined;
  /** Size and modification time of each file as the last full read found them before reading (for the cache). */
  private readonly stamps = new Map<string, string | undefined>();
  private cacheSaved: Promise<boolean> | undefined;
  private cacheCounts: { readonly hits: number; readonly read: number } | undefined;

  private constructor(
    readonly root: string,
    private pythonReader: PythonWorkspaceReader | null,
    private pythonProblem: Problem | undefined,
    /** Workers may read Python only with the default reader (a given one lives in this thread). */
    private readonly pythonInWorkers: boolean,
    private readonly workers: boolean,
    private readonly workerFile: string | undefined,
    private readonly cacheFile: string | undefined,
    private readonly freshCache: boolean,
  ) {}

  /** Reads the whole workspace. Never throws: what cannot be read is a problem in the graph. */
  static async open(root: string, options: WorkspaceIndexOptions = {}): Promise<WorkspaceIndex> {
    const abs = resolve(root);
    const index = new WorkspaceIndex(abs, options.python ?? null, undefined, options.python === undefined, options.workers !== false, options.workerFile, options.cacheFile, options.freshCache === true);
    if (options.python === undefined) {
      // The grammar loads while the workspace is walked and the SQL read; readPython waits for it.
      index.pythonLoading = loadPythonWorkspaceReader().then((loaded) => {
        index.pythonReader = loaded.reader ?? null;
        if (loaded.error) {
          index.pythonProblem = {
            file: abs,
            line: 1,
            column: 1,
            severity: 'warning',
            code: 'python.unavailable',
            message: `Dagster definitions were not read: ${loaded.error}`,
          };
        }
      });
    }
    await index.reloadAll();
    return index;
  }

  get graph(): ResolvedAssetGraph {
    return this.current;
  }

  get loadedProject(): LoadedProject {
    return this.project;
  }

  /** Absolute path of the project file (whether it exists or not). */
  get projectFile(): string {
    return join(this.root, PROJECT_FILE_NAME);
  }

  /**
   * Re-reads the given files (absolute paths) and rebuilds the graph: only those
   * files, except that a change in a dbt project re-reads that project and a
   * change of the project file re-reads everything.
   */
  updateFiles(changed: readonly string[], deleted: readonly string[]): Promise<AssetGraph> {
    // One update at a time: each one patches the graph the previous one left.
    const run = this.queue.then(() => this.applyUpdate(changed, deleted));
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async applyUpdate(changed: readonly string[], deleted: readonly string[]): Promise<AssetGraph> {
    const all = [...changed, ...deleted].map((f) => resolve(f));
    if (all.some((f) => f === this.projectFile)) {
      await this.reloadAll();
      return this.current;
    }
    /** Folders whose pyproject.toml changed: the Python files below them name another module. */
    const pyprojectDirs: string[] = [];
    const dbtDirty = new Set<string>();
    /** Per dbt project, the files saved in it, unless it must be read anew (dbt_project.yml, a file added or deleted). */
    const dbtSaved = new Map<string, string[] | undefined>();
    const sqlToRead: string[] = [];
    const pyToRead: string[] = [];
    let pythonTouched = false;
    const gone = new Set(deleted.map((f) => resolve(f)));
    for (const file of all) {
      if (!this.isInside(file)) continue;
      const rel = toRelative(this.root, file);
      if (this.excludedFile(rel)) continue;
      if (basename(file) === PYPROJECT_FILE) {
        pyprojectDirs.push(dirname(file));
        continue;
      }
      if (basename(file) === 'dbt_project.yml') {
        const dir = dirname(file);
        if (gone.has(file)) this.dbt.delete(dir);
        dbtDirty.add(dir);
        dbtSaved.set(dir, undefined);
        continue;
      }
      const project = this.dbtProjectOf(file);
      if (project) {
        dbtDirty.add(project);
        const known = !gone.has(file) && this.dbt.get(project)?.source?.texts.has(file) === true;
        const saved = dbtSaved.has(project) ? dbtSaved.get(project) : [];
        dbtSaved.set(project, known && saved ? [...saved, file] : undefined);
        // A file that moved into a dbt project is no longer read as a plain SQL/Python file.
        if (this.sql.delete(file) || this.python.delete(file) || this.pythonSkipped.delete(file)) pythonTouched = true;
        continue;
      }
      if (file.endsWith('.sql')) {
        if (gone.has(file)) this.sql.delete(file);
        else sqlToRead.push(file);
      } else if (file.endsWith('.py') && this.pythonReader) {
        pythonTouched = true;
        if (gone.has(file)) {
          this.python.delete(file);
          this.pythonSkipped.delete(file);
        } else pyToRead.push(file);
      }
    }
    if (pyprojectDirs.length > 0 && this.pythonReader) {
      clearDagsterModuleCache();
      const below = (f: string) => pyprojectDirs.some((dir) => f.startsWith(dir + sep));
      for (const f of new Set([...this.python.keys(), ...this.pythonSkipped.keys()])) {
        if (below(f) && !pyToRead.includes(f) && !gone.has(f)) pyToRead.push(f);
      }
      pythonTouched = true;
    }
    // Saved files a dbt project already had: the project is re-read from the files kept, and the
    // graph can be patched like for a SQL file (for YAML, see dbtChangedFiles).
    const dbtPatchable = [...dbtDirty].every((dir) => dbtSaved.get(dir) !== undefined);
    const simple = dbtPatchable && gone.size === 0 && (pyToRead.length === 0 || (pyToRead.length === 1 && sqlToRead.length === 0 && dbtDirty.size === 0));
    const before = sqlToRead.map((f) => this.sql.get(f) ?? emptyDiscovery(f));
    const pyBefore = pyToRead.length === 1 ? this.python.get(pyToRead[0]!) : undefined;
    const dbtPrevious = new Map([...dbtDirty].map((dir) => [dir, this.dbt.get(dir)]));
    await Promise.all([
      this.readSql(sqlToRead),
      this.readPython(pyToRead),
      ...[...dbtDirty].map((dir) => this.updateDbt(dir, dbtSaved.get(dir))),
    ]);
    if (simple) {
      // A save that kept every file's keys and dependencies patches the graph instead of rebuilding it.
      const changes = sqlToRead
        .map((f, i) => ({ before: before[i]!, after: this.sql.get(f) ?? emptyDiscovery(f) }))
        .filter((c) => c.before !== c.after);
      let dbtMissing = false;
      const dbtChanged = new Map<string, ReadonlySet<string>>();
      for (const dir of dbtDirty) {
        const previous = dbtPrevious.get(dir);
        const next = this.dbt.get(dir);
        const files = previous && next ? dbtChangedFiles(previous, next, dbtSaved.get(dir) ?? []) : undefined;
        if (!files) {
          dbtMissing = true;
          break;
        }
        dbtChanged.set(dir, files);
        const beforeOf = new Map(previous!.discoveries.map((d) => [d.file, d]));
        for (const d of next!.discoveries) {
          if (!files.has(d.file)) continue;
          const was = beforeOf.get(d.file);
          if (was) changes.push({ before: was, after: d });
          else dbtMissing = true;
        }
      }
      const py = pyToRead.length === 1 ? this.pythonChange(pyToRead[0]!, pyBefore) : undefined;
      if (py) changes.push(py);
      const patched =
        (pyToRead.length === 1 && !py) || dbtMissing ? undefined : changes.length === 0 ? this.current : patchAssetGraph(this.current, changes);
      if (patched) {
        if (py) this.pythonResolvedByFile.set(py.after.file, py.after);
        // The graph keeps the discoveries of the project's other files: so does the index (they are
        // equal when the structure held), so that the next patch finds the objects the graph holds.
        for (const [dir, previous] of dbtPrevious) {
          const next = this.dbt.get(dir);
          if (!previous || !next) continue;
          const changed = dbtChanged.get(dir) ?? new Set();
          const kept = new Map(previous.discoveries.map((d) => [d.file, d]));
          this.dbt.set(dir, { ...next, discoveries: next.discoveries.map((d) => (changed.has(d.file) ? d : (kept.get(d.file) ?? d))) });
        }
        this.current = patched;
        return this.current;
      }
    }
    if (pythonTouched || pyToRead.length > 0) this.resolvePython();
    this.rebuild();
    return this.current;
  }

  /** All discoveries as the graph sees them, e.g. for tools that want per-file problems. */
  discoveries(): FileDiscovery[] {
    const out: FileDiscovery[] = [...this.sql.values(), ...this.pythonResolvedByFile.values(), ...this.pythonSkipped.values()];
    for (const p of this.dbt.values()) {
      out.push(...p.discoveries);
      if (p.problems.length > 0) out.push({ file: join(p.projectDir, 'dbt_project.yml'), assets: [], problems: p.problems });
    }
    for (const p of this.walkProblems) out.push({ file: p.file, assets: [], problems: [p] });
    const extra: Problem[] = [...this.project.problems];
    if (this.pythonProblem) extra.push(this.pythonProblem);
    if (extra.length > 0) out.push({ file: this.projectFile, assets: [], problems: extra });
    return out;
  }

  private async reloadAll(): Promise<void> {
    this.project = await loadProjectFile(this.root);
    const config = this.project.config;
    this.excluded = excludeMatcher([...BUILTIN_EXCLUDES, ...config.exclude]);
    const assetGlobs = config.assets ?? [];
    this.assetMatch = assetGlobs.length > 0 ? picomatch([...assetGlobs], { dot: true }) : undefined;
    this.sqlContext = {
      root: this.root,
      assetRoots: assetGlobs.map((g) => resolve(this.root, picomatch.scan(g).base || '.')),
    };
    this.sql.clear();
    this.python.clear();
    this.pythonSkipped.clear();
    this.dbt.clear();
    // A full read reads every pyproject.toml again too.
    clearDagsterModuleCache();

    this.stamps.clear();
    const cache = this.cacheFile
      ? this.freshCache
        ? DiscoveryCache.empty(this.cacheFile, this.cacheFingerprint())
        : DiscoveryCache.load(this.cacheFile, this.cacheFingerprint())
      : undefined;
    // Without cached reads, a walk that finds enough files to read starts the workers as it goes:
    // they boot (~0.1 s) while it walks on, instead of after it. A pool starts no worker until then.
    const pool = this.workers && this.pythonInWorkers ? DiscoveryPool.open(undefined, this.workerFile) : undefined;
    let pythonFound = 0;
    const prestart = pool && !(cache && !cache.empty) ? (file: string) => file.endsWith('.py') && ++pythonFound === WORKER_THRESHOLD && pool.prestart() : undefined;
    const walked = await walkWorkspace(this.root, this.excluded, prestart);
    this.walkProblems = walked.problems;
    for (const dir of walked.dbtProjects) this.dbt.set(dir, { projectDir: dir, projectName: basename(dir), discoveries: [], files: [], problems: [] });
    const sqlFiles: string[] = [];
    const pyFiles: string[] = [];
    for (const f of walked.files) {
      if (this.dbtProjectOf(f)) continue;
      if (f.endsWith('.sql')) sqlFiles.push(f);
      else if (f.endsWith('.py')) pyFiles.push(f);
    }
    // A first start (nothing cached) stats nothing before reading: the cache stamps its reads when saved.
    const uncached = (kind: CacheKind, files: readonly string[]) => (cache && !cache.empty ? files.filter((f) => !this.fromCache(cache, kind, f)) : files);
    const sqlToRead = uncached('sql', this.sqlCandidates(sqlFiles));
    // A Python read names the module of its pyproject.toml: one edited, added or removed since the
    // cache was written makes every cached Python read stale.
    const pyprojects = walked.pyprojects.map((f) => [f, fileStamp(f) ?? ''] as const);
    const kept = new Map(cache?.checkedEntries('pyproject') as [string, string][] | undefined);
    const pyprojectsKept = kept.size === pyprojects.length && pyprojects.every(([f, stamp]) => kept.get(f) === stamp);
    for (const [f, stamp] of pyprojects) cache?.setChecked('pyproject', f, stamp);
    const dbtParses = (cache?.checkedEntries('dbtYaml') ?? []) as [string, ParsedDbtSchemaFile][];
    this.dbtState.rememberSchemaFiles(dbtParses);
    this.dbtState.rememberFileFacts((cache?.checkedEntries('dbtFacts') ?? []) as [string, DbtFileFacts][]);
    // With a cache the pool starts workers only for the files it lacks, when a task comes.
    const enough = pyFiles.length >= WORKER_THRESHOLD;
    if (pool && !enough) void pool.close();
    const readers = enough ? pool : undefined;
    // Cached Python reads stand only for the default reader, once it has loaded (as it would read
    // them); the SQL headers do not wait for it.
    let filesRead = sqlToRead.length;
    const readPython = async (helpAfter: Promise<unknown>): Promise<void> => {
      if (cache && this.pythonLoading) await this.pythonLoading;
      const pythonCache = this.pythonInWorkers && this.pythonReader ? cache : undefined;
      const toRead = pythonCache && pyprojectsKept ? uncached('python', pyFiles) : pyFiles;
      await this.readPython(toRead, readers, pythonCache, helpAfter);
      if (this.pythonReader) filesRead += toRead.length;
    };
    try {
      // Python goes to the workers first; this thread reads the SQL headers (DuckDB parses them as
      // they come) and the dbt projects meanwhile, in slices that yield to its event loop.
      const ownWork = Promise.all([this.readSql(sqlToRead, cache), ...walked.dbtProjects.map((d) => this.readDbt(d))]);
      await Promise.all([readPython(ownWork), ownWork]);
    } finally {
      void pool?.close();
    }
    if (cache) {
      // Cache hits went in first: keep the walk's order, as a start without the cache has it.
      reorder(this.sql, sqlFiles);
      reorder(this.python, pyFiles);
      reorder(this.pythonSkipped, pyFiles);
      this.stamps.clear();
      for (const dir of walked.dbtProjects) {
        const read = new Set(this.dbt.get(dir)?.files);
        for (const [file, parsed] of this.dbtState.parsedSchemaFiles(dir)) if (read.has(file)) cache.setChecked('dbtYaml', file, parsed);
        for (const [file, facts] of this.dbtState.fileFactsUnder(dir)) if (read.has(file)) cache.setChecked('dbtFacts', file, facts);
      }
    }
    this.resolvePython();
    this.rebuild();
    this.cacheCounts = cache ? { hits: cache.hits, read: filesRead } : undefined;
    // Written after the graph is there: the start does not wait for it.
    if (cache) this.cacheSaved = new Promise((done) => setImmediate(() => done(cache.save())));
  }

  /** How many SQL and Python files the last full read took from the discovery cache, and how many it read; undefined without a cache. */
  get cacheUse(): { readonly hits: number; readonly read: number } | undefined {
    return this.cacheCounts;
  }

  /** Resolves when the discovery cache of the last full read is written (true), or could not be (false). */
  flushCache(): Promise<boolean> {
    return this.cacheSaved ?? Promise.resolve(false);
  }

  /** What cached reads depend on besides each file: the reading code and the SQL asset roots. */
  private cacheFingerprint(): string {
    const code = [typeof __filename === 'string' ? __filename : '', this.workerFile ?? ''].map((f) => `${f}@${f ? fileStamp(f) : ''}`);
    return JSON.stringify({ code, node: process.versions.node, context: this.sqlContext });
  }

  /** Takes a file's earlier read from the cache when it has not changed since; false when it must be read. */
  private fromCache(cache: DiscoveryCache, kind: CacheKind, file: string): boolean {
    const stamp = fileStamp(file);
    this.stamps.set(file, stamp);
    const hit = cache.get(kind, file, stamp);
    if (hit === undefined) return false;
    if (kind === 'python') this.keepPythonRead(hit as PythonFileRead);
    else if ((hit as FileDiscovery).assets.length > 0 || (hit as FileDiscovery).problems.length > 0) this.sql.set(file, hit as FileDiscovery);
    return true;
  }

  private sqlCandidates(files: readonly string[]): readonly string[] {
    const match = this.assetMatch;
    return match ? files.filter((f) => match(toRelative(this.root, f))) : files;
  }

  private async readSql(files: readonly string[], cache?: DiscoveryCache): Promise<void> {
    const match = this.assetMatch;
    const candidates = this.sqlCandidates(files);
    if (match) for (const f of files) if (!match(toRelative(this.root, f))) this.sql.delete(f);
    const context = this.sqlContext;
    // DuckDB parses each chunk as it arrives, one batch at a time (its connections are shared).
    let parsing: Promise<void> = Promise.resolve();
    const reads = await readChunks(candidates, undefined, (file) => readSqlSourceFile(file, context), (chunkReads) => {
      const headers = chunkReads.flatMap((r) => ('read' in r && 'header' in r.read ? [r.read] : []));
      if (headers.length > 0) parsing = parsing.then(() => completeSqlHeaders(headers));
    });
    await parsing;
    for (const r of reads) {
      if ('missing' in r) {
        this.sql.delete(r.file);
        continue;
      }
      const d = 'header' in r.read ? r.read.discovery : r.read;
      cache?.set('sql', r.file, this.stamps.get(r.file), d);
      if (d.assets.length > 0 || d.problems.length > 0) this.sql.set(r.file, d);
      else this.sql.delete(r.file);
    }
  }

  /** With a pool, this thread also reads the chunks still waiting once `helpAfter` settles (its own work done). */
  private async readPython(files: readonly string[], pool?: DiscoveryPool, cache?: DiscoveryCache, helpAfter?: Promise<unknown>): Promise<void> {
    if (this.pythonLoading) await this.pythonLoading;
    const reader = this.pythonReader;
    if (!reader) return;
    if (files.some((f) => f !== this.pythonOthers?.file)) this.pythonOthers = undefined;
    const workers = pool && this.pythonInWorkers ? { pool, helpAfter } : undefined;
    const reads = await readChunks(files, workers, (file) => readPythonSourceFile(reader, file));
    for (const r of reads) {
      if (!('missing' in r)) cache?.set('python', r.file, this.stamps.get(r.file), r);
      this.keepPythonRead(r);
    }
  }

  private keepPythonRead(r: PythonFileRead): void {
    this.pythonSkipped.delete(r.file);
    if ('result' in r) {
      this.python.set(r.file, r.result);
    } else {
      this.python.delete(r.file);
      if ('skipped' in r) this.pythonSkipped.set(r.file, r.skipped);
    }
  }

  /** One re-read Python file resolved against the others, when it exports what it did before. */
  private pythonChange(file: string, before: unknown): { before: FileDiscovery; after: FileDiscovery } | undefined {
    const after = this.python.get(file);
    const resolvedBefore = this.pythonResolvedByFile.get(file);
    if (!this.pythonReader?.resolveOne || before === undefined || after === undefined || !resolvedBefore) return undefined;
    let others = this.pythonOthers?.file === file ? this.pythonOthers.others : undefined;
    if (!others) {
      others = [];
      for (const [f, d] of this.python) if (f !== file) others.push(d);
      this.pythonOthers = { file, others };
    }
    try {
      const resolved = this.pythonReader.resolveOne(before, after, others);
      return resolved ? { before: resolvedBefore, after: resolved } : undefined;
    } catch {
      return undefined;
    }
  }

  private resolvePython(): void {
    this.pythonOthers = undefined;
    if (!this.pythonReader) {
      this.pythonResolvedByFile = new Map();
      return;
    }
    const files = [...this.python.keys()].sort();
    try {
      const resolved = this.pythonReader.resolve(files.map((f) => this.python.get(f)));
      this.pythonResolvedByFile = new Map(resolved.map((d) => [d.file, d]));
    } catch (err) {
      const crash = { file: this.projectFile, assets: [], problems: [crashProblem(this.projectFile, 'python.internal', err)] };
      this.pythonResolvedByFile = new Map([[crash.file, crash]]);
    }
  }

  /** Re-reads the saved files of a dbt project alone when it can, else the whole project. */
  private async updateDbt(dir: string, saved: readonly string[] | undefined): Promise<void> {
    const previous = this.dbt.get(dir);
    if (saved && previous) {
      try {
        const next = rereadDbtFiles(previous, saved, this.dbtState);
        if (next) {
          this.dbt.set(dir, next);
          return;
        }
      } catch {
        // read it all below
      }
    }
    await this.readDbt(dir);
  }

  private async readDbt(dir: string): Promise<void> {
    try {
      this.dbt.set(dir, await discoverDbtProject(dir, this.dbtState));
    } catch (err) {
      const file = join(dir, 'dbt_project.yml');
      this.dbt.set(dir, { projectDir: dir, projectName: basename(dir), discoveries: [], files: [file], problems: [crashProblem(file, 'dbt.internal', err)] });
    }
  }

  private rebuild(): void {
    this.current = buildAssetGraph(this.root, this.discoveries());
  }

  /** A file the walk would not have reached: excluded itself or inside an excluded folder. */
  private excludedFile(rel: string): boolean {
    if (this.excluded(rel)) return true;
    for (let i = rel.indexOf('/'); i !== -1; i = rel.indexOf('/', i + 1)) if (this.excluded(rel.slice(0, i), true)) return true;
    return false;
  }

  /** The innermost dbt project holding `file`, if any. */
  private dbtProjectOf(file: string): string | undefined {
    let best: string | undefined;
    for (const dir of this.dbt.keys()) {
      if (file.startsWith(dir + sep) && (!best || dir.length > best.length)) best = dir;
    }
    return best;
  }

  private isInside(file: string): boolean {
    return file.startsWith(this.root + sep);
  }
}

/** One-shot discovery of a workspace folder. */
export async function discoverWorkspace(root: string, options: WorkspaceIndexOptions = {}): Promise<ResolvedAssetGraph> {
  return (await WorkspaceIndex.open(root, options)).graph;
}

/**
 * Reads files in chunks, in this thread with a yield to the event loop between slices; with
 * workers, each worker takes the next waiting chunk as it finishes one, and so does this thread
 * once `helpAfter` settles (on a quiet 2-core machine it would otherwise wait ~1 s for the last
 * Python chunks), so that all end together. A chunk whose worker fails is read here. Results come
 * back in the order of `files`, whichever way they were read.
 */
async function readChunks<R>(
  files: readonly string[],
  workers: { readonly pool: { readonly size: number; readPython(chunk: readonly string[]): Promise<R[]> }; readonly helpAfter?: Promise<unknown> } | undefined,
  inThread: (file: string) => R,
  onChunk?: (reads: readonly R[]) => void,
): Promise<R[]> {
  const size = workers ? TASK_FILES : READ_SLICE;
  const chunks: (readonly string[])[] = [];
  for (let i = 0; i < files.length; i += size) chunks.push(files.slice(i, i + size));
  const readHere = async (chunk: readonly string[], first: boolean): Promise<R[]> => {
    if (!first) await new Promise<void>((r) => setImmediate(r));
    return chunk.map(inThread);
  };
  const out: R[][] = [];
  if (!workers) {
    for (const chunk of chunks) {
      const reads = await readHere(chunk, out.length === 0);
      onChunk?.(reads);
      out.push(reads);
    }
    return out.flat();
  }
  let next = 0;
  const take = async (read: (chunk: readonly string[]) => Promise<R[]>): Promise<void> => {
    for (let i = next++; i < chunks.length; i = next++) {
      out[i] = await read(chunks[i]!);
      onChunk?.(out[i]!);
    }
  };
  const inWorker = (chunk: readonly string[]) => workers.pool.readPython(chunk).catch(() => readHere(chunk, false));
  const here = async (): Promise<void> => {
    await workers.helpAfter?.catch(() => undefined);
    await take((chunk) => readHere(chunk, false));
  };
  await Promise.all([...Array.from({ length: workers.pool.size }, () => take(inWorker)), ...(workers.helpAfter ? [here()] : [])]);
  return out.flat();
}

/**
 * The files of a dbt project whose discoveries a save of `saved` (files the project had) can
 * have changed, or undefined when the graph must be built anew. A model, snapshot, seed or test
 * file changes its own discovery alone. A properties YAML file also changes the nodes it patches
 * (before or after the save), unless it changed a node's key or enabled state, which reaches
 * every file that refers to that node; and a YAML file with sources is built anew (a source folds
 * into the asset that feeds it, in another file).
 */
function dbtChangedFiles(previous: DbtProjectDiscovery, next: DbtProjectDiscovery, saved: readonly string[]): ReadonlySet<string> | undefined {
  const yaml = saved.filter((f) => /\.ya?ml$/i.test(f));
  if (yaml.length === 0) return new Set(saved);
  const patched = dbtFilesPatchedBy(previous, next, yaml);
  if (!patched) return undefined;
  const yamlSet = new Set(yaml);
  for (const project of [previous, next]) for (const d of project.discoveries) if (d.assets.length > 0 && yamlSet.has(d.file)) return undefined;
  return new Set([...saved, ...patched]);
}

/** Puts the entries of `map` in the order of `keys` (keys not in the map are skipped). */
function reorder<V>(map: Map<string, V>, keys: readonly string[]): void {
  const entries: [string, V][] = [];
  for (const k of keys) if (map.has(k)) entries.push([k, map.get(k)!]);
  map.clear();
  for (const [k, v] of entries) map.set(k, v);
}

function emptyDiscovery(file: string): FileDiscovery {
  return { file, assets: [], problems: [] };
}

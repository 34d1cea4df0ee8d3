import { basename, dirname, join, resolve, sep } from 'node:path';
import type { FileDiscovery } from '../asset';
import type { AssetGraph } from '../graph/assetGraph';
import { buildAssetGraph } from '../graph/buildAssetGraph';
import type { ResolvedAssetGraph } from '../graph/buildAssetGraph';
import { patchAssetGraph } from '../graph/patchAssetGraph';
import type { Problem } from '../problem';
import type { LoadedProject } from '../project/projectConfig';
import { BUILTIN_EXCLUDES, PROJECT_FILE_NAME } from '../project/projectConfig';
import { loadProjectFile } from '../project/projectFile';
import { DBT_PROJECT_FILE } from './dbt/dbtProjectFile';
import { DbtProjectsSource } from './dbt/dbtProjectsSource';
import { DiscoveryCache } from './discoveryCache';
import type { DiscoverySource, SourceFiles } from './discoverySource';
import { fileContentHash } from './fileStamp';
import { PYPROJECT_FILE, excludeMatcher, toRelative, walkWorkspace } from './fileWalk';
import type { PathFilter } from './fileWalk';
import { PythonFileSource } from './python/pythonFileSource';
import { SqlFileSource } from './sql/sqlFileSource';
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

/**
 * Everything discovery knows about one workspace folder, kept so that a save re-reads only the
 * files that changed (the README's benchmark budgets). Three sources read the files — plain SQL,
 * Python (Dagster), dbt projects — each behind one interface (discoverySource.ts); the index walks
 * the workspace, routes each changed file to the source that reads it, runs one update at a time,
 * and patches the graph with what the sources changed, or builds it anew when one of them says so.
 */
export class WorkspaceIndex {
  private project!: LoadedProject;
  private excluded!: PathFilter;
  /** Links leading out of the project, found by the last full walk. */
  private walkProblems: readonly Problem[] = [];
  private sql!: SqlFileSource;
  private readonly python: PythonFileSource;
  private readonly dbt = new DbtProjectsSource();
  private current!: ResolvedAssetGraph;
  private queue: Promise<unknown> = Promise.resolve();
  private cacheSaved: Promise<boolean> | undefined;
  private cacheCounts: { readonly hits: number; readonly read: number } | undefined;

  private constructor(
    readonly root: string,
    private readonly options: WorkspaceIndexOptions,
  ) {
    this.python = new PythonFileSource(root, this.projectFile, { python: options.python, workers: options.workers !== false, workerFile: options.workerFile });
  }

  /** Reads the whole workspace. Never throws: what cannot be read is a problem in the graph. */
  static async open(root: string, options: WorkspaceIndexOptions = {}): Promise<WorkspaceIndex> {
    // The Python grammar loads while the workspace is walked and the SQL read (see PythonFileSource).
    const index = new WorkspaceIndex(resolve(root), options);
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
    if ([...changed, ...deleted].some((f) => resolve(f) === this.projectFile)) {
      await this.reloadAll();
      return this.current;
    }
    const gone = new Set(deleted.map((f) => resolve(f)));
    // What the walk would not reach (outside, excluded — `dbt deps` writing dbt_packages/) is no one's.
    const all = [...changed, ...deleted].map((f) => resolve(f)).filter((f) => this.isInside(f) && !this.excludedFile(toRelative(this.root, f)));
    // A dbt project appearing or going away changes which source reads its folder's files.
    if (all.some((f) => basename(f) === DBT_PROJECT_FILE && gone.has(f) === this.dbt.hasProject(dirname(f)))) {
      await this.reloadAll();
      return this.current;
    }
    const files = new Map<DiscoverySource, { changed: string[]; deleted: string[] }>();
    const give = (source: DiscoverySource, file: string, isGone: boolean) => {
      const mine = files.get(source) ?? { changed: [], deleted: [] };
      (isGone ? mine.deleted : mine.changed).push(file);
      files.set(source, mine);
    };
    for (const file of all) {
      const source = this.sourceOf(file);
      if (!source) continue;
      give(source, file, gone.has(file));
      // A file that moved into a dbt project is no longer read as a plain SQL/Python file.
      const plain = source === this.dbt ? this.plainSourceOf(file) : undefined;
      if (plain) give(plain, file, true);
    }
    const given = [this.sql, this.dbt, this.python].flatMap((source) => {
      const mine: SourceFiles | undefined = files.get(source);
      return mine ? [source.applyChanges(mine)] : [];
    });
    const updates = await Promise.all(given);
    const patches = updates.flatMap((u) => (u === 'rebuild' ? [] : [u]));
    if (patches.length === updates.length) {
      // A save that kept every file's keys and dependencies patches the graph instead of rebuilding it.
      const changes = patches.flatMap((p) => p.changes);
      const patched = changes.length === 0 ? this.current : patchAssetGraph(this.current, changes);
      if (patched) {
        for (const p of patches) p.accepted();
        this.current = patched;
        return this.current;
      }
    }
    this.rebuild();
    return this.current;
  }

  /** All discoveries as the graph sees them, e.g. for tools that want per-file problems. */
  discoveries(): FileDiscovery[] {
    const out: FileDiscovery[] = [...this.sql.discoveries(), ...this.python.discoveries(), ...this.dbt.discoveries()];
    for (const p of this.walkProblems) out.push({ file: p.file, assets: [], problems: [p] });
    const extra: Problem[] = [...this.project.problems];
    if (this.python.problem) extra.push(this.python.problem);
    if (extra.length > 0) out.push({ file: this.projectFile, assets: [], problems: extra });
    return out;
  }

  private async reloadAll(): Promise<void> {
    this.project = await loadProjectFile(this.root);
    const config = this.project.config;
    this.excluded = excludeMatcher([...BUILTIN_EXCLUDES, ...config.exclude]);
    this.sql = new SqlFileSource(this.root, config.assets ?? []);
    const cacheFile = this.options.cacheFile;
    const cache = cacheFile
      ? this.options.freshCache === true
        ? DiscoveryCache.empty(cacheFile, this.cacheFingerprint())
        : DiscoveryCache.load(cacheFile, this.cacheFingerprint())
      : undefined;
    const python = this.python.startFullRead(cache);
    const walked = await walkWorkspace(this.root, this.excluded, python.found);
    this.walkProblems = walked.problems;
    this.dbt.reset(walked.dbtProjects);
    const sqlFiles: string[] = [];
    const pyFiles: string[] = [];
    for (const f of walked.files) {
      if (this.dbt.claims(f)) continue;
      if (f.endsWith('.sql')) sqlFiles.push(f);
      else if (f.endsWith('.py')) pyFiles.push(f);
    }
    // Python goes to the workers first, before this thread starts on its own files: the SQL headers
    // (DuckDB parses them as they come) and the dbt projects, in slices that yield to its event loop.
    // It helps the workers once it has read them: DuckDB parses the last SQL bodies on its own thread
    // meanwhile (waiting for them left this thread idle ~0.4 s of a cold start).
    let ownFilesRead!: (read: Promise<unknown>) => void;
    const pythonRead = python.read(pyFiles, walked.pyprojects, new Promise((resolve) => (ownFilesRead = resolve)));
    const sql = this.sql.readAll(sqlFiles, cache);
    const dbtWork = this.dbt.readAll(cache);
    ownFilesRead(Promise.allSettled([sql.read, dbtWork]));
    const [pythonReadCount, sqlRead] = await Promise.all([pythonRead, sql.done, dbtWork]);
    this.rebuild();
    this.cacheCounts = cache ? { hits: cache.hits, read: sqlRead + pythonReadCount } : undefined;
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

  /**
   * What cached reads depend on besides each file: the reading code (by content, so that a build of
   * the same code in a fresh clone keeps the cache) and the SQL asset roots.
   */
  private cacheFingerprint(): string {
    const code = [typeof __filename === 'string' ? __filename : '', this.options.workerFile ?? ''].map((f) => (f ? fileContentHash(f) ?? f : ''));
    return JSON.stringify({ code, node: process.versions.node, context: this.sql.context });
  }

  private rebuild(): void {
    this.current = buildAssetGraph(this.root, this.discoveries());
  }

  /**
   * The source that reads `file`. A pyproject.toml names the Dagster module of the Python files
   * below it, in a dbt project too; any other file inside a dbt project is the project's.
   */
  private sourceOf(file: string): DiscoverySource | undefined {
    if (basename(file) === PYPROJECT_FILE) return this.python;
    if (this.dbt.claims(file)) return this.dbt;
    return this.plainSourceOf(file);
  }

  /** The source that reads `file` when it is not in a dbt project. */
  private plainSourceOf(file: string): DiscoverySource | undefined {
    if (file.endsWith('.sql')) return this.sql;
    if (file.endsWith('.py')) return this.python;
    return undefined;
  }

  /** A file the walk would not have reached: excluded itself or inside an excluded folder. */
  private excludedFile(rel: string): boolean {
    if (this.excluded(rel)) return true;
    for (let i = rel.indexOf('/'); i !== -1; i = rel.indexOf('/', i + 1)) if (this.excluded(rel.slice(0, i), true)) return true;
    return false;
  }

  private isInside(file: string): boolean {
    return file.startsWith(this.root + sep);
  }
}

/** One-shot discovery of a workspace folder. */
export async function discoverWorkspace(root: string, options: WorkspaceIndexOptions = {}): Promise<ResolvedAssetGraph> {
  return (await WorkspaceIndex.open(root, options)).graph;
}

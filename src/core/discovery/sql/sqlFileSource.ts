import { resolve } from 'node:path';
import picomatch from 'picomatch';
import type { FileDiscovery } from '../../asset';
import type { FileChange } from '../../graph/patchAssetGraph';
import type { DiscoveryCache } from '../discoveryCache';
import { readSqlSourceFile } from './sqlFileRead';
import type { DiscoverySource, SourceFiles, SourceUpdate } from '../discoverySource';
import { toRelative } from '../fileWalk';
import { readChunks } from '../readChunks';
import { inWalkOrder } from '../walkOrder';
import { completeSqlHeaders } from './sqlAssetReader';
import type { SqlReadContext } from './sqlHeaderRead';

/** The workspace's plain .sql files (outside dbt projects): one discovery per file with an `@asset` header or a problem. */
export class SqlFileSource implements DiscoverySource {
  private readonly read = new Map<string, FileDiscovery>();
  /** Only files matching the project's `assets` globs are assets (none: every file). */
  private readonly assetMatch: ((rel: string) => boolean) | undefined;
  /** Where default asset names come from: also what the discovery cache's SQL reads depend on. */
  readonly context: SqlReadContext;

  constructor(private readonly root: string, assetGlobs: readonly string[]) {
    this.assetMatch = assetGlobs.length > 0 ? picomatch([...assetGlobs], { dot: true }) : undefined;
    this.context = { root, assetRoots: assetGlobs.map((g) => resolve(root, picomatch.scan(g).base || '.')) };
  }

  /**
   * Reads the .sql files of a full walk, taking unchanged ones from `cache`. `read` settles once this
   * thread has read them all, while DuckDB may still be parsing them; `done`, once every file is
   * complete, with how many were read.
   */
  readAll(files: readonly string[], cache?: DiscoveryCache): { readonly read: Promise<void>; readonly done: Promise<number> } {
    const candidates = this.candidates(files);
    const toRead = cache ? candidates.filter((f) => !this.fromCache(cache, f)) : candidates;
    const reading = this.readFiles(toRead, cache);
    return {
      read: reading.read,
      done: reading.done.then(() => {
        if (cache) inWalkOrder(this.read, files);
        return toRead.length;
      }),
    };
  }

  /** A save patches its files' discoveries in; a file it read that is gone changes the graph's nodes: rebuild. */
  async applyChanges({ changed, deleted }: SourceFiles): Promise<SourceUpdate> {
    let removed = false;
    for (const file of deleted) if (this.read.delete(file)) removed = true;
    const before = changed.map((f) => this.read.get(f) ?? emptyDiscovery(f));
    const candidates = this.candidates(changed);
    // A file the `assets` globs no longer take is no asset any more.
    if (candidates.length < changed.length) for (const f of changed) if (!candidates.includes(f)) this.read.delete(f);
    await this.readFiles(candidates).done;
    if (removed) return 'rebuild';
    const changes: FileChange[] = changed
      .map((f, i) => ({ before: before[i]!, after: this.read.get(f) ?? emptyDiscovery(f) }))
      .filter((c) => c.before !== c.after);
    return { changes, accepted: () => undefined };
  }

  discoveries(): Iterable<FileDiscovery> {
    return this.read.values();
  }

  private candidates(files: readonly string[]): readonly string[] {
    const match = this.assetMatch;
    return match ? files.filter((f) => match(toRelative(this.root, f))) : files;
  }

  private fromCache(cache: DiscoveryCache, file: string): boolean {
    const hit = cache.lookup('sql', file) as FileDiscovery | undefined;
    if (hit === undefined) return false;
    if (hit.assets.length > 0 || hit.problems.length > 0) this.read.set(file, hit);
    return true;
  }

  /** Reads asset candidates: `read` settles once this thread has read them, `done` once DuckDB's parse has completed them. */
  private readFiles(files: readonly string[], cache?: DiscoveryCache): { readonly read: Promise<void>; readonly done: Promise<void> } {
    const context = this.context;
    // DuckDB parses each chunk as it arrives, one batch at a time (its connections are shared).
    let parsing: Promise<void> = Promise.resolve();
    const reads = readChunks(files, undefined, (file) => readSqlSourceFile(file, context), (chunkReads) => {
      const headers = chunkReads.flatMap((r) => ('read' in r && 'header' in r.read ? [r.read] : []));
      if (headers.length > 0) parsing = parsing.then(() => completeSqlHeaders(headers));
    });
    const done = reads.then(async (read) => {
      await parsing;
      for (const r of read) {
        if ('missing' in r) {
          this.read.delete(r.file);
          continue;
        }
        const d = 'header' in r.read ? r.read.discovery : r.read;
        cache?.keep('sql', r.file, d);
        if (d.assets.length > 0 || d.problems.length > 0) this.read.set(r.file, d);
        else this.read.delete(r.file);
      }
    });
    // Settles either way: a failure is `done`'s to report.
    return { read: reads.then(() => undefined, () => undefined), done };
  }
}

function emptyDiscovery(file: string): FileDiscovery {
  return { file, assets: [], problems: [] };
}

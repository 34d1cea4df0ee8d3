import type { FileDiscovery } from '../asset';
import type { FileChange } from '../graph/patchAssetGraph';

/** The files of one update that a source is given: absolute, inside the workspace, not excluded. */
export interface SourceFiles {
  readonly changed: readonly string[];
  /** Deleted, or now read by another source (a file that is inside a dbt project is no plain SQL or Python file). */
  readonly deleted: readonly string[];
}

/**
 * What a source says after re-reading the files of an update. A patch: the discoveries those files
 * had and have now, for the graph to patch in; `accepted` is called when the graph took them. A
 * rebuild: what changed reaches further than those files; the graph is built anew from every
 * source's discoveries().
 */
export type SourceUpdate = { readonly changes: readonly FileChange[]; accepted(): void } | 'rebuild';

/** One kind of file the workspace index reads (plain SQL, Python/Dagster, dbt projects), with what it read. */
export interface DiscoverySource {
  applyChanges(files: SourceFiles): Promise<SourceUpdate>;
  /** One discovery per file read, as the graph takes them. */
  discoveries(): Iterable<FileDiscovery>;
}

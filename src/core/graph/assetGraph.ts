import type { AssetDefinition, CheckDefinition, DependencyRef } from '../asset';
import type { Problem, SourceLocation } from '../problem';

export interface AssetEdge {
  /** Upstream key string. */
  readonly from: string;
  /** Downstream key string. */
  readonly to: string;
  /** Resolved by the last key part rather than the exact key (docs/asset-graph.md). */
  readonly inferred: boolean;
  /** The reference that made this edge. */
  readonly ref?: DependencyRef;
}

/** A node of the graph: a defined asset, or an external source seen only as a dependency. */
export interface AssetNode {
  /** Key string (`raw/taxi_trips`). */
  readonly id: string;
  readonly definition: AssetDefinition;
  /** Built-in checks plus `@asset_check`s and dbt tests attached to this asset. */
  readonly checks: readonly CheckDefinition[];
}

/**
 * A `@dbt_assets` function: not an asset (Dagster shows none by its name) but
 * the op that runs the dbt models.
 */
export interface DbtOp {
  /** The function's name. */
  readonly name: string;
  /** The decorator. */
  readonly location: SourceLocation;
  /** Key strings of the dbt models it runs. */
  readonly models: readonly string[];
}

/**
 * The one asset graph of a workspace (SQL + Dagster + dbt), immutable: a
 * change of a file builds a new one.
 */
export interface AssetGraph {
  /** Absolute workspace root. */
  readonly root: string;
  /** By key string, in a stable order (by key). */
  readonly nodes: ReadonlyMap<string, AssetNode>;
  readonly edges: readonly AssetEdge[];
  /** Definition problems of every file plus graph problems (missing dependency, cycle, duplicate key). */
  readonly problems: readonly Problem[];
  /** `@dbt_assets` functions, which run the dbt models and are not nodes themselves. */
  readonly dbtOps: readonly DbtOp[];
  /** What discovery saw but could not read statically, said to the user. */
  readonly unseen: readonly string[];
  upstreamOf(id: string): readonly string[];
  downstreamOf(id: string): readonly string[];
  /** All ancestors (transitive), optionally limited in depth. */
  ancestors(id: string, depth?: number): ReadonlySet<string>;
  descendants(id: string, depth?: number): ReadonlySet<string>;
  /** The asset defined in `file` whose definition starts at or before `line`, nearest first. */
  assetAt(file: string, line: number): AssetNode | undefined;
  /** Every asset defined in `file` (external sources are references, not definitions), in line order. */
  assetsIn(file: string): readonly AssetNode[];
  /** Finds by key string, dotted relation, or a unique last part. */
  find(text: string): AssetNode | undefined;
}

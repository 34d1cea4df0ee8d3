import type { AssetGraph, AssetNode } from '../core/graph/assetGraph';
import type { Problem } from '../core/problem';
import type { TargetConfig } from '../core/project/targetConfig';
import type { AssetRunOutcome, AssetStateView } from '../core/editorModel/assetRunOutcome';
import type { DbtRunnerChoice } from '../core/engine/dbtRunnerChoice';
import type { CompiledSql } from '../core/dbt/dbtCompiledSql';
import type { RecentRun } from '../core/engine/recentRuns';
import type { CompareReport, CompareReportRequest } from '../core/diff/compareReport';

/**
 * The core as the extension uses it: discovery, targets, state and runs.
 * Everything the editor needs from src/core goes through this one seam, so
 * features depend on these shapes (and tests can hand in the real core).
 */
export interface WorkspaceIndexAccess {
  readonly graph: AssetGraph;
  /** Files of the opening read taken from the discovery cache, and files read. */
  readonly cacheUse?: { readonly hits: number; readonly read: number };
  updateFiles(changed: readonly string[], deleted: readonly string[]): Promise<AssetGraph>;
}

export interface ResolvedTargets {
  readonly targets: readonly TargetConfig[];
  readonly defaultTarget: string;
  readonly problems: readonly Problem[];
}

export type RunEventView =
  | { readonly kind: 'statement'; readonly key?: string; readonly sql: string }
  | { readonly kind: 'output'; readonly key?: string; readonly line: string }
  | { readonly kind: 'asset-started'; readonly key: string }
  | { readonly kind: 'asset-finished'; readonly outcome: AssetRunOutcome };

export interface RunRequest {
  readonly root: string;
  readonly graph: AssetGraph;
  readonly target: TargetConfig;
  /** Selection terms (docs/cli.md#selections): `KEY`, `+KEY`, `KEY+`. */
  readonly selections: readonly string[];
  /** Run the checks of the selected assets against their current data, build nothing. */
  readonly checksOnly: boolean;
  /** MotherDuck token from secret storage; passed to the engine only, never logged. */
  readonly token?: string;
  /** Interpreter for the delegated Dagster/dbt path. */
  readonly pythonPath?: string;
  /** The `assetStudio.dbtRunner` setting; absent: asset-studio.yml's `dbt_runner`, else auto. */
  readonly dbtRunner?: DbtRunnerChoice;
  /** Upstream relations the target lacks are read from this one, read-only (the picker's "deferring to"). */
  readonly deferTo?: TargetConfig;
  readonly signal: AbortSignal;
  readonly onEvent: (event: RunEventView) => void;
}

/** Asset Studio: Compare with Target…: one asset, or (with `selections`) a promotion preview; the environment is the extension host's. */
export type CompareRequest = Omit<CompareReportRequest, 'env'>;

export interface CoreAccess {
  /** Loads DuckDB and says its version: proves the native binding works here. */
  probeDuckDb(): Promise<string>;
  /** Reads a workspace folder; `fresh` ignores what the discovery cache kept (Rediscover). */
  openIndex(root: string, options?: { readonly fresh?: boolean }): Promise<WorkspaceIndexAccess>;
  /** asset-studio.yml, the dbt profiles of the dbt projects in the graph, and the default. */
  loadTargets(root: string, graph: AssetGraph): Promise<ResolvedTargets>;
  /** Short-lived read of `_asset_studio` on the target; never keeps the file open. */
  readStates(root: string, graph: AssetGraph, target: TargetConfig, token: string | undefined): Promise<Map<string, AssetStateView>>;
  /** The last runs of one asset on the target, newest first (the lineage details pane). */
  readRecentRuns(root: string, key: string, target: TargetConfig, token: string | undefined): Promise<RecentRun[]>;
  run(request: RunRequest): Promise<AssetRunOutcome[]>;
  /** A dbt model's SQL as it runs on the target (Show Compiled SQL); reads the target only to answer is_incremental(). */
  compileSql(root: string, node: AssetNode, target: TargetConfig, token: string | undefined): Promise<CompiledSql>;
  /** Both targets read-only; the result as Markdown, or what went wrong naming the target and relation. */
  compare(request: CompareRequest): Promise<CompareReport>;
}

/**
 * The core loaded on first use: DuckDB's native binding alone takes ~100 ms
 * to load, which must not count against activation.
 */
export function lazyCoreAccess(load: () => Promise<CoreAccess>): CoreAccess {
  let loading: Promise<CoreAccess> | undefined;
  const core = (): Promise<CoreAccess> => (loading ??= load());
  return {
    probeDuckDb: async () => (await core()).probeDuckDb(),
    openIndex: async (root, options) => (await core()).openIndex(root, options),
    loadTargets: async (root, graph) => (await core()).loadTargets(root, graph),
    readStates: async (root, graph, target, token) => (await core()).readStates(root, graph, target, token),
    readRecentRuns: async (root, key, target, token) => (await core()).readRecentRuns(root, key, target, token),
    run: async (request) => (await core()).run(request),
    compileSql: async (root, node, target, token) => (await core()).compileSql(root, node, target, token),
    compare: async (request) => (await core()).compare(request),
  };
}

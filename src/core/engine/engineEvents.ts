import type { SourceLocation } from '../problem';
import type { CheckResult } from './checkQueries';

export type AssetRunStatus = 'success' | 'failed' | 'skipped';

/** Who built an asset: our engine on DuckDB (SQL assets, dbt models rendered in-process), or the asset's own tool. */
export type AssetRunner = 'in-process' | 'dbt' | 'dagster';

export interface PartitionRunResult {
  /** ISO date of the partition's first day. */
  readonly start: string;
  readonly status: AssetRunStatus;
  readonly rows: number | null;
  readonly error?: string;
}

/** The outcome of one asset in a run: the CLI JSON, the editor and the state table read this. */
export interface AssetRunResult {
  /** Asset key string. */
  readonly key: string;
  readonly status: AssetRunStatus;
  /** Rows written by this run (loaded rows for incremental/partitions); null for views and skips. */
  readonly rows: number | null;
  readonly durationMs: number;
  readonly error?: string;
  /** Where the error belongs (the asset's SQL), when known. */
  readonly location?: SourceLocation;
  /**
   * Names of the blocking error-level checks that failed a build: it was rolled
   * back (for partitions: the last partition in `partitions`), the previous data
   * is unchanged, and `error` only sums these checks up. Never set by a checks-only run.
   */
  readonly blockedBy?: readonly string[];
  readonly checks: readonly CheckResult[];
  readonly partitions?: readonly PartitionRunResult[];
  /** Who ran it; absent when nothing ran (skipped before it started). */
  readonly runner?: AssetRunner;
}

export interface RunResult {
  readonly runId: string;
  readonly target: string;
  readonly runs: readonly AssetRunResult[];
  readonly cancelled: boolean;
}

/** What a run tells the editor while it goes. Statements never carry a token. */
export type EngineEvent =
  | { readonly type: 'statement'; readonly asset?: string; readonly sql: string }
  | { readonly type: 'asset-started'; readonly asset: string }
  | { readonly type: 'asset-finished'; readonly asset: string; readonly result: AssetRunResult }
  | { readonly type: 'check'; readonly asset: string; readonly result: CheckResult }
  | {
      readonly type: 'log';
      readonly level: 'info' | 'warn' | 'error';
      readonly message: string;
      readonly asset?: string;
      /** With --defer: the upstream relation this message says was read from the deferred target. */
      readonly deferred?: { readonly relation: string; readonly readFrom: string };
    };

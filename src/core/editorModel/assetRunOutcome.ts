/**
 * What the editor shows of a run and of an asset's state, independent of the
 * engine's own types (the extension translates the engine's into these), so
 * lens texts, problems and messages are built and tested without VS Code.
 */

export type CheckSeverityView = 'error' | 'warn';

export interface CheckOutcome {
  readonly name: string;
  readonly passed: boolean;
  readonly severity: CheckSeverityView;
  readonly failingRows: number;
  /** Up to 5 failing rows (docs/checks.md). */
  readonly sampleRows?: readonly Readonly<Record<string, unknown>>[];
  readonly durationMs?: number;
  /** The failure in words where a failing-row count would mislead (`3 rows, max 2`). */
  readonly failure?: string;
  /** The check's query itself failed (not: found failing rows). */
  readonly error?: string;
}

export type AssetRunStatus = 'success' | 'failed' | 'skipped' | 'cancelled';

export interface AssetRunOutcome {
  /** Key string. */
  readonly key: string;
  readonly status: AssetRunStatus;
  readonly rows?: number;
  readonly durationMs?: number;
  /** DuckDB's (or the tool's) message when the build failed. */
  readonly error?: string;
  /** 1-based line of the error in the asset's file, when the engine could map it. */
  readonly errorLine?: number;
  readonly checks: readonly CheckOutcome[];
}

export type AssetStatus = 'never' | 'fresh' | 'stale' | 'failed';

/** An asset's state on one target (docs/materialization.md). */
export interface AssetStateView {
  readonly status: AssetStatus;
  /** Rows in the relation: the table's own count for incremental and partitioned assets (a run may add none). */
  readonly rows?: number;
  /** Incremental and partitioned assets: rows the last successful run loaded (besides `rows`, the table's). */
  readonly rowsAdded?: number;
  /** Partitioned assets: partitions materialized with the current definition, of those from the start to today. */
  readonly partitions?: { readonly done: number; readonly total: number };
  /** Epoch ms of the last finished run (success or failure). */
  readonly finishedAt?: number;
  readonly error?: string;
  /** 1-based line of a failed run's error in the asset's file, when the engine could map it. */
  readonly errorLine?: number;
  /** The definition hash the data there was built from (the last successful run's). */
  readonly builtHash?: string;
  /** Who built the data there now (the last successful run), when the run recorded it. */
  readonly builtBy?: 'in-process' | 'dbt' | 'dagster';
  /** Why a 'stale' asset is stale, as the engine found it. */
  readonly staleReason?: string;
  /** The latest result of each check, by check name. */
  readonly checks?: ReadonlyMap<string, CheckOutcome>;
}

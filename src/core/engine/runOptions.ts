import type { AssetNode } from '../graph/assetGraph';
import type { TargetConfig } from '../project/targetConfig';
import type { CheckResult } from './checkQueries';
import type { EngineEvent } from './engineEvents';
import type { TargetConnection } from './targetConnection';
import type { DbtRunnerChoice } from './dbtRunnerChoice';

/** The context a delegated run gets. */
export interface DelegatedRunContext {
  readonly target: TargetConfig;
  readonly projectRoot: string;
  /** The run's environment (the CLI's), where a MotherDuck target's token_env is read; default process.env. */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** The run's saved MotherDuck token (RunOptions.token): for the tool's environment only, never logged. */
  readonly token?: string;
  readonly signal?: AbortSignal;
  readonly onEvent: (e: EngineEvent) => void;
}

export interface DelegatedOutcome {
  readonly status: 'success' | 'failed' | 'skipped';
  readonly rows?: number | null;
  readonly error?: string;
  readonly checks: readonly CheckResult[];
}

/** Several nodes of one batch key in one tool run; an outcome for each. */
export type DelegatedBatchRunner = (nodes: readonly AssetNode[], ctx: DelegatedRunContext) => Promise<ReadonlyMap<string, DelegatedOutcome>>;

/**
 * Runs Dagster/dbt assets with their own tool (src/core/engine/delegated/); absent: they fail plainly.
 * With `runBatch` and `batchKey`, connected nodes of one key in a plan run in one tool run.
 */
export type DelegatedRunner = ((node: AssetNode, ctx: DelegatedRunContext) => Promise<DelegatedOutcome>) & {
  readonly runBatch?: DelegatedBatchRunner;
  readonly batchKey?: (node: AssetNode) => string | undefined;
};

export interface PartitionChoice {
  /** One partition (any date inside it): rebuilt even when done before. */
  readonly partition?: string;
  /** A backfill range; partitions already done with the same definition are skipped (resume). */
  readonly from?: string;
  readonly to?: string;
}

export interface RunOptions {
  readonly projectRoot: string;
  /** MotherDuck token from the editor's secret storage. */
  readonly token?: string;
  readonly env?: Readonly<Record<string, string | undefined>>;
  readonly signal?: AbortSignal;
  readonly onEvent?: (event: EngineEvent) => void;
  /** Run the checks against what is there, building nothing (`asset-studio check`). */
  readonly checksOnly?: boolean;
  readonly partitions?: PartitionChoice;
  readonly delegated?: DelegatedRunner;
  /** An already open connection to reuse (tests, benchmarks); not closed by the run. */
  readonly connection?: TargetConnection;
  readonly today?: Date;
  /** Write runs and check results to _asset_studio (default true); false writes nothing at all. */
  readonly recordState?: boolean;
  /**
   * Open the target read-only (checks only: a protected target not confirmed; docs/project-file.md).
   * Nothing is stored and a missing database file is an error, not a new file.
   */
  readonly readOnly?: boolean;
  /** Who runs dbt models and seeds (asset-studio.yml `dbt_runner`); default `auto`. */
  readonly dbtRunner?: DbtRunnerChoice;
  /** dbt's `--full-refresh`: incremental models are rebuilt whole. */
  readonly fullRefresh?: boolean;
  /** dbt's `--vars`, over the project's `vars:`. */
  readonly dbtVars?: Readonly<Record<string, unknown>>;
  /** `--defer`: upstream relations the target lacks are read from this one, attached read-only (never written). */
  readonly deferTo?: TargetConfig;
}

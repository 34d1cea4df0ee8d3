/**
 * The messages between the lineage panel (webview) and the extension. Both
 * sides import only this file; the extension checks every message from the
 * webview with `parseWebviewMessage` before acting on it.
 */

export type LineageSource = 'sql' | 'dagster' | 'dbt' | 'external';
/** `could-not-run`: the last run found a tool, interpreter or token missing; the data is as it was. */
export type LineageState = 'never' | 'fresh' | 'stale' | 'failed' | 'could-not-run' | 'running';
export type MaterializeMode = 'asset' | 'upstream' | 'downstream';

export interface LineageCheckSummary {
  readonly passed: number;
  /** Error-severity checks failing. */
  readonly failed: number;
  /** Warn-severity checks failing (drawn yellow, never as failed). */
  readonly warned?: number;
  readonly total: number;
}

export interface LineageNode {
  /** Key string (`raw/taxi_trips`). */
  readonly id: string;
  /** What the node shows: the key's last part. */
  readonly label: string;
  readonly source: LineageSource;
  readonly group?: string;
  readonly kind?: string;
  /** Relative to the workspace root, for display only: the extension opens by key. */
  readonly file?: string;
  /** 1-based. */
  readonly line?: number;
  /** On the current target. */
  readonly state: LineageState;
  readonly checks: LineageCheckSummary;
  /** ISO time of the last run on the current target. */
  readonly lastRun?: string;
  /** Rows in the relation on the current target (the table's count for incremental and partitioned assets). */
  readonly rows?: number;
  /** Incremental and partitioned assets: rows the last successful run loaded. */
  readonly rowsAdded?: number;
  /** Partitioned assets: partitions materialized with the current definition, of those to date. */
  readonly partitions?: { readonly done: number; readonly total: number };
}

export interface LineageEdge {
  readonly from: string;
  readonly to: string;
  /** Resolved by the key's last part, not the exact key: drawn dashed. */
  readonly inferred: boolean;
}

/** Everything the panel draws: serialisable, rebuilt after every run, target switch or file change. */
export interface LineageSnapshot {
  readonly target?: string;
  readonly nodes: readonly LineageNode[];
  readonly edges: readonly LineageEdge[];
  /** The graph is drawn before the target's states are read; true until they are (nodes say 'never' meanwhile). */
  readonly statesPending?: boolean;
}

export type LineageCheckStatus = 'passed' | 'failed' | 'warned' | 'not run';

export interface LineageCheckDetail {
  readonly name: string;
  readonly severity: 'error' | 'warn';
  readonly status: LineageCheckStatus;
  /** What failed, in words (failing rows, age against the limit, why it could not run). */
  readonly message?: string;
}

export interface LineageRunDetail {
  readonly status: string;
  readonly rows?: number;
  /** ISO time. */
  readonly finishedAt: string;
  readonly durationMs?: number;
  readonly error?: string;
}

/** What the details pane shows of one asset on the current target; sent when a node is selected. */
export interface LineageAssetDetails {
  readonly key: string;
  readonly source: LineageSource;
  readonly kind?: string;
  readonly group?: string;
  readonly description?: string;
  /** `schema.table`, for SQL assets. */
  readonly relation?: string;
  /** Relative to the workspace root. */
  readonly file?: string;
  readonly line?: number;
  readonly target?: string;
  readonly state: LineageState;
  readonly staleReason?: string;
  readonly error?: string;
  readonly checks: readonly LineageCheckDetail[];
  readonly upstream: readonly string[];
  readonly downstream: readonly string[];
  /** Newest first, from `_asset_studio.runs`. */
  readonly runs: readonly LineageRunDetail[];
  /** The runs could not be read (the target unreachable): why. */
  readonly runsError?: string;
}

// extension → webview
export interface SnapshotMessage {
  readonly type: 'snapshot';
  readonly snapshot: LineageSnapshot;
}

// extension → webview: focus an asset (follow the active editor, or a "Lineage" CodeLens)
export interface FocusMessage {
  readonly type: 'focus';
  readonly key: string;
}

// extension → webview: the details of the selected asset
export interface DetailsMessage {
  readonly type: 'details';
  readonly details: LineageAssetDetails;
}

export type ExtensionToWebviewMessage = SnapshotMessage | FocusMessage | DetailsMessage;

// webview → extension: the webview listens and can receive messages now
export interface ReadyMessage {
  readonly type: 'ready';
  /** Milliseconds since the page began loading (the opening time's breakdown in the log). */
  readonly pageMs?: number;
  /** When the page began loading, ms since the epoch (the same clock as the extension host's Date.now()). */
  readonly pageStartedAt?: number;
}

// webview → extension: open the definition of an asset at its line
export interface OpenDefinitionMessage {
  readonly type: 'openDefinition';
  readonly key: string;
}

// webview → extension: run assetStudio.materialize / WithUpstream / WithDownstream on a key
export interface MaterializeMessage {
  readonly type: 'materialize';
  readonly key: string;
  readonly mode: MaterializeMode;
}

// webview → extension: open the data panel on an asset's rows (assetStudio.previewData)
export interface PreviewDataMessage {
  readonly type: 'previewData';
  readonly key: string;
}

// webview → extension: compare an asset between the current target and another (assetStudio.compareWithTarget)
export interface CompareMessage {
  readonly type: 'compare';
  readonly key: string;
}

// webview → extension: the user selected a node; answer with its details
export interface DetailsRequestMessage {
  readonly type: 'details';
  readonly key: string;
}

// webview → extension: run the checks of an asset (assetStudio.runChecks)
export interface RunChecksMessage {
  readonly type: 'runChecks';
  readonly key: string;
}

// webview → extension: the drawn graph as SVG text, to be saved where the user says
export interface ExportSvgMessage {
  readonly type: 'exportSvg';
  readonly svg: string;
}

// webview → extension: a snapshot was laid out and drawn (timings for the log and the benchmark)
export interface RenderedMessage {
  readonly type: 'rendered';
  readonly nodes: number;
  readonly edges: number;
  readonly layoutMs: number;
  readonly drawMs: number;
  readonly totalMs: number;
  readonly inWorker: boolean;
  /** Milliseconds since the page began loading when it was painted. */
  readonly pageMs?: number;
}

export type WebviewToExtensionMessage =
  | ReadyMessage
  | OpenDefinitionMessage
  | MaterializeMessage
  | CompareMessage
  | PreviewDataMessage
  | DetailsRequestMessage
  | RunChecksMessage
  | ExportSvgMessage
  | RenderedMessage;

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

/** How an asset on the current target stands against the target it is held against (same as DriftKind in the core). */
export type LineageDrift = 'same' | 'differs' | 'only-here' | 'only-there' | 'neither';

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
  /**
   * With a target held against (Assets view: Hold Against Target…): how this asset stands against it,
   * the sentence saying so, and a few characters for the node (absent when both hold the same).
   */
  readonly against?: { readonly target: string; readonly drift: LineageDrift; readonly text: string; readonly mark?: string };
  /** While the current target defers (`dev ⇢ prod`): the target a run reads this asset from, as it is not built here. */
  readonly deferredFrom?: string;
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

/** `copy`: the upstream value as it is (renamed at most); `transformation`: computed from it. */
export type LineageColumnKind = 'copy' | 'transformation';

/** One column of one asset; `asset` is a node id (an external source's too). */
export interface LineageColumnRef {
  readonly asset: string;
  readonly column: string;
}

export interface LineageColumn {
  readonly name: string;
  /** Absent when no query of ours computes it (an external source, a Dagster asset): no lineage inside it. */
  readonly kind?: LineageColumnKind;
  /** The upstream columns it is computed from. */
  readonly sources: readonly LineageColumnRef[];
}

/** An asset's output columns as the panel lists them when the node is expanded. */
export interface LineageAssetColumns {
  readonly key: string;
  readonly columns: readonly LineageColumn[];
  /** Why the list is empty or partial (not SQL, SQL that does not parse, a `*` over an unknown table). */
  readonly note?: string;
}

/** `to` is computed from `from`; `kind` is how (the `to` column's kind). */
export interface LineageColumnLink {
  readonly from: LineageColumnRef;
  readonly to: LineageColumnRef;
  readonly kind: LineageColumnKind;
}

/**
 * A layout the page computed, kept by the extension and handed to the next
 * panel with its first snapshot: the same graph seen the same way is not laid
 * out again (the layout is most of an opening's time).
 */
export interface RememberedLayout {
  /** A hash of everything the layout depends on (nodes, clusters, heights, edges, direction). */
  readonly key: string;
  /** Node centres. */
  readonly nodes: readonly { readonly id: string; readonly x: number; readonly y: number }[];
  /** Cluster boxes: top-left corner and size. */
  readonly clusters: readonly { readonly id: string; readonly x: number; readonly y: number; readonly width: number; readonly height: number }[];
  readonly width: number;
  readonly height: number;
}

// extension → webview
export interface SnapshotMessage {
  readonly type: 'snapshot';
  readonly snapshot: LineageSnapshot;
  /** With a new panel's first snapshot: the last layout the panel reported, used if it fits. */
  readonly layout?: RememberedLayout;
}

/**
 * What a new panel draws first, written into its HTML (FIRST_DRAWING_ID) when
 * the graph is known as the panel is created: the page draws it as soon as its
 * script runs, without a round trip for the first snapshot.
 */
export interface FirstDrawing {
  readonly snapshot: LineageSnapshot;
  readonly layout?: RememberedLayout;
  /** The asset to show the neighbourhood of (the command's, or the active editor's). */
  readonly focus?: string;
}

/** The id of the page's `<script type="application/json">` holding the FirstDrawing. */
export const FIRST_DRAWING_ID = 'first-drawing';

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

// extension → webview: an asset's output columns, answering a ColumnsRequestMessage
export interface ColumnsMessage {
  readonly type: 'columns';
  readonly columns: LineageAssetColumns;
}

// extension → webview: every column upstream and downstream of one column, answering a ColumnTraceRequestMessage
export interface ColumnTraceMessage {
  readonly type: 'columnTrace';
  readonly key: string;
  readonly column: string;
  /** Upstream links end (transitively) at the column, downstream links start from it. */
  readonly links: readonly LineageColumnLink[];
  /** The columns of every asset the links touch, so the panel can expand them without asking again. */
  readonly assets: readonly LineageAssetColumns[];
  /** The trace stopped at its size limit: more columns are involved than shown. */
  readonly truncated?: boolean;
  /** Why nothing could be traced (the asset's SQL does not parse, …). */
  readonly error?: string;
}

export type ExtensionToWebviewMessage = SnapshotMessage | FocusMessage | DetailsMessage | ColumnsMessage | ColumnTraceMessage;

// webview → extension: the webview listens and can receive messages now
export interface ReadyMessage {
  readonly type: 'ready';
  /** Milliseconds since the page began loading (the opening time's breakdown in the log). */
  readonly pageMs?: number;
  /** When the page began loading, ms since the epoch (the same clock as the extension host's Date.now()). */
  readonly pageStartedAt?: number;
  /** Milliseconds since the page began loading when its script had arrived (Resource Timing). */
  readonly scriptLoadedMs?: number;
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
  /** Laid out as a remembered layout said, not computed. */
  readonly remembered?: boolean;
  /** Milliseconds since the page began loading when it was painted. */
  readonly pageMs?: number;
  /** Milliseconds since the page began loading when the snapshot drawn reached the page (or was read from its HTML). */
  readonly snapshotMs?: number;
  /** Milliseconds since the page began loading at its load event (VS Code shows the page from then), if it came before the paint. */
  readonly loadedMs?: number;
}

// webview → extension: a layout the page computed, to be handed back to the next panel (RememberedLayout)
export interface LayoutComputedMessage {
  readonly type: 'layout';
  readonly layout: RememberedLayout;
}

// webview → extension: the user expanded a node; answer with its output columns (ColumnsMessage)
export interface ColumnsRequestMessage {
  readonly type: 'columns';
  readonly key: string;
}

// webview → extension: the user selected a column; answer with its upstream and downstream columns (ColumnTraceMessage)
export interface ColumnTraceRequestMessage {
  readonly type: 'columnTrace';
  readonly key: string;
  readonly column: string;
}

export type WebviewToExtensionMessage =
  | ReadyMessage
  | ColumnsRequestMessage
  | ColumnTraceRequestMessage
  | OpenDefinitionMessage
  | MaterializeMessage
  | CompareMessage
  | PreviewDataMessage
  | DetailsRequestMessage
  | RunChecksMessage
  | ExportSvgMessage
  | RenderedMessage
  | LayoutComputedMessage;

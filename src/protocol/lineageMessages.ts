/**
 * The messages between the lineage panel (webview) and the extension. Both
 * sides import only this file; the extension checks every message from the
 * webview with `parseWebviewMessage` before acting on it.
 */

export type LineageSource = 'sql' | 'dagster' | 'dbt' | 'external';
export type LineageState = 'never' | 'fresh' | 'stale' | 'failed' | 'running';
export type MaterializeMode = 'asset' | 'upstream' | 'downstream';

export interface LineageCheckSummary {
  readonly passed: number;
  readonly failed: number;
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

export type ExtensionToWebviewMessage = SnapshotMessage | FocusMessage;

// webview → extension: the webview listens and can receive messages now
export interface ReadyMessage {
  readonly type: 'ready';
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
}

export type WebviewToExtensionMessage =
  | ReadyMessage
  | OpenDefinitionMessage
  | MaterializeMessage
  | PreviewDataMessage
  | ExportSvgMessage
  | RenderedMessage;

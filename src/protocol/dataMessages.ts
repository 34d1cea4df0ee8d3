/**
 * The messages between the data panel (webview) and the extension. Both sides
 * import only this file; the extension checks every message from the panel
 * with `parseDataPanelMessage` before acting on it. Shapes match src/core/data
 * (the extension passes core values through; the webview cannot import core).
 */

/** Rows in a page the grid asks for; the extension reads the first page of a show ahead at this size. */
export const DATA_PAGE_ROWS = 200;

/** A cell: SQL NULL is `null`, never ''; STRUCT an object, LIST an array, MAP `[{key, value}]`, JSON objects/arrays parsed (scalars their JSON text); wide numbers exact text. */
export type DataCell = null | boolean | number | string | readonly DataCell[] | { readonly [field: string]: DataCell };

export type DataColumnKind = 'number' | 'boolean' | 'temporal' | 'text' | 'nested' | 'json' | 'other';

export interface DataColumnInfo {
  readonly name: string;
  /** DuckDB's name for the type, e.g. `DECIMAL(10,2)`, `STRUCT("a" INTEGER)`, `JSON`. */
  readonly type: string;
  readonly kind: DataColumnKind;
}

export interface DataSortKey {
  readonly column: string;
  readonly descending?: boolean;
}

export type DataFilterOp = '=' | '!=' | '<' | '<=' | '>' | '>=' | 'contains' | 'is null' | 'is not null';

export interface DataFilter {
  readonly column: string;
  readonly op: DataFilterOp;
  readonly value?: string;
}

/** Sort and filters, applied by DuckDB on the extension side. */
export interface DataViewSpec {
  readonly sort: readonly DataSortKey[];
  readonly filters: readonly DataFilter[];
}

/** What the panel shows: an asset's relation, or a query the user ran. */
export type DataPanelSource =
  | { readonly kind: 'asset'; readonly key: string; readonly root: string }
  /** `thisKey`: the asset defined in the file the query came from, for `{{ this }}`. */
  | { readonly kind: 'query'; readonly sql: string; readonly root: string; readonly thisKey?: string };

export interface HistogramBinInfo {
  readonly lower: string;
  readonly upper: string;
  readonly count: number;
}

export interface ColumnProfileInfo {
  readonly name: string;
  readonly type: string;
  readonly kind: DataColumnKind;
  readonly min: string | null;
  readonly max: string | null;
  readonly approxUnique: number | null;
  readonly avg: string | null;
  readonly std: string | null;
  readonly q25: string | null;
  readonly q50: string | null;
  readonly q75: string | null;
  readonly count: number;
  readonly nullPercent: number;
  readonly histogram?: readonly HistogramBinInfo[];
}

/** Compare with Target…: one asset, read on two targets of its folder. `from` is promoted onto `to`. */
export interface DataCompareSpec {
  readonly root: string;
  readonly asset: string;
  readonly from: string;
  readonly to: string;
}

export interface DataCompareSample {
  readonly change: 'changed' | 'only_in_from' | 'only_in_to';
  /** The key's values; null in a keyless compare. */
  readonly key: { readonly [column: string]: DataCell } | null;
  /** A changed row: only the changed columns, new values on `from`, old on `to`. A row on one side: the whole row. */
  readonly from: { readonly [column: string]: DataCell } | null;
  readonly to: { readonly [column: string]: DataCell } | null;
}

/** What differs between the asset's relation on the two targets (the core's RelationDiff, values as cells). */
export interface DataCompareResult {
  readonly from: string;
  readonly to: string;
  readonly relation: string;
  /** Columns rows are matched on; empty: a keyless compare (EXCEPT ALL counts). */
  readonly key: readonly string[];
  readonly schema: {
    readonly added: readonly { readonly name: string; readonly type: string }[];
    readonly removed: readonly { readonly name: string; readonly type: string }[];
    readonly retyped: readonly { readonly name: string; readonly from: string; readonly to: string }[];
  };
  readonly rows: { readonly from: number; readonly to: number; readonly onlyInFrom: number; readonly onlyInTo: number; readonly changed: number | null };
  readonly changedColumns: { readonly [column: string]: number };
  readonly samples: readonly DataCompareSample[];
}

// extension → webview: a compare, drawn as a diff in place of the grid: first with neither result nor error (running), then with one of them
export interface CompareMessage {
  readonly type: 'compare';
  readonly generation: number;
  readonly spec: DataCompareSpec;
  readonly result?: DataCompareResult;
  /** Why it could not be made: the target, the relation, what to do. */
  readonly error?: string;
  readonly elapsedMs?: number;
}

// extension → webview: show a source (new, or the same on another target); the panel drops its pages and asks again
export interface ShowSourceMessage {
  readonly type: 'show';
  /** Bumped on every show: replies to older requests are dropped by both sides. */
  readonly generation: number;
  readonly title: string;
  readonly source: DataPanelSource;
  /** The relation read (quoted), absent for a query. */
  readonly relation?: string;
  readonly target: string;
  readonly targets: readonly string[];
  /** Kept when the same source is shown again (a target switch, a refresh after a run). */
  readonly view: DataViewSpec;
}

// extension → webview: rows of a page the panel asked for
export interface PageMessage {
  readonly type: 'page';
  readonly generation: number;
  readonly requestId: number;
  readonly offset: number;
  readonly columns: readonly DataColumnInfo[];
  readonly rows: readonly (readonly DataCell[])[];
  readonly totalRows?: number;
  readonly sql: string;
  readonly elapsedMs: number;
}

// extension → webview: the profile the panel asked for
export interface ProfileMessage {
  readonly type: 'profile';
  readonly generation: number;
  readonly requestId: number;
  readonly columns: readonly ColumnProfileInfo[];
  /** Set when the figures are of a sample of the view's rows (large views). */
  readonly sample?: { readonly percent: number; readonly totalRows: number };
  readonly sql: readonly string[];
  readonly elapsedMs: number;
}

// extension → webview: a read failed (bad filter value, missing table); `retrying` while another process holds the file
export interface ReadErrorMessage {
  readonly type: 'error';
  readonly generation: number;
  readonly requestId?: number;
  readonly message: string;
  readonly retrying?: boolean;
  /** The page was not read: the grid had scrolled away from it. Not an error to show. */
  readonly skipped?: boolean;
}

export type DataExtensionToWebviewMessage = ShowSourceMessage | PageMessage | ProfileMessage | ReadErrorMessage | CompareMessage;

// webview → extension: the panel listens now (sent again after a reload)
export interface DataReadyMessage {
  readonly type: 'ready';
}

// webview → extension: read rows [offset, offset + limit) of the view; `count` also counts the view's rows
export interface RequestPageMessage {
  readonly type: 'requestPage';
  readonly generation: number;
  readonly requestId: number;
  readonly view: DataViewSpec;
  readonly offset: number;
  readonly limit: number;
  readonly count: boolean;
  /** The first row on screen when asked: reads of pages far from the screen by their turn are skipped. */
  readonly screenRow: number;
  /** The rows on screen after a jump, asked ahead of their pages: read before any page, interrupting one being read. */
  readonly screen?: boolean;
}

// webview → extension: profile the view (its filters apply)
export interface RequestProfileMessage {
  readonly type: 'requestProfile';
  readonly generation: number;
  readonly requestId: number;
  readonly view: DataViewSpec;
}

// webview → extension: read the same source on another target (reads never write: no confirmation)
export interface SelectTargetMessage {
  readonly type: 'selectTarget';
  readonly target: string;
}

// webview → extension: put text on the clipboard (a cell, rows as TSV, the SQL)
export interface CopyMessage {
  readonly type: 'copy';
  readonly text: string;
}

// webview → extension: run a query typed in the panel, on the panel's target
export interface RunQueryMessage {
  readonly type: 'runQuery';
  readonly sql: string;
}

// webview → extension: write the view (sort and filters) to a file the user picks, by DuckDB's COPY
export interface ExportMessage {
  readonly type: 'export';
  readonly generation: number;
  readonly view: DataViewSpec;
  readonly format: 'csv' | 'parquet';
}

// webview → extension: the first rows of a show are on screen (for the log: time from the command to rows drawn)
export interface DrawnMessage {
  readonly type: 'drawn';
  readonly generation: number;
  readonly rows: number;
}

// webview → extension: compare the shown asset again (the targets may have changed since)
export interface CompareAgainMessage {
  readonly type: 'compareAgain';
  readonly generation: number;
}

// webview → extension: preview the asset's rows on one side of the compare
export interface PreviewSideMessage {
  readonly type: 'previewSide';
  readonly generation: number;
  readonly target: string;
}

export type DataWebviewToExtensionMessage =
  | DataReadyMessage
  | RequestPageMessage
  | RequestProfileMessage
  | SelectTargetMessage
  | CopyMessage
  | RunQueryMessage
  | ExportMessage
  | DrawnMessage
  | CompareAgainMessage
  | PreviewSideMessage;

/** What the webview keeps with vscode.setState, and VS Code hands back to the extension after a window reload. */
export interface DataPanelSavedState {
  readonly source?: DataPanelSource;
  /** Set while the panel shows a compare (compared again after a reload). */
  readonly compare?: DataCompareSpec;
  readonly target?: string;
  readonly view?: DataViewSpec;
  readonly tab?: 'data' | 'profile';
}

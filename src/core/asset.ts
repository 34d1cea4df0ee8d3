import type { AssetKey } from './assetKey';
import type { Problem, SourceLocation } from './problem';

export type AssetSource = 'sql' | 'dagster' | 'dbt' | 'external';

/** How a dependency was written, which decides how a miss is reported (docs/asset-graph.md). */
export type DependencyOrigin =
  | 'header' // `depends:` in a SQL header
  | 'sql-table' // a base table read by the SQL (unknown ones are external sources)
  | 'table-function' // read_parquet(...), read_csv(...): always a source
  | 'deps' // Dagster deps=[...]
  | 'ins' // Dagster ins={...: AssetIn(...)}
  | 'parameter' // Dagster function parameter
  | 'spec' // AssetSpec deps
  | 'dbt-ref'
  | 'dbt-source'
  | 'link'; // a link made by discovery (dbt source ⇄ asset, @dbt_assets ⇄ models)

export interface DependencyRef {
  /** The key as written. */
  readonly key: AssetKey;
  readonly origin: DependencyOrigin;
  readonly location?: SourceLocation;
  /** For table functions: the label shown for the source, e.g. `read_parquet('data/*.parquet')`. */
  readonly label?: string;
}

export type BuiltinCheckType =
  | 'not_null'
  | 'unique'
  | 'accepted_values'
  | 'relationships'
  | 'row_count'
  | 'freshness'
  | 'sql';

export type CheckSeverity = 'error' | 'warn';

export interface CheckDefinition {
  /** Unique within the asset, e.g. `not_null_trip_id`, `no_negative_totals`, a dbt test name. */
  readonly name: string;
  readonly type: BuiltinCheckType | 'dagster' | 'dbt';
  readonly severity: CheckSeverity;
  /** A blocking error-level failure rolls the materialization back (docs/materialization.md). */
  readonly blocking: boolean;
  /** The check's own line: the header line, the `@asset_check` function, the YAML test. */
  readonly location: SourceLocation;
  /** Arguments of a built-in check, as written in the header (validated by the engine). */
  readonly config?: Readonly<Record<string, unknown>>;
}

export type SqlAssetKind = 'table' | 'view' | 'incremental';

export interface PartitionSpec {
  readonly by: 'day' | 'month';
  readonly column: string;
  /** ISO date, e.g. 2022-11-01. */
  readonly start: string;
}

/** What only SQL assets carry: everything the engine needs to build one. */
export interface SqlAssetBody {
  readonly kind: SqlAssetKind;
  /** The relation written to: schema may be absent (then the target's schema). */
  readonly relation: { readonly schema?: string; readonly name: string };
  /** The SQL after the header, templates untouched. */
  readonly sql: string;
  /** 1-based line of the first SQL line in the file, to map DuckDB's positions back. */
  readonly sqlLine: number;
  readonly uniqueKey?: readonly string[];
  readonly watermark?: string;
  readonly partition?: PartitionSpec;
  /** A dbt incremental model: loaded by dbt's rules, not by `uniqueKey`/`watermark`'s. */
  readonly dbtIncremental?: DbtIncrementalLoad;
}

/** How dbt-duckdb loads an incremental model into its existing table. */
export interface DbtIncrementalLoad {
  readonly strategy: 'append' | 'delete+insert' | 'merge';
  /** As configured: one expression, or a list of columns. */
  readonly uniqueKey?: string | readonly string[];
  /** `sync_all_columns` needs dbt. */
  readonly onSchemaChange: 'ignore' | 'fail' | 'append_new_columns';
}

export interface DagsterAssetInfo {
  /** The Python file the definition is in. */
  readonly file: string;
  /** `-m` package from pyproject's [tool.dagster], when one is declared. */
  readonly module?: string;
  readonly kinds?: readonly string[];
  readonly partitioned?: boolean;
  readonly automationCondition?: string;
  readonly schedules?: readonly string[];
  readonly jobs?: readonly string[];
  /** `@dbt_assets` stands for a dbt project's models rather than one asset. */
  readonly dbtAssets?: boolean;
  /** `AssetSpec` at module level: an external asset Dagster does not materialize. */
  readonly external?: boolean;
}

export interface DbtAssetInfo {
  /** Folder holding dbt_project.yml. */
  readonly projectDir: string;
  readonly projectName: string;
  readonly resourceType: 'model' | 'source' | 'seed' | 'snapshot';
  /** The name given to `dbt build --select`. */
  readonly selector: string;
  readonly materialized?: string;
  /** dbt source table whose `meta.dagster.asset_key` names the Dagster/SQL asset feeding it (docs/asset-graph.md). */
  readonly linkedKey?: AssetKey;
  /** A model's or seed's `config:` from its properties YAML (dbt_project.yml and `config()` add to it at run time). */
  readonly yamlConfig?: Readonly<Record<string, unknown>>;
  /** A source table: where dbt reads it from. */
  readonly sourceTable?: DbtSourceTable;
}

export interface DbtSourceTable {
  readonly sourceName: string;
  readonly tableName: string;
  readonly database?: string;
  /** The source's `schema:`, else its name (dbt's default). */
  readonly schema: string;
  /** The table's `identifier:`, else its name. */
  readonly identifier: string;
  /** dbt-duckdb's `meta.external_location` (table, then source), placeholders unrendered. */
  readonly externalLocation?: string;
}

export interface AssetDefinition {
  readonly key: AssetKey;
  readonly source: AssetSource;
  /** Where the definition starts: the SQL header, the decorator, the model's first line. */
  readonly location: SourceLocation;
  readonly group?: string;
  /** `table`/`view`/`incremental` for SQL; a Dagster kind or dbt materialization otherwise. */
  readonly kind?: string;
  readonly description?: string;
  readonly deps: readonly DependencyRef[];
  readonly checks: readonly CheckDefinition[];
  /** Hash of the definition's text, for staleness (docs/materialization.md). */
  readonly definitionHash: string;
  readonly sql?: SqlAssetBody;
  readonly dagster?: DagsterAssetInfo;
  readonly dbt?: DbtAssetInfo;
}

/** What reading one file yields. Readers never throw: problems are data. */
export interface FileDiscovery {
  readonly file: string;
  readonly assets: readonly AssetDefinition[];
  /** Checks defined apart from their asset (`@asset_check(asset=...)`, dbt tests), attached by the graph. */
  readonly detachedChecks?: readonly { readonly asset: AssetKey; readonly check: CheckDefinition }[];
  readonly problems: readonly Problem[];
  /** Things seen but not understood statically (a loop building specs), said in the graph. */
  readonly unseen?: readonly string[];
}

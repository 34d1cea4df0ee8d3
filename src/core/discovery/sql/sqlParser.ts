import { DuckDBInstance, listValue } from '@duckdb/node-api';
import type { DuckDBConnection } from '@duckdb/node-api';

/** A table read by a query, as DuckDB's parser saw it. */
export interface SqlTableRead {
  readonly catalog?: string;
  readonly schema?: string;
  readonly table: string;
  /** 0-based byte offset in the parsed SQL, when DuckDB gives one. */
  readonly offset?: number;
}

export interface SqlTableFunctionRead {
  readonly name: string;
  /** The first argument when it is a constant (the path of read_parquet(...)). */
  readonly firstArgument?: string;
  readonly offset?: number;
}

export type SqlParseResult =
  | {
      readonly ok: true;
      readonly statementCount: number;
      readonly tables: readonly SqlTableRead[];
      readonly tableFunctions: readonly SqlTableFunctionRead[];
    }
  | {
      readonly ok: false;
      readonly message: string;
      /** 0-based byte offset of the error in the SQL, when DuckDB gives one. */
      readonly offset?: number;
      /** DuckDB's error type: `parser`, `not implemented`… */
      readonly errorType?: string;
    };

// One in-memory DuckDB for the whole process, made on first use: parsing needs no data.
let connection: Promise<DuckDBConnection> | undefined;

function parserConnection(): Promise<DuckDBConnection> {
  connection ??= DuckDBInstance.create(':memory:').then((db) => db.connect());
  return connection;
}

// Above this many texts a batch is split: one huge list parameter costs more than a few queries.
const BATCH = 2000;

/** Parses many SQL texts with DuckDB's own parser (`json_serialize_sql`), one query per batch. */
export async function parseSqlBatch(texts: readonly string[]): Promise<SqlParseResult[]> {
  if (texts.length === 0) return [];
  const conn = await parserConnection();
  const results: SqlParseResult[] = [];
  for (let start = 0; start < texts.length; start += BATCH) {
    const chunk = texts.slice(start, start + BATCH);
    let rows: string[];
    try {
      const reader = await conn.runAndReadAll(
        'select json_serialize_sql(t) as j from unnest($1) with ordinality as u(t, i) order by i',
        [listValue(chunk)],
      );
      rows = reader.getColumns()[0]!.map((v) => String(v));
    } catch {
      // A failure of the batch itself (not of one text): parse one by one so one text cannot hide the rest.
      rows = [];
      for (const t of chunk) {
        try {
          const r = await conn.runAndReadAll('select json_serialize_sql($1) as j', [t]);
          rows.push(String(r.getColumns()[0]![0]));
        } catch (err) {
          rows.push(JSON.stringify({ error: true, error_message: err instanceof Error ? err.message : String(err) }));
        }
      }
    }
    for (const row of rows) results.push(readSerialized(row));
  }
  return results;
}

function readSerialized(json: string): SqlParseResult {
  let parsed: unknown;
  try {
    parsed = JSON.parse(json);
  } catch {
    return { ok: false, message: 'DuckDB returned an unreadable parse tree.' };
  }
  const doc = parsed as { error?: boolean; error_message?: string; error_type?: string; position?: string; statements?: unknown[] };
  if (doc.error) {
    const pos = doc.position !== undefined ? Number(doc.position) : NaN;
    return {
      ok: false,
      message: doc.error_message ?? 'DuckDB could not parse this SQL.',
      ...(Number.isFinite(pos) ? { offset: pos } : {}),
      ...(doc.error_type ? { errorType: doc.error_type } : {}),
    };
  }
  const statements = doc.statements ?? [];
  const cteNames = new Set<string>();
  const tables: SqlTableRead[] = [];
  const tableFunctions: SqlTableFunctionRead[] = [];
  collect(statements, cteNames, tables, tableFunctions);
  const reads = tables.filter((t) => t.schema !== undefined || t.catalog !== undefined || !cteNames.has(t.table.toLowerCase()));
  return { ok: true, statementCount: statements.length, tables: reads, tableFunctions };
}

const NO_LOCATION = 18446744073709551615;

function location(node: Record<string, unknown>): number | undefined {
  const q = node['query_location'];
  return typeof q === 'number' && q !== NO_LOCATION && q >= 0 ? q : undefined;
}

// Walks the whole tree rather than known fields, so tables inside subqueries, joins, set
// operations, IN (...) and scalar subqueries are all found whatever the node type.
function collect(
  node: unknown,
  cteNames: Set<string>,
  tables: SqlTableRead[],
  tableFunctions: SqlTableFunctionRead[],
): void {
  if (Array.isArray(node)) {
    for (const n of node) collect(n, cteNames, tables, tableFunctions);
    return;
  }
  if (node === null || typeof node !== 'object') return;
  const obj = node as Record<string, unknown>;
  const cteMap = obj['cte_map'] as { map?: { key?: unknown }[] } | undefined;
  if (cteMap?.map) for (const entry of cteMap.map) if (typeof entry.key === 'string') cteNames.add(entry.key.toLowerCase());
  if (obj['type'] === 'BASE_TABLE' && typeof obj['table_name'] === 'string') {
    const schema = typeof obj['schema_name'] === 'string' && obj['schema_name'] ? obj['schema_name'] : undefined;
    const catalog = typeof obj['catalog_name'] === 'string' && obj['catalog_name'] ? obj['catalog_name'] : undefined;
    const offset = location(obj);
    tables.push({
      table: obj['table_name'],
      ...(schema ? { schema } : {}),
      ...(catalog ? { catalog } : {}),
      ...(offset !== undefined ? { offset } : {}),
    });
    return;
  }
  if (obj['type'] === 'TABLE_FUNCTION') {
    const fn = obj['function'] as Record<string, unknown> | undefined;
    if (fn && typeof fn['function_name'] === 'string') {
      const children = (fn['children'] as Record<string, unknown>[] | undefined) ?? [];
      const first = children[0];
      const value = first?.['value'] as { value?: unknown; is_null?: boolean } | undefined;
      let firstArgument: string | undefined;
      if (first?.['class'] === 'CONSTANT' && value && !value.is_null) {
        firstArgument = Array.isArray(value.value) ? JSON.stringify(value.value) : String(value.value);
      }
      const offset = location(obj);
      tableFunctions.push({
        name: fn['function_name'],
        ...(firstArgument !== undefined ? { firstArgument } : {}),
        ...(offset !== undefined ? { offset } : {}),
      });
    }
    // Its arguments may hold subqueries reading tables.
  }
  for (const key in obj) {
    const v = obj[key];
    if (v !== null && typeof v === 'object') collect(v, cteNames, tables, tableFunctions);
  }
}

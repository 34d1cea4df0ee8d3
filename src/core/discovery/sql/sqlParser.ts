import { cpus } from 'node:os';
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

// One in-memory DuckDB for the whole process, made on first use: parsing needs no data. A
// connection per core: each query parses its slice on its own thread. DuckDB itself is loaded
// then too (~0.1 s): a start with no SQL to parse (a warm cache, a Python workspace) never loads it,
// and a cold one loads it while the workers read, not before they start.
let connections: Promise<{ readonly conns: DuckDBConnection[]; readonly duckdb: typeof import('@duckdb/node-api') }> | undefined;

function parserConnections(): Promise<{ readonly conns: DuckDBConnection[]; readonly duckdb: typeof import('@duckdb/node-api') }> {
  connections ??= Promise.resolve().then(async () => {
    // require, not import(): a bundle keeps an import() of an external module for Node's ESM
    // loader, which resolves it apart from require's paths (NODE_PATH) and loads more.
    const duckdb = require('@duckdb/node-api') as typeof import('@duckdb/node-api');
    const db = await duckdb.DuckDBInstance.create(':memory:', { threads: '1' });
    const conns = await Promise.all(Array.from({ length: Math.max(1, Math.min(4, cpus().length)) }, () => db.connect()));
    return { conns, duckdb };
  });
  return connections;
}

// Below this many texts one query does it: splitting costs more than it gains.
const SPLIT_ABOVE = 64;

/** Parses many SQL texts with DuckDB's own parser (`json_serialize_sql`), in a few concurrent queries. */
export async function parseSqlBatch(texts: readonly string[]): Promise<SqlParseResult[]> {
  if (texts.length === 0) return [];
  const { conns, duckdb } = await parserConnections();
  const parts = texts.length <= SPLIT_ABOVE ? 1 : conns.length;
  const size = Math.ceil(texts.length / parts);
  const slices = await Promise.all(
    Array.from({ length: parts }, (_, k) => parseSlice(conns[k]!, duckdb.listValue, texts.slice(k * size, (k + 1) * size))),
  );
  return slices.flat();
}

async function parseSlice(conn: DuckDBConnection, listValue: typeof import('@duckdb/node-api').listValue, chunk: readonly string[]): Promise<SqlParseResult[]> {
  if (chunk.length === 0) return [];
  let rows: string[];
  try {
    const reader = await conn.runAndReadAll(
      'select json_serialize_sql(t, skip_empty := true, skip_null := true) as j from unnest($1) with ordinality as u(t, i) order by i',
      [listValue([...chunk])],
    );
    rows = reader.getColumns()[0]!.map((v) => String(v));
  } catch {
    // A failure of the query itself (not of one text): parse one by one so one text cannot hide the rest.
    rows = [];
    for (const t of chunk) {
      try {
        const r = await conn.runAndReadAll('select json_serialize_sql($1::varchar, skip_empty := true, skip_null := true) as j', [t]);
        rows.push(String(r.getColumns()[0]![0]));
      } catch (err) {
        rows.push(JSON.stringify({ error: true, error_message: err instanceof Error ? err.message : String(err) }));
      }
    }
  }
  return rows.map(readSerialized);
}

function readSerialized(json: string): SqlParseResult {
  if (json.startsWith('{"error":true')) {
    let doc: { error_message?: string; error_type?: string; position?: string };
    try {
      doc = JSON.parse(json) as typeof doc;
    } catch {
      return { ok: false, message: 'DuckDB returned an unreadable parse tree.' };
    }
    const pos = doc.position !== undefined ? Number(doc.position) : NaN;
    return {
      ok: false,
      message: doc.error_message ?? 'DuckDB could not parse this SQL.',
      ...(Number.isFinite(pos) ? { offset: pos } : {}),
      ...(doc.error_type ? { errorType: doc.error_type } : {}),
    };
  }
  // The tree is scanned for the few objects that matter rather than parsed whole: JSON.parse of
  // every query's full tree was most of discovery's time (the README's benchmark budgets). Structural `{"type":"…"` cannot come
  // from user text, whose quotes are escaped inside JSON strings.
  const cteNames = new Set<string>();
  for (const m of json.matchAll(CTE_ENTRY)) cteNames.add((JSON.parse(m[1]!) as string).toLowerCase());
  const tables: SqlTableRead[] = [];
  for (let at = json.indexOf(BASE_TABLE); at !== -1; at = json.indexOf(BASE_TABLE, at + 1)) {
    const obj = JSON.parse(json.slice(at, objectEnd(json, at))) as Record<string, unknown>;
    const table = obj['table_name'];
    if (typeof table !== 'string') continue;
    const schema = typeof obj['schema_name'] === 'string' && obj['schema_name'] ? obj['schema_name'] : undefined;
    const catalog = typeof obj['catalog_name'] === 'string' && obj['catalog_name'] ? obj['catalog_name'] : undefined;
    const offset = location(obj);
    tables.push({ table, ...(schema ? { schema } : {}), ...(catalog ? { catalog } : {}), ...(offset !== undefined ? { offset } : {}) });
  }
  const tableFunctions: SqlTableFunctionRead[] = [];
  for (let at = json.indexOf(TABLE_FUNCTION); at !== -1; at = json.indexOf(TABLE_FUNCTION, at + 1)) {
    const slice = json.slice(at, at + 4000);
    const head = FUNCTION_NAME.exec(slice);
    if (!head) continue;
    const name = JSON.parse(head[1]!) as string;
    const loc = Number(QUERY_LOCATION.exec(slice)?.[1] ?? NO_LOCATION);
    let firstArgument: string | undefined;
    const children = at + head.index + head[0].length;
    if (json.startsWith('"children":[{', children)) {
      const start = children + '"children":['.length;
      const first = JSON.parse(json.slice(start, objectEnd(json, start))) as Record<string, unknown>;
      const value = first['value'] as { value?: unknown; is_null?: boolean } | undefined;
      if (first['class'] === 'CONSTANT' && value && !value.is_null) firstArgument = String(value.value);
    }
    tableFunctions.push({
      name,
      ...(firstArgument !== undefined ? { firstArgument } : {}),
      ...(loc !== NO_LOCATION ? { offset: loc } : {}),
    });
  }
  const statementCount = countStatements(json);
  const reads = tables.filter((t) => t.schema !== undefined || t.catalog !== undefined || !cteNames.has(t.table.toLowerCase()));
  return { ok: true, statementCount, tables: reads, tableFunctions };
}

const BASE_TABLE = '{"type":"BASE_TABLE"';
const TABLE_FUNCTION = '{"type":"TABLE_FUNCTION"';
const FUNCTION_NAME = /"function_name":("(?:[^"\\]|\\.)*"),(?:"schema":"(?:[^"\\]|\\.)*",)?(?:"catalog":"(?:[^"\\]|\\.)*",)?/;
const QUERY_LOCATION = /"query_location":(\d+)/;
const CTE_ENTRY = /\{"key":("(?:[^"\\]|\\.)*"),"value":\{(?:"aliases":\[[^\]]*\],)?"query":/g;
const NO_LOCATION = 18446744073709551615;

function location(node: Record<string, unknown>): number | undefined {
  const q = node['query_location'];
  return typeof q === 'number' && q !== NO_LOCATION && q >= 0 ? q : undefined;
}

/** Offset just past the JSON object starting at `start` (a `{`), minding strings. */
function objectEnd(json: string, start: number): number {
  let depth = 0;
  for (let i = start; i < json.length; i++) {
    const c = json.charCodeAt(i);
    if (c === 34) {
      for (i++; i < json.length; i++) {
        const d = json.charCodeAt(i);
        if (d === 92) i++;
        else if (d === 34) break;
      }
    } else if (c === 123 || c === 91) depth++;
    else if (c === 125 || c === 93) {
      depth--;
      if (depth === 0) return i + 1;
    }
  }
  return json.length;
}

/** Top-level statements: the objects of the `statements` array. */
function countStatements(json: string): number {
  const start = json.indexOf('"statements":[');
  if (start === -1) return 0;
  let n = 0;
  let i = start + '"statements":['.length;
  while (json[i] === '{') {
    n++;
    i = objectEnd(json, i);
    if (json[i] === ',') i++;
  }
  return n;
}

/** DuckDB's parse tree of one SQL text (`json_serialize_sql`), for readers that need more than its tables (column lineage). */
export async function serializeSql(sql: string): Promise<unknown> {
  const [conn] = (await parserConnections()).conns;
  const r = await conn!.runAndReadAll('select json_serialize_sql($1::varchar, skip_empty := true, skip_null := true) as j', [sql]);
  return JSON.parse(String(r.getColumns()[0]![0]));
}

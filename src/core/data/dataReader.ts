import type { DuckDBConnection } from '@duckdb/node-api';
import { StatementType } from '@duckdb/node-api';
import type { TargetConfig } from '../project/targetConfig';
import { openTarget } from '../engine/targetConnection';
import type { DataColumn, DataValue } from './dataValue';
import { dataColumn, dataValueConverter } from './dataValue';
import type { BoundSql, DataSource, DataView } from './dataView';
import { contiguousRowidsSql, countSql, displaySql, firstRowsByRowidSql, pageSql, rowidPageSql, stripTrailingSemicolons } from './dataView';

export interface DataReadOptions {
  readonly projectRoot: string;
  readonly token?: string;
  readonly env?: Readonly<Record<string, string | undefined>>;
}

/** A read the user must hear about in their words: bad filter value, missing table, a query that would write. */
export class DataReadError extends Error {
  constructor(
    message: string,
    readonly reason: 'not-a-read' | 'several-statements' | 'missing-relation' | 'query',
  ) {
    super(message);
    this.name = 'DataReadError';
  }
}

export interface DataPage {
  readonly columns: readonly DataColumn[];
  /** One array per row, in column order. */
  readonly rows: readonly (readonly DataValue[])[];
  readonly offset: number;
  /** Rows in the whole view (after filters), when asked for. */
  readonly totalRows?: number;
  /** What ran, runnable when pasted: parameters written in as literals. */
  readonly sql: string;
  readonly elapsedMs: number;
}

export interface PageRequest {
  readonly source: DataSource;
  readonly view: DataView;
  readonly offset: number;
  readonly limit: number;
  /** Also count the rows of the view (the first page of a view; later pages reuse it). */
  readonly count?: boolean;
}

/**
 * Runs `use` on a read-only connection opened for it and closed after: the
 * file is never held between reads, and nothing here can write it.
 */
export async function withReadConnection<T>(target: TargetConfig, opts: DataReadOptions, use: (conn: DuckDBConnection) => Promise<T>): Promise<T> {
  const db = await openTarget(target, { projectRoot: opts.projectRoot, token: opts.token, env: opts.env, readOnly: true });
  try {
    const conn = await db.connect();
    try {
      return await use(conn);
    } finally {
      conn.closeSync();
    }
  } finally {
    db.close();
  }
}

/** One page of a relation or query on a target, with its columns and (on request) the view's row count. */
export async function readPage(target: TargetConfig, opts: DataReadOptions, request: PageRequest): Promise<DataPage> {
  return withReadConnection(target, opts, (conn) => readPageOn(conn, request));
}

/** Whether a page of this request may be read by row id (`rowidPageSql`): a plain relation, unsorted and unfiltered. */
export function positionalRelation(request: Pick<PageRequest, 'source' | 'view'>): string | undefined {
  const { source, view } = request;
  return source.kind === 'relation' && !view.sort?.length && !view.filters?.length ? source.relation : undefined;
}

/** Whether the relation's row ids are its positions; false for views and anything DuckDB gives no row id. */
export async function hasContiguousRowids(conn: DuckDBConnection, relation: string): Promise<boolean> {
  try {
    return (await conn.runAndReadAll(contiguousRowidsSql(relation))).getRowsJson()[0]?.[0] === true;
  } catch {
    return false;
  }
}

/**
 * `byRowid`: an unsorted, unfiltered table by row-id range; `tieBreakByRowid`:
 * the first page of a sorted table with ties in row-id order (as its row order).
 */
export async function readPageOn(conn: DuckDBConnection, request: PageRequest, how: { readonly byRowid?: boolean; readonly tieBreakByRowid?: boolean } = {}): Promise<DataPage> {
  const started = performance.now();
  if (request.source.kind === 'query') await assertSingleRead(conn, request.source.sql);
  const positional = how.byRowid ? positionalRelation(request) : undefined;
  const page = positional ? rowidPageSql(positional, request.offset, request.limit) : pageSql(request.source, request.view, request.offset, request.limit);
  const byRowidTies = how.tieBreakByRowid && request.offset === 0 && request.source.kind === 'relation' && request.view.sort?.length;
  // Shown either way: the plain page SQL (the same rows but for the order of ties).
  const reader = await run(conn, byRowidTies ? firstRowsByRowidSql((request.source as { relation: string }).relation, request.view, request.limit) : page, request.source);
  const names = reader.columnNames();
  const types = reader.columnTypes();
  const columns = names.map((n, i) => dataColumn(n, types[i]!));
  // Converted against the result's column types: the vectors' own types drop aliases such as JSON.
  const rows = reader.getRows().map((row) => row.map((v, i) => dataValueConverter(v, types[i]!, dataValueConverter)));
  let totalRows: number | undefined;
  if (request.count) {
    const counted = await run(conn, countSql(request.source, request.view), request.source);
    totalRows = Number(counted.getRowsJson()[0]?.[0] ?? 0);
  }
  return { columns, rows, offset: request.offset, ...(totalRows !== undefined ? { totalRows } : {}), sql: displaySql(page), elapsedMs: performance.now() - started };
}

export async function run(conn: DuckDBConnection, bound: BoundSql, source: DataSource) {
  try {
    return bound.params.length > 0 ? await conn.runAndReadAll(bound.sql, [...bound.params]) : await conn.runAndReadAll(bound.sql);
  } catch (err) {
    throw describeReadError(err, source);
  }
}

function describeReadError(err: unknown, source: DataSource): Error {
  const raw = err instanceof Error ? err.message : String(err);
  const first = raw.split('\n')[0] ?? raw;
  if (source.kind === 'relation' && /Table with name .* does not exist|Catalog .* does not exist|Schema with name .* does not exist/i.test(raw)) {
    return new DataReadError(`${source.relation} does not exist on this target yet: materialize it first. (${first})`, 'missing-relation');
  }
  return new DataReadError(first, 'query');
}

const READ_TYPES: ReadonlySet<StatementType> = new Set([StatementType.SELECT]);

/**
 * A typed query must be one statement that reads. The connection is read-only
 * already, but read-only DuckDB still runs COPY … TO, ATTACH, SET and temp
 * tables: those are refused here, before anything runs.
 */
export async function assertSingleRead(conn: DuckDBConnection, sql: string): Promise<void> {
  const text = stripTrailingSemicolons(sql);
  if (text.trim() === '') throw new DataReadError('The query is empty: select some SQL, or put a query in the file.', 'query');
  let extracted;
  try {
    extracted = await conn.extractStatements(text);
  } catch (err) {
    throw new DataReadError((err instanceof Error ? err.message : String(err)).split('\n')[0]!, 'query');
  }
  if (extracted.count !== 1) {
    throw new DataReadError(`The query holds ${extracted.count} statements: select the one to run.`, 'several-statements');
  }
  let prepared;
  try {
    prepared = await extracted.prepare(0);
  } catch (err) {
    throw new DataReadError((err instanceof Error ? err.message : String(err)).split('\n')[0]!, 'query');
  }
  if (!READ_TYPES.has(prepared.statementType)) {
    const kind = StatementType[prepared.statementType] ?? 'other';
    throw new DataReadError(`Only reads run here (SELECT, FROM, WITH, DESCRIBE, SUMMARIZE…): this statement is ${kind.replace(/_/g, ' ')}, which would change something.`, 'not-a-read');
  }
}

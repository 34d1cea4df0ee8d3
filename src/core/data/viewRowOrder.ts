import { rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { DuckDBConnection } from '@duckdb/node-api';
import type { DataPage, PageRequest } from './dataReader';
import { assertSingleRead, run } from './dataReader';
import { dataColumn, dataValueConverter } from './dataValue';
import type { DataColumn, DataValue } from './dataValue';
import type { DataSource, DataView } from './dataView';
import { countSql, displaySql, orderClause, pageSql, viewSql, whereClause } from './dataView';
import { privateTempDir } from '../privateTempDir';

/** The catalog name of the order file attached to the read-only connection. */
const ORDER_CATALOG = '"asset_studio_view_order"';
/** Orders kept per session: the view shown and the one before (toggling a sort back is free). */
const KEPT_ORDERS = 2;
/**
 * At most this many rows are read at once through an order: DuckDB pushes a
 * join's keys into the other side's scan as one IN filter only up to
 * `dynamic_or_filter_threshold` keys (50 by default; the session's connection
 * raises it to this, `raiseJoinFilterLimit`); past it the whole relation is scanned.
 */
export const READ_ROWS_MAX = 1_000;
/** Lets a join push up to READ_ROWS_MAX keys into a scan, on this connection only (DuckDB's default: 50). */
export async function raiseJoinFilterLimit(conn: DuckDBConnection): Promise<void> {
  await conn.run(`SET SESSION dynamic_or_filter_threshold = ${READ_ROWS_MAX}`);
}

/** Rows read lately, kept in memory (LRU): scrolling back and forth reads nothing again. */
const KEPT_ROWS = 12_000;
/** A query's (or a view's) rows are copied into the order file up to this many; beyond it they are paged by OFFSET. */
export const MATERIALIZED_ROWS = 1_000_000;

interface Rows {
  readonly columns: readonly DataColumn[];
  readonly rows: readonly DataValue[][];
}

/** Rows at positions start… of an order, read together. */
interface Segment extends Rows {
  readonly table: string;
  readonly start: number;
}

/** What a sorted/filtered view looked like when its order was computed: a changed file invalidates it. */
function fileIdentity(location: string): string {
  const part = (path: string) => {
    try {
      const s = statSync(path);
      return `${s.size}:${s.mtimeMs}`;
    } catch {
      return '-';
    }
  };
  return `${part(location)}|${part(`${location}.wal`)}`;
}

interface RowOrder {
  readonly table: string;
  readonly identity: string;
  readonly rows: number;
  /**
   * `rowids`: the view's row ids in order, its rows read from the relation;
   * `rows`: the view's rows themselves (a query, or a view, which have no row ids).
   */
  readonly holds: 'rowids' | 'rows';
  /** The rows' column names as the query gives them: a stored copy renames duplicates (`a`, `a_1`). */
  readonly names?: readonly string[];
}

/**
 * The order of a view (sorted, filtered, or a query's result), computed once
 * into a private DuckDB file attached to the read-only connection (the user's
 * file is never written): a table's row ids in the view's order, or, for a
 * query or a view without row ids, its rows themselves when there are at most
 * `MATERIALIZED_ROWS`. A page is then the rows at positions
 * offset…offset+limit — a row-id range of that table — instead of sorting (or
 * running the query) up to the offset. Bounded: one row id per row of a view
 * on disk (or a bounded copy), for at most two views; the folder is removed on
 * dispose.
 */
export class ViewRowOrders {
  private readonly dir = privateTempDir('asset-studio-view-order-');
  private readonly orders = new Map<string, RowOrder>();
  /** Views with no row order (a query too large to copy): paged by OFFSET. */
  private readonly unsupported = new Set<string>();
  /** Segments read lately, least recently used first. */
  private readonly segments = new Map<string, Segment>();
  private keptRows = 0;
  private attachedTo: DuckDBConnection | undefined;
  private next = 0;

  constructor(
    private readonly location: string,
    private readonly materializedRows = MATERIALIZED_ROWS,
  ) {}

  private key(request: Pick<PageRequest, 'source' | 'view'>): string {
    return JSON.stringify([request.source, request.view.sort ?? [], request.view.filters ?? []]);
  }

  /** The order is computed and still matches the file. */
  has(request: Pick<PageRequest, 'source' | 'view'>): boolean {
    const order = this.orders.get(this.key(request));
    return order !== undefined && order.identity === fileIdentity(this.location);
  }

  /** The order is computed, matches the file, and a page of it is rows scattered through the table (read by row id, sorted). */
  scattersRows(request: Pick<PageRequest, 'source' | 'view'>): boolean {
    return this.has(request) && this.orders.get(this.key(request))!.holds === 'rowids' && (request.view.sort?.length ?? 0) > 0;
  }

  isUnsupported(request: Pick<PageRequest, 'source' | 'view'>): boolean {
    return this.unsupported.has(this.key(request));
  }

  /** A page through the view's row order, computing the order first when it is missing or stale; undefined when the view has none. */
  async page(conn: DuckDBConnection, request: PageRequest): Promise<DataPage | undefined> {
    const started = performance.now();
    const order = await this.ensure(conn, request);
    if (!order) return undefined;
    const end = Math.min(request.offset + request.limit, order.rows);
    let columns: readonly DataColumn[] | undefined;
    const rows: DataValue[][] = [];
    // Only the rows not in memory are read, at most READ_ROWS_MAX at once: scattered rows cost by how many
    // vectors of the relation they touch (each decompressed whole, every column), so by how many rows.
    for (let at = request.offset; at < end; ) {
      const known = this.segmentAt(order.table, at);
      if (known) {
        const upTo = Math.min(end, known.start + known.rows.length);
        rows.push(...known.rows.slice(at - known.start, upTo - known.start));
        columns = known.columns;
        at = upTo;
        continue;
      }
      const stop = Math.min(end, at + READ_ROWS_MAX, this.nextSegmentStart(order.table, at));
      const read = await this.readRows(conn, order, request.source, at, stop);
      this.keep({ table: order.table, start: at, ...read });
      rows.push(...read.rows);
      columns = read.columns;
      at = stop;
    }
    columns ??= (await this.readRows(conn, order, request.source, 0, 0)).columns;
    // Shown: the SQL these rows are (runnable as pasted); the order file it was read through is not the user's concern.
    const shown = displaySql(pageSql(request.source, request.view, request.offset, request.limit));
    return { columns, rows, offset: request.offset, ...(request.count ? { totalRows: order.rows } : {}), sql: shown, elapsedMs: performance.now() - started };
  }

  private segmentAt(table: string, position: number): Segment | undefined {
    for (const [id, segment] of this.segments) {
      if (segment.table !== table || position < segment.start || position >= segment.start + segment.rows.length) continue;
      this.segments.delete(id);
      this.segments.set(id, segment); // most recently used last
      return segment;
    }
    return undefined;
  }

  private nextSegmentStart(table: string, position: number): number {
    let next = Infinity;
    for (const segment of this.segments.values()) if (segment.table === table && segment.start > position) next = Math.min(next, segment.start);
    return next;
  }

  private keep(segment: Segment): void {
    if (segment.rows.length === 0) return;
    this.segments.set(`${segment.table}:${segment.start}`, segment);
    this.keptRows += segment.rows.length;
    for (const [id, old] of this.segments) {
      if (this.keptRows <= KEPT_ROWS) break;
      this.segments.delete(id);
      this.keptRows -= old.rows.length;
    }
  }

  private async readRows(conn: DuckDBConnection, order: RowOrder, source: DataSource, first: number, end: number): Promise<Rows> {
    const range = `FROM ${ORDER_CATALOG}.main."${order.table}" WHERE rowid >= ${first} AND rowid < ${Math.max(first, end)}`;
    // A join on the row ids: DuckDB pushes the ids into the relation's scan as an IN filter, which skips every vector holding none of them.
    const sql =
      order.holds === 'rows'
        ? `SELECT * ${range} ORDER BY rowid`
        : `SELECT "w".* FROM ${(source as { relation: string }).relation} AS "w" JOIN (SELECT rowid AS "pos", "rid" ${range}) AS "p" ON "w".rowid = "p"."rid" ORDER BY "p"."pos"`;
    const reader = await conn.runAndReadAll(sql);
    const colTypes = reader.columnTypes();
    const names = order.names ?? reader.columnNames();
    const columns = reader.columnNames().map((n, i) => dataColumn(names[i] ?? n, colTypes[i]!));
    const rows = reader.getRows().map((row) => row.map((v, i) => dataValueConverter(v, colTypes[i]!, dataValueConverter)));
    return { columns, rows };
  }

  /** Computes the view's row order now (after a first page read by OFFSET), so later pages find it. */
  async prepare(conn: DuckDBConnection, request: Pick<PageRequest, 'source' | 'view'>): Promise<void> {
    await this.ensure(conn, request);
  }

  private async ensure(conn: DuckDBConnection, request: Pick<PageRequest, 'source' | 'view'>): Promise<RowOrder | undefined> {
    const key = this.key(request);
    if (this.unsupported.has(key)) return undefined;
    await this.attach(conn);
    const identity = fileIdentity(this.location);
    const known = this.orders.get(key);
    if (known && known.identity === identity) {
      this.orders.delete(key);
      this.orders.set(key, known); // most recently used last
      return known;
    }
    if (known) await this.drop(conn, key, known);
    const table = `order_${this.next++}`;
    const order = await this.compute(conn, request.source, request.view, table, identity);
    if (!order) {
      this.unsupported.add(key);
      return undefined;
    }
    this.orders.set(key, order);
    for (const [k, o] of this.orders) {
      if (this.orders.size <= KEPT_ORDERS) break;
      await this.drop(conn, k, o);
    }
    return order;
  }

  private async compute(conn: DuckDBConnection, source: DataSource, view: DataView, table: string, identity: string): Promise<RowOrder | undefined> {
    if (source.kind === 'relation') {
      const params: string[] = [];
      const where = whereClause(view.filters, params);
      // Ties broken by row id, so the order is one order, whatever DuckDB's sort does with equal keys.
      const order = view.sort?.length ? `${orderClause(view.sort)}, rowid` : ' ORDER BY rowid';
      const sql = `CREATE OR REPLACE TABLE ${ORDER_CATALOG}.main."${table}" AS SELECT rowid AS "rid" FROM ${source.relation}${where}${order}`;
      try {
        await run(conn, { sql, params }, source);
        return { table, identity, rows: await this.count(conn, table), holds: 'rowids' };
      } catch (err) {
        // No row ids here (a view): its rows are copied instead, below. Anything else is the user's to hear.
        if (!/rowid/i.test(err instanceof Error ? err.message : String(err))) throw err;
      }
    }
    return this.copyRows(conn, source, view, table, identity);
  }

  /** A query's (or a view's) rows in the view's order, copied when there are at most `materializedRows`; undefined otherwise. */
  private async copyRows(conn: DuckDBConnection, source: DataSource, view: DataView, table: string, identity: string): Promise<RowOrder | undefined> {
    if (source.kind === 'query') await assertSingleRead(conn, source.sql);
    const total = Number((await run(conn, countSql(source, view), source)).getRowsJson()[0]?.[0] ?? 0);
    if (total > this.materializedRows) return undefined;
    const names = (await run(conn, pageSql(source, view, 0, 0), source)).columnNames();
    const rows = viewSql(source, view);
    try {
      await run(conn, { sql: `CREATE OR REPLACE TABLE ${ORDER_CATALOG}.main."${table}" AS ${rows.sql}`, params: rows.params }, source);
    } catch {
      // A result DuckDB cannot store as a table: paged by OFFSET, where its error (if any) is the user's to hear.
      return undefined;
    }
    return { table, identity, rows: await this.count(conn, table), holds: 'rows', names };
  }

  private async count(conn: DuckDBConnection, table: string): Promise<number> {
    return Number((await conn.runAndReadAll(`SELECT count(*) FROM ${ORDER_CATALOG}.main."${table}"`)).getRowsJson()[0]?.[0] ?? 0);
  }

  private async drop(conn: DuckDBConnection, key: string, order: RowOrder): Promise<void> {
    this.orders.delete(key);
    for (const [id, segment] of [...this.segments]) {
      if (segment.table !== order.table) continue;
      this.segments.delete(id);
      this.keptRows -= segment.rows.length;
    }
    await conn.run(`DROP TABLE IF EXISTS ${ORDER_CATALOG}.main."${order.table}"`);
  }

  /** The order file, attached read-write to this connection (a private file; the user's stays read-only). */
  private async attach(conn: DuckDBConnection): Promise<void> {
    if (this.attachedTo === conn) return;
    const file = join(this.dir, 'orders.duckdb').replace(/'/g, "''");
    await conn.run(`ATTACH IF NOT EXISTS '${file}' AS ${ORDER_CATALOG} (READ_WRITE)`);
    this.attachedTo = conn;
  }

  /** Detaches the order file before the connection closes (a shared instance must not keep it). */
  async detach(conn: DuckDBConnection): Promise<void> {
    if (this.attachedTo !== conn) return;
    this.attachedTo = undefined;
    await conn.run(`DETACH DATABASE IF EXISTS ${ORDER_CATALOG}`);
  }

  dispose(): void {
    this.orders.clear();
    this.segments.clear();
    this.keptRows = 0;
    rmSync(this.dir, { recursive: true, force: true });
  }
}

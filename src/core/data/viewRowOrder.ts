import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DuckDBConnection } from '@duckdb/node-api';
import type { DataPage, PageRequest } from './dataReader';
import { assertSingleRead, run } from './dataReader';
import { dataColumn, dataValueConverter } from './dataValue';
import type { DataColumn, DataValue } from './dataValue';
import type { DataSource, DataView } from './dataView';
import { countSql, displaySql, orderClause, pageSql, viewSql, whereClause } from './dataView';

/** The catalog name of the order file attached to the read-only connection. */
const ORDER_CATALOG = '"asset_studio_view_order"';
/** Orders kept per session: the view shown and the one before (toggling a sort back is free). */
const KEPT_ORDERS = 2;
/**
 * Rows read at once through an order. Scattered rows cost by how many vectors
 * of the relation they touch (each decompressed whole, every column), so a
 * chunk is kept near a page. The last KEPT_CHUNKS chunks are kept in memory.
 */
export const CHUNK_ROWS = 200;
const KEPT_CHUNKS = 60;
/** A query's (or a view's) rows are copied into the order file up to this many; beyond it they are paged by OFFSET. */
export const MATERIALIZED_ROWS = 1_000_000;

interface Chunk {
  readonly columns: readonly DataColumn[];
  readonly rows: readonly DataValue[][];
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
  private readonly dir = mkdtempSync(join(tmpdir(), 'asset-studio-view-order-'));
  private readonly orders = new Map<string, RowOrder>();
  /** Views with no row order (a query too large to copy): paged by OFFSET. */
  private readonly unsupported = new Set<string>();
  private readonly chunks = new Map<string, Chunk>();
  private attachedTo: DuckDBConnection | undefined;
  private next = 0;

  constructor(private readonly location: string) {}

  private key(request: Pick<PageRequest, 'source' | 'view'>): string {
    return JSON.stringify([request.source, request.view.sort ?? [], request.view.filters ?? []]);
  }

  /** The order is computed and still matches the file. */
  has(request: Pick<PageRequest, 'source' | 'view'>): boolean {
    const order = this.orders.get(this.key(request));
    return order !== undefined && order.identity === fileIdentity(this.location);
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
    let columns: readonly DataColumn[] = [];
    const rows: DataValue[][] = [];
    // Whole chunks around the page: a chunk read lately is in memory.
    for (let chunk = Math.floor(request.offset / CHUNK_ROWS); chunk * CHUNK_ROWS < Math.max(end, request.offset + 1) && chunk * CHUNK_ROWS < order.rows; chunk++) {
      const got = await this.chunk(conn, order, request.source, chunk);
      columns = got.columns;
      const lo = Math.max(request.offset, chunk * CHUNK_ROWS) - chunk * CHUNK_ROWS;
      const hi = Math.min(end, (chunk + 1) * CHUNK_ROWS) - chunk * CHUNK_ROWS;
      rows.push(...got.rows.slice(lo, Math.max(lo, hi)));
    }
    if (columns.length === 0) columns = (await this.chunk(conn, order, request.source, 0)).columns;
    // Shown: the SQL these rows are (runnable as pasted); the order file it was read through is not the user's concern.
    const shown = displaySql(pageSql(request.source, request.view, request.offset, request.limit));
    return { columns, rows, offset: request.offset, ...(request.count ? { totalRows: order.rows } : {}), sql: shown, elapsedMs: performance.now() - started };
  }

  /** Rows at positions chunk × CHUNK_ROWS… of the order, from memory when read lately. */
  private async chunk(conn: DuckDBConnection, order: RowOrder, source: DataSource, index: number): Promise<Chunk> {
    const id = `${order.table}:${index}`;
    const known = this.chunks.get(id);
    if (known) {
      this.chunks.delete(id);
      this.chunks.set(id, known);
      return known;
    }
    const read = await this.readRows(conn, order, source, index * CHUNK_ROWS, Math.min((index + 1) * CHUNK_ROWS, order.rows));
    this.chunks.set(id, read);
    for (const k of this.chunks.keys()) {
      if (this.chunks.size <= KEPT_CHUNKS) break;
      this.chunks.delete(k);
    }
    return read;
  }

  private async readRows(conn: DuckDBConnection, order: RowOrder, source: DataSource, first: number, end: number): Promise<Chunk> {
    const range = `FROM ${ORDER_CATALOG}.main."${order.table}" WHERE rowid >= ${first} AND rowid < ${Math.max(first, end)}`;
    // A join on the row ids: DuckDB pushes the chunk's ids into the relation's scan as an IN filter (up to
    // `dynamic_or_filter_threshold` ids, raised to a chunk on attach), which skips every vector holding none of them.
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

  /** A query's (or a view's) rows in the view's order, copied when there are at most MATERIALIZED_ROWS; undefined otherwise. */
  private async copyRows(conn: DuckDBConnection, source: DataSource, view: DataView, table: string, identity: string): Promise<RowOrder | undefined> {
    if (source.kind === 'query') await assertSingleRead(conn, source.sql);
    const total = Number((await run(conn, countSql(source, view), source)).getRowsJson()[0]?.[0] ?? 0);
    if (total > MATERIALIZED_ROWS) return undefined;
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
    for (const id of [...this.chunks.keys()]) if (id.startsWith(`${order.table}:`)) this.chunks.delete(id);
    await conn.run(`DROP TABLE IF EXISTS ${ORDER_CATALOG}.main."${order.table}"`);
  }

  /** The order file, attached read-write to this connection (a private file; the user's stays read-only). */
  private async attach(conn: DuckDBConnection): Promise<void> {
    if (this.attachedTo === conn) return;
    const file = join(this.dir, 'orders.duckdb').replace(/'/g, "''");
    await conn.run(`ATTACH IF NOT EXISTS '${file}' AS ${ORDER_CATALOG} (READ_WRITE)`);
    // This connection only: a chunk's row ids are pushed into the relation's scan as one IN filter (default: 50).
    await conn.run(`SET SESSION dynamic_or_filter_threshold = ${CHUNK_ROWS}`);
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
    this.chunks.clear();
    rmSync(this.dir, { recursive: true, force: true });
  }
}

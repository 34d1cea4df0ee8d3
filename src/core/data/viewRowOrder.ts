import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DuckDBConnection, DuckDBType, DuckDBValue } from '@duckdb/node-api';
import { BIGINT } from '@duckdb/node-api';
import type { DataPage, PageRequest } from './dataReader';
import { run } from './dataReader';
import { dataColumn, dataValueConverter } from './dataValue';
import type { DataColumn, DataValue } from './dataValue';
import type { DataSource, DataView } from './dataView';
import { displaySql, orderClause, pageSql, whereClause } from './dataView';
import { quoteIdent } from '../engine/sqlIdentifiers';

/** The catalog name of the order file attached to the read-only connection. */
const ORDER_CATALOG = '"asset_studio_view_order"';
/** Orders kept per session: the view shown and the one before (toggling a sort back is free). */
const KEPT_ORDERS = 2;
/**
 * Rows read at once through an order: three pages, the one on screen and the
 * two the grid asks for next. Scattered rows cost by how many vectors they
 * touch: 600 cost ~2× what 200 do, 2,000 ~4× (measured). The last 20 chunks
 * (12,000 rows) are kept.
 */
export const CHUNK_ROWS = 600;
const KEPT_CHUNKS = 20;

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
  /** The first sort column, stored beside the row id to narrow a page's scan to its key range. */
  readonly keyColumn?: string;
  readonly keyType?: DuckDBType;
}

/**
 * The order of a sorted or filtered view of a table, computed once:
 * `SELECT rowid … ORDER BY …` into a private DuckDB file attached to the
 * read-only connection (the user's file is never written). A page is then the
 * rows whose ids sit at positions offset…offset+limit, fetched with a scan
 * narrowed to the page's key range and row-id range, instead of sorting up to
 * the offset. Bounded: one row id (and the first sort key) per row of the
 * view on disk, for at most two views; the folder is removed on dispose.
 */
export class ViewRowOrders {
  private readonly dir = mkdtempSync(join(tmpdir(), 'asset-studio-view-order-'));
  private readonly orders = new Map<string, RowOrder>();
  /** Views with no row ids (views, queries): paged by OFFSET. */
  private readonly unsupported = new Set<string>();
  private readonly chunks = new Map<string, Chunk>();
  private attachedTo: DuckDBConnection | undefined;
  private next = 0;

  constructor(private readonly location: string) {}

  /** Whether a page of this request can come from a row order (a table's rows, sorted or filtered). */
  static applies(request: Pick<PageRequest, 'source' | 'view'>): request is Pick<PageRequest, 'view'> & { source: DataSource & { kind: 'relation' } } {
    return request.source.kind === 'relation' && !!(request.view.sort?.length || request.view.filters?.length);
  }

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

  /** A page through the view's row order, computing the order first when it is missing or stale; undefined when the relation has no row ids. */
  async page(conn: DuckDBConnection, request: PageRequest): Promise<DataPage | undefined> {
    const started = performance.now();
    const order = await this.ensure(conn, request);
    if (!order) return undefined;
    const end = Math.min(request.offset + request.limit, order.rows);
    let columns: readonly DataColumn[] = [];
    const rows: DataValue[][] = [];
    // Whole chunks around the page: the pages either side come with it, and are then in memory.
    for (let chunk = Math.floor(request.offset / CHUNK_ROWS); chunk * CHUNK_ROWS < Math.max(end, request.offset + 1) && chunk * CHUNK_ROWS < order.rows; chunk++) {
      const got = await this.chunk(conn, order, (request.source as { relation: string }).relation, chunk);
      columns = got.columns;
      const lo = Math.max(request.offset, chunk * CHUNK_ROWS) - chunk * CHUNK_ROWS;
      const hi = Math.min(end, (chunk + 1) * CHUNK_ROWS) - chunk * CHUNK_ROWS;
      rows.push(...got.rows.slice(lo, Math.max(lo, hi)));
    }
    if (columns.length === 0) columns = (await this.chunk(conn, order, (request.source as { relation: string }).relation, 0)).columns;
    // Shown: the SQL these rows are (runnable as pasted); the order file it was read through is not the user's concern.
    const shown = displaySql(pageSql(request.source, request.view, request.offset, request.limit));
    return { columns, rows, offset: request.offset, ...(request.count ? { totalRows: order.rows } : {}), sql: shown, elapsedMs: performance.now() - started };
  }

  /** Rows at positions chunk × CHUNK_ROWS… of the order, from memory when read lately. */
  private async chunk(conn: DuckDBConnection, order: RowOrder, relation: string, index: number): Promise<Chunk> {
    const id = `${order.table}:${index}`;
    const known = this.chunks.get(id);
    if (known) {
      this.chunks.delete(id);
      this.chunks.set(id, known);
      return known;
    }
    const read = await this.readRows(conn, order, relation, index * CHUNK_ROWS, Math.min((index + 1) * CHUNK_ROWS, order.rows));
    this.chunks.set(id, read);
    for (const k of this.chunks.keys()) {
      if (this.chunks.size <= KEPT_CHUNKS) break;
      this.chunks.delete(k);
    }
    return read;
  }

  private async readRows(conn: DuckDBConnection, order: RowOrder, relation: string, first: number, end: number): Promise<Chunk> {
    const range = `FROM ${ORDER_CATALOG}.main."${order.table}" WHERE rowid >= ${first} AND rowid < ${Math.max(first, end)}`;
    const positions = `SELECT rowid AS "pos", "rid" ${range}`;
    // The rows' bounds: their row-id range always, their key range when the view is sorted — both let DuckDB skip row groups and vectors.
    const bounds = (await conn.runAndReadAll(`SELECT min("rid"), max("rid")${order.keyColumn ? ', min("k"), max("k"), count(*) FILTER ("k" IS NULL)' : ''} ${range}`)).getRows()[0]!;
    const values: DuckDBValue[] = [bounds[0] ?? 0n, bounds[1] ?? -1n];
    const byRowid = ['"w".rowid BETWEEN $1 AND $2'];
    const byKey = [...byRowid];
    const keyValues = [...values];
    const keyTypes: DuckDBType[] = [];
    if (order.keyColumn && order.keyType) {
      const key = `"w".${order.keyColumn}`;
      const hasNulls = Number(bounds[4] ?? 0) > 0;
      if (bounds[2] !== null && bounds[2] !== undefined) {
        keyValues.push(bounds[2], bounds[3]!);
        keyTypes.push(order.keyType, order.keyType);
        byKey.push(hasNulls ? `(${key} BETWEEN $3 AND $4 OR ${key} IS NULL)` : `${key} BETWEEN $3 AND $4`);
      } else if (hasNulls) {
        byKey.push(`${key} IS NULL`);
      }
    }
    const sql = (conditions: string[]) => `SELECT "w".* FROM ${relation} AS "w" JOIN (${positions}) AS "p" ON "w".rowid = "p"."rid" WHERE ${conditions.join(' AND ')} ORDER BY "p"."pos"`;
    let reader;
    try {
      reader = keyTypes.length > 0 ? await conn.runAndReadAll(sql(byKey), keyValues, [BIGINT, BIGINT, ...keyTypes]) : await conn.runAndReadAll(sql(byKey), keyValues);
    } catch {
      // A key whose values cannot be bound back (an unusual type): the row-id range alone still gives the rows.
      reader = await conn.runAndReadAll(sql(byRowid), values);
    }
    const colTypes = reader.columnTypes();
    const columns = reader.columnNames().map((n, i) => dataColumn(n, colTypes[i]!));
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
    const params: string[] = [];
    const where = whereClause(view.filters, params);
    const first = view.sort?.[0];
    const keyColumn = first ? quoteIdent(first.column) : undefined;
    // Ties broken by row id, so the order is one order, whatever DuckDB's sort does with equal keys.
    const order = view.sort?.length ? `${orderClause(view.sort)}, rowid` : ' ORDER BY rowid';
    const sql = `CREATE OR REPLACE TABLE ${ORDER_CATALOG}.main."${table}" AS SELECT ${keyColumn ? `${keyColumn} AS "k", ` : ''}rowid AS "rid" FROM ${(source as { relation: string }).relation}${where}${order}`;
    try {
      await run(conn, { sql, params }, source);
    } catch (err) {
      // No row ids here (a view): the caller pages by OFFSET. Anything else is the user's to hear.
      if (/rowid/i.test(err instanceof Error ? err.message : String(err))) return undefined;
      throw err;
    }
    const counted = await conn.runAndReadAll(`SELECT count(*)${keyColumn ? ', any_value("k")' : ''} FROM ${ORDER_CATALOG}.main."${table}"`);
    const rows = Number(counted.getRowsJson()[0]?.[0] ?? 0);
    return { table, identity, rows, ...(keyColumn ? { keyColumn, keyType: counted.columnTypes()[1]! } : {}) };
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

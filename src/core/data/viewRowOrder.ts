import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DuckDBConnection, DuckDBType, DuckDBValue } from '@duckdb/node-api';
import { BIGINT } from '@duckdb/node-api';
import type { DataPage, PageRequest } from './dataReader';
import { run } from './dataReader';
import { dataColumn, dataValueConverter } from './dataValue';
import type { DataSource, DataView } from './dataView';
import { displaySql, orderClause, pageSql, whereClause } from './dataView';
import { quoteIdent } from '../engine/sqlIdentifiers';

/** The catalog name of the order file attached to the read-only connection. */
const ORDER_CATALOG = '"asset_studio_view_order"';
/** Orders kept per session: the view shown and the one before (toggling a sort back is free). */
const KEPT_ORDERS = 2;

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
    const relation = (request.source as { relation: string }).relation;
    const first = request.offset;
    const end = Math.min(request.offset + request.limit, order.rows);
    const positions = `SELECT rowid AS "pos", "rid" FROM ${ORDER_CATALOG}.main."${order.table}" WHERE rowid >= ${first} AND rowid < ${Math.max(first, end)}`;
    // The page's bounds: its row-id range always, its key range when the view is sorted — both let DuckDB skip row groups.
    const bounds = (await conn.runAndReadAll(`SELECT min("rid"), max("rid")${order.keyColumn ? ', min("k"), max("k"), count(*) FILTER ("k" IS NULL)' : ''} FROM ${ORDER_CATALOG}.main."${order.table}" WHERE rowid >= ${first} AND rowid < ${Math.max(first, end)}`)).getRows()[0]!;
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
      // A key whose values cannot be bound back (an unusual type): the row-id range alone still gives the page.
      reader = await conn.runAndReadAll(sql(byRowid), values);
    }
    const colTypes = reader.columnTypes();
    const columns = reader.columnNames().map((n, i) => dataColumn(n, colTypes[i]!));
    const rows = reader.getRows().map((row) => row.map((v, i) => dataValueConverter(v, colTypes[i]!, dataValueConverter)));
    // Shown: the SQL these rows are (runnable as pasted); the order file it was read through is not the user's concern.
    const shown = displaySql(pageSql(request.source, request.view, request.offset, request.limit));
    return { columns, rows, offset: request.offset, ...(request.count ? { totalRows: order.rows } : {}), sql: shown, elapsedMs: performance.now() - started };
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
    rmSync(this.dir, { recursive: true, force: true });
  }
}

import type { DuckDBConnection } from '@duckdb/node-api';
import type { TargetConfig } from '../project/targetConfig';
import { openTarget } from '../engine/targetConnection';
import type { TargetConnection } from '../engine/targetConnection';
import type { DataPage, DataReadOptions, PageRequest } from './dataReader';
import { DataReadError, hasContiguousRowids, positionalRelation, readPageOn } from './dataReader';
import type { DataProfile } from './dataProfile';
import { readProfileOn } from './dataProfile';
import type { DataSource, DataView } from './dataView';
import type { DataExport, ExportFormat } from './dataExport';
import { exportViewOn } from './dataExport';
import { MATERIALIZED_ROWS, ViewRowOrders, raiseJoinFilterLimit } from './viewRowOrder';
import { displaySql, pageSql } from './dataView';

/**
 * Rows of a sorted or filtered view read in one turn at most: they are scattered
 * through the table and cost by rows read, so a longer read would hold the
 * connection while the user waits for the screen they jumped to (a screen is ~40 rows).
 */
export const ORDER_READ_ROWS = 100;

/** A page read skipped because it was no longer wanted when its turn came. */
export class SkippedRead extends Error {
  constructor() {
    super('skipped: no longer on screen');
    this.name = 'SkippedRead';
  }
}

/** Close after this long without a read: another process waiting for the file gets it within a second of scrolling stopping. */
export const IDLE_CLOSE_MS = 1_000;
/** Close and reopen at least this often, so that even endless scrolling never starves a writer. */
export const MAX_HOLD_MS = 5_000;

/**
 * Reads of one target for the data panel. Opening a large DuckDB file costs
 * more than reading a page of it, so pages read in a burst (scrolling) share
 * one read-only connection, closed after a short idle time; otherwise each
 * read would reopen the file.
 */
export class DataReadSession {
  private db: TargetConnection | undefined;
  private conn: DuckDBConnection | undefined;
  private openedAt = 0;
  private idleTimer: NodeJS.Timeout | undefined;
  private queue: Promise<unknown> = Promise.resolve();
  private closed = false;
  /** Row orders of sorted/filtered views of a local file, made on first use. */
  private rowOrders: ViewRowOrders | undefined;

  constructor(
    readonly target: TargetConfig,
    private readonly opts: DataReadOptions,
    private readonly timing = { idleMs: IDLE_CLOSE_MS, maxHoldMs: MAX_HOLD_MS },
    /** Up to how many rows a query's (or a view's) result is copied to be paged by position (tests lower it). */
    private readonly materializedRows = MATERIALIZED_ROWS,
  ) {}

  /** Relations whose row ids are their positions, found once per session. */
  private readonly contiguous = new Map<string, boolean>();

  /**
   * A page. `stillWanted` is asked when the read's turn comes: a page the grid
   * has scrolled away from meanwhile is skipped (`SkippedRead`), not read.
   */
  page(request: PageRequest, stillWanted?: () => boolean): Promise<DataPage> {
    if (request.limit > ORDER_READ_ROWS && this.rowOrders?.scattersRows(request)) return this.pageInTurns(request, stillWanted);
    return this.pageInOneTurn(request, stillWanted);
  }

  /**
   * A page through a row order, read `ORDER_READ_ROWS` at a time, each part in
   * its own turn: a read asked meanwhile (the screen after a jump) waits for one
   * part, not the whole page, and a page no longer wanted stops between parts.
   */
  private async pageInTurns(request: PageRequest, stillWanted?: () => boolean): Promise<DataPage> {
    const end = request.offset + request.limit;
    const parts: DataPage[] = [];
    for (let at = request.offset; at < end; at += ORDER_READ_ROWS) {
      const limit = Math.min(ORDER_READ_ROWS, end - at);
      const part = await this.pageInOneTurn({ ...request, offset: at, limit, count: request.count && at === request.offset }, stillWanted);
      parts.push(part);
      if (part.rows.length < limit) break; // the view's end
    }
    const [first] = parts;
    return {
      columns: first!.columns,
      rows: parts.flatMap((p) => p.rows),
      offset: request.offset,
      ...(first!.totalRows !== undefined ? { totalRows: first!.totalRows } : {}),
      sql: displaySql(pageSql(request.source, request.view, request.offset, request.limit)),
      elapsedMs: parts.reduce((sum, p) => sum + p.elapsedMs, 0),
    };
  }

  private pageInOneTurn(request: PageRequest, stillWanted?: () => boolean): Promise<DataPage> {
    return this.use(async (conn) => {
      if (stillWanted && !stillWanted()) throw new SkippedRead();
      const relation = positionalRelation(request);
      if (relation !== undefined && !this.contiguous.has(relation)) this.contiguous.set(relation, await hasContiguousRowids(conn, relation));
      const byRowid = relation !== undefined && this.contiguous.get(relation) === true;
      // Anything else than a table's own order (sorted, filtered, a query, a view, a table with deleted rows) goes through a row order.
      if (this.db?.target.type === 'duckdb' && !byRowid) {
        const orders = (this.rowOrders ??= new ViewRowOrders(this.db.location, this.materializedRows));
        if (!orders.isUnsupported(request)) {
          if (request.offset === 0 && request.source.kind === 'relation' && !orders.has(request)) {
            // The first page of a new sort or filter: DuckDB's top-N is quicker than the whole order, computed right
            // after; ties in row-id order as the order has them. A view has no row ids: its rows are copied first.
            const first = await readPageOn(conn, request, { tieBreakByRowid: true }).catch((err: unknown) => {
              if (err instanceof DataReadError && /rowid/i.test(err.message)) return undefined;
              throw err;
            });
            if (first) {
              this.use((later) => orders.prepare(later, request)).catch(() => undefined);
              return first;
            }
          }
          const ordered = await orders.page(conn, request);
          if (ordered) return ordered;
        }
      }
      return readPageOn(conn, request, { byRowid });
    });
  }

  profile(source: DataSource, view: DataView): Promise<DataProfile> {
    return this.use((conn) => readProfileOn(conn, source, view));
  }

  export(source: DataSource, view: DataView, file: string, format: ExportFormat): Promise<DataExport> {
    return this.use((conn) => exportViewOn(conn, source, view, file, format));
  }

  /** Whether the file is open right now (for tests and the log). */
  get isOpen(): boolean {
    return this.db !== undefined;
  }

  /** One read at a time on the connection; the connection opened on demand and closed when idle. */
  private use<T>(fn: (conn: DuckDBConnection) => Promise<T>): Promise<T> {
    if (this.closed) return Promise.reject(new Error('the data panel was closed'));
    const next = this.queue.then(async () => {
      clearTimeout(this.idleTimer);
      if (this.db && performance.now() - this.openedAt > this.timing.maxHoldMs) await this.release();
      if (!this.db) {
        this.db = await openTarget(this.target, { projectRoot: this.opts.projectRoot, token: this.opts.token, env: this.opts.env, readOnly: true });
        this.openedAt = performance.now();
        try {
          this.conn = await this.db.connect();
          if (this.db.target.type === 'duckdb') await raiseJoinFilterLimit(this.conn);
        } catch (err) {
          await this.release();
          throw err;
        }
      }
      try {
        return await fn(this.conn!);
      } finally {
        this.idleTimer = setTimeout(() => {
          this.queue = this.queue.then(() => this.release()).catch(() => undefined);
        }, this.timing.idleMs);
      }
    });
    this.queue = next.catch(() => undefined);
    return next;
  }

  private async release(): Promise<void> {
    clearTimeout(this.idleTimer);
    if (this.conn && this.rowOrders) await this.rowOrders.detach(this.conn).catch(() => undefined);
    this.conn?.closeSync();
    this.conn = undefined;
    this.db?.close();
    this.db = undefined;
  }

  /**
   * Later reads fail; the connection closes once the reads already asked for
   * end — closing a DuckDB connection while it runs a query crashes the process.
   */
  close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.idleTimer);
    return this.queue.then(async () => {
      await this.release();
      this.rowOrders?.dispose();
    });
  }
}

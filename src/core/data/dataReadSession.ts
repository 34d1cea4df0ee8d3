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

/** How a page read takes its turn on the session's connection. */
export interface PageTurn {
  /** Asked when the read's turn comes: a page the grid has scrolled away from meanwhile is skipped (`SkippedRead`), not read. */
  readonly stillWanted?: () => boolean;
  /**
   * The rows on screen (after a jump): read before any page waiting, and a
   * page being read meanwhile is interrupted, to be read again after it.
   */
  readonly screen?: boolean;
}

/** A read waiting for, or having, the connection. */
interface Turn {
  readonly screen: boolean;
  /** Interrupted for a screen's rows: its error is not its caller's; it is queued again. */
  interrupted: boolean;
  readonly go: () => Promise<void>;
}

/** A page read not started because a screen's rows wait: it is queued again after them. */
class YieldedToScreen extends Error {}

/** DuckDB's error for a query stopped by `interrupt()` (raw, or as a DataReadError's first line), or a read that yielded. */
function wasInterrupted(err: unknown): boolean {
  return err instanceof YieldedToScreen || /^INTERRUPT Error/.test(err instanceof Error ? err.message : String(err));
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
  /** Reads waiting for the connection: the screen's first, then the rest in the order asked. */
  private readonly waiting: Turn[] = [];
  private running: Turn | undefined;
  /** The running read is at a query that may be interrupted (a page's rows, not an order being computed). */
  private interruptible = false;
  /** The loop running the waiting reads one by one is on. */
  private pumping = false;
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
   * A page. A page the grid has scrolled away from by its turn is skipped
   * (`turn.stillWanted`); the screen's rows go first (`turn.screen`).
   */
  page(request: PageRequest, turn: PageTurn = {}): Promise<DataPage> {
    if (request.limit > ORDER_READ_ROWS && this.rowOrders?.scattersRows(request)) return this.pageInTurns(request, turn);
    return this.pageInOneTurn(request, turn);
  }

  /**
   * A page through a row order, read in one query when no other read waits
   * for the connection (cheaper by a third than two halves), else
   * `ORDER_READ_ROWS` at a time, each part in its own turn so that the reads
   * waiting come between parts; a page no longer wanted stops between parts.
   */
  private async pageInTurns(request: PageRequest, turn: PageTurn): Promise<DataPage> {
    const end = request.offset + request.limit;
    const parts: DataPage[] = [];
    for (let at = request.offset, limit = 0; at < end; at += limit) {
      // Sized when its turn comes, by what waits then.
      const part = await this.pageInOneTurn(() => {
        limit = this.waiting.length === 0 ? end - at : Math.min(ORDER_READ_ROWS, end - at);
        return { ...request, offset: at, limit, count: request.count && at === request.offset };
      }, turn);
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

  /** A page in one turn; `asked` a function when the page is sized at its turn. */
  private pageInOneTurn(asked: PageRequest | (() => PageRequest), turn: PageTurn): Promise<DataPage> {
    const { stillWanted } = turn;
    return this.use(async (conn) => {
      const request = typeof asked === 'function' ? asked() : asked;
      // A page's rows may be interrupted for a screen's; a count query or an order being computed is worth finishing.
      const readRows = <T>(read: () => Promise<T>, counts: boolean): Promise<T> => (turn.screen || counts ? read() : this.interruptibly(read));
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
          // Through a row order the count is the order's length: no count query.
          const ordered = orders.has(request) ? await readRows(() => orders.page(conn, request), false) : await orders.page(conn, request);
          if (ordered) return ordered;
        }
      }
      return readRows(() => readPageOn(conn, request, { byRowid }), request.count === true);
    }, turn.screen === true);
  }

  /** Runs a running page read's query so that a screen's rows asked meanwhile interrupt it; if one already waits, it is not started. */
  private async interruptibly<T>(read: () => Promise<T>): Promise<T> {
    if (this.running && this.waiting.some((t) => t.screen)) this.running.interrupted = true;
    if (this.running?.interrupted) throw new YieldedToScreen();
    this.interruptible = true;
    try {
      return await read();
    } finally {
      this.interruptible = false;
    }
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

  /**
   * One read at a time on the connection, the screen's rows first; the
   * connection opened on demand and closed when idle.
   */
  private use<T>(fn: (conn: DuckDBConnection) => Promise<T>, screen = false): Promise<T> {
    if (this.closed) return Promise.reject(new Error('the data panel was closed'));
    return this.take(screen, async () => fn(await this.connection()));
  }

  /** Queues `fn` as a turn; its promise settles with it, unless it was interrupted for a screen: then it is queued again. */
  private take<T>(screen: boolean, fn: () => Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const turn: Turn = {
        screen,
        interrupted: false,
        go: async () => {
          try {
            resolve(await fn());
          } catch (err) {
            if (!turn.interrupted || !wasInterrupted(err)) return reject(err);
            turn.interrupted = false;
            this.enqueue(turn, true);
          }
        },
      };
      this.enqueue(turn);
      void this.pump();
    });
  }

  /**
   * Other reads in the order asked; a screen's (and a read interrupted for
   * one, `again`) after the screens waiting, ahead of the others. A screen's
   * interrupts a page being read.
   */
  private enqueue(turn: Turn, again = false): void {
    const firstOther = this.waiting.findIndex((t) => !t.screen);
    if (turn.screen || again) this.waiting.splice(firstOther < 0 ? this.waiting.length : firstOther, 0, turn);
    else this.waiting.push(turn);
    if (turn.screen && this.running && !this.running.screen && this.interruptible && this.conn) {
      this.running.interrupted = true;
      this.conn.interrupt();
    }
  }

  private async pump(): Promise<void> {
    if (this.pumping) return;
    this.pumping = true;
    clearTimeout(this.idleTimer);
    try {
      for (let turn = this.waiting.shift(); turn; turn = this.waiting.shift()) {
        this.running = turn;
        await turn.go();
        this.running = undefined;
      }
    } finally {
      this.running = undefined;
      this.pumping = false;
    }
    if (this.db && !this.closed) this.idleTimer = setTimeout(() => void this.take(false, () => this.release()).catch(() => undefined), this.timing.idleMs);
  }

  /** The session's connection, opened if needed (and reopened after `maxHoldMs`, so that a writer gets a turn). */
  private async connection(): Promise<DuckDBConnection> {
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
    return this.conn!;
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
    return this.take(false, async () => {
      await this.release();
      this.rowOrders?.dispose();
    });
  }
}

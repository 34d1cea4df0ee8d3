import type { DuckDBConnection } from '@duckdb/node-api';
import type { PlanContext } from './buildContext';
import { Cancelled } from './buildContext';
import type { AssetRunResult } from './engineEvents';
import { materializedRows } from './materializedRows';

/** Statement runner for one asset: logs, honours cancellation, returns the affected-row count. */
export class AssetSession {
  inTransaction = false;
  private pendingBegin = false;
  /** The text of the last statement sent, to map DuckDB's `LINE n` back to the file. */
  lastSent = '';
  constructor(
    readonly conn: DuckDBConnection,
    readonly asset: string,
    private readonly ctx: PlanContext,
  ) {}

  async exec(sql: string): Promise<number> {
    const rows = await this.query(sql);
    const count = rows[0]?.['Count'];
    return count === undefined ? 0 : Number(count);
  }

  /** `prefix`: statements logged on their own but sent in the same round trip, before `sql`. */
  async query(sql: string, prefix?: string): Promise<Record<string, unknown>[]> {
    if (this.ctx.opts.signal?.aborted) throw new Cancelled();
    if (prefix) this.ctx.emit({ type: 'statement', asset: this.asset, sql: prefix });
    this.ctx.emit({ type: 'statement', asset: this.asset, sql });
    this.ctx.busy.add(this.conn);
    this.lastSent = prefix ? `${prefix};\n${sql}` : sql;
    try {
      if (this.pendingBegin) {
        // Its own call: sent with the statement, DuckDB would misplace the error positions of that statement.
        this.pendingBegin = false;
        await this.conn.run('BEGIN TRANSACTION');
      }
      return materializedRows(await this.conn.run(this.lastSent));
    } catch (err) {
      if (this.ctx.opts.signal?.aborted) throw new Cancelled();
      throw err;
    } finally {
      this.ctx.busy.delete(this.conn);
    }
  }

  /**
   * With --defer: the SELECT reading the upstream relations this target lacks from
   * the deferred one; each said once in the log. Without, the SELECT as it is.
   */
  async deferUpstream(sql: string, own: { readonly schema: string; readonly name: string }, view = false): Promise<string> {
    const defer = this.ctx.defer;
    if (!defer) return sql;
    await defer.attach(this.conn);
    const out = await defer.rewrite(sql, this.conn, own);
    for (const d of out.deferred) {
      if (this.deferredSaid.has(d.relation)) continue;
      this.deferredSaid.add(d.relation);
      this.ctx.emit({ type: 'log', level: 'info', asset: this.asset, message: `${this.asset}: reads ${d.relation} from ${d.readFrom} (deferred: not built on ${this.ctx.target.name})`, deferred: d });
    }
    if (view && out.deferred.length > 0) {
      // A view stores the name it reads: outside a deferred run that catalog is not attached.
      const target = this.ctx.target.name;
      this.ctx.emit({ type: 'log', level: 'warn', asset: this.asset, message: `${this.asset} is a view over deferred relations: it can be read only while ${out.deferred[0]!.readFrom.split(':')[0]} is attached; build its upstream on ${target}, or make it a table, to keep it on ${target} alone.` });
    }
    return out.sql;
  }
  private readonly deferredSaid = new Set<string>();

  /** BEGIN is sent with the next statement, so an asset that fails before any statement opens nothing. */
  begin(): void {
    this.inTransaction = true;
    this.pendingBegin = true;
    this.ctx.emit({ type: 'statement', asset: this.asset, sql: 'BEGIN TRANSACTION' });
  }

  /** `before` runs in the same round trip, inside the transaction (the asset's run-history row). */
  async commit(before?: string): Promise<void> {
    await this.query('COMMIT', before);
    this.inTransaction = false;
  }

  /** The asset did not build: rolled back (the previous data is kept) and said in the log at the asset. */
  async fail(error: string, result: Omit<AssetRunResult, 'key' | 'status' | 'error' | 'rows' | 'checks'> & Partial<Pick<AssetRunResult, 'rows' | 'checks'>>): Promise<AssetRunResult> {
    await this.rollback();
    this.ctx.emit({ type: 'log', level: 'error', asset: this.asset, message: `${this.asset}: ${error}` });
    return { key: this.asset, status: 'failed', rows: null, checks: [], ...result, error };
  }

  /** Rolls back whatever is open; never throws (the first error is the one to report). */
  async rollback(): Promise<void> {
    if (!this.inTransaction) return;
    this.inTransaction = false;
    if (this.pendingBegin) {
      this.pendingBegin = false;
      return;
    }
    this.ctx.emit({ type: 'statement', asset: this.asset, sql: 'ROLLBACK' });
    try {
      await this.conn.run('ROLLBACK');
    } catch {
      // Already rolled back by DuckDB.
    }
  }
}

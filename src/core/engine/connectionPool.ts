import type { DuckDBConnection } from '@duckdb/node-api';
import type { TargetConnection } from './targetConnection';

/**
 * Connections to one DuckDB instance, up to `size` at once. `exclusive` closes
 * everything (the file is free for another process) and reopens after.
 */
export class ConnectionPool {
  private db: TargetConnection | undefined;
  private opening: Promise<TargetConnection> | undefined;
  private readonly free: DuckDBConnection[] = [];
  private readonly all: DuckDBConnection[] = [];
  private readonly waiting: (() => void)[] = [];
  private inUse = 0;
  private creating = 0;
  private held: Promise<unknown> = Promise.resolve();
  private suspended = false;
  private drained: (() => void) | undefined;

  constructor(
    private readonly openDb: () => Promise<TargetConnection>,
    private readonly size: number,
    private readonly owned: boolean,
  ) {}

  async open(): Promise<TargetConnection> {
    if (this.db) return this.db;
    this.opening ??= this.openDb().finally(() => (this.opening = undefined));
    this.db = await this.opening;
    return this.db;
  }

  async acquire(): Promise<DuckDBConnection> {
    for (;;) {
      if (!this.suspended) {
        const c = this.free.pop();
        if (c) {
          this.inUse++;
          return c;
        }
        if (this.all.length + this.creating < this.size) {
          this.creating++;
          try {
            const made = await (await this.open()).connect();
            this.all.push(made);
            this.inUse++;
            return made;
          } finally {
            this.creating--;
          }
        }
      }
      await new Promise<void>((resolve) => this.waiting.push(resolve));
    }
  }

  release(c: DuckDBConnection): void {
    this.inUse--;
    this.free.push(c);
    if (this.inUse === 0 && this.drained) this.drained();
    this.waiting.shift()?.();
  }

  /** Runs `fn` with every connection and the instance closed; one at a time. */
  exclusive<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.held.then(async () => {
      this.suspended = true;
      if (this.inUse > 0) await new Promise<void>((resolve) => (this.drained = resolve));
      this.drained = undefined;
      if (this.owned) this.close();
      try {
        return await fn();
      } finally {
        this.suspended = false;
        for (const w of this.waiting.splice(0)) w();
      }
    });
    this.held = run.catch(() => undefined);
    return run;
  }

  close(): void {
    for (const c of this.all) c.closeSync();
    this.all.length = 0;
    this.free.length = 0;
    if (this.owned) this.db?.close();
    this.db = undefined;
  }
}

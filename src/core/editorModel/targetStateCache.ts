import type { AssetGraph } from '../graph/assetGraph';
import type { TargetConfig } from '../project/targetConfig';
import type { AssetRunOutcome, AssetStateView, CheckOutcome } from './assetRunOutcome';

const EMPTY_STATES: ReadonlyMap<string, AssetStateView> = new Map();

/** What the cache reads from: each folder's graph and current target, and the target's state. */
export interface TargetStateSource {
  /** The folder's graph and current target; undefined while either is not known. */
  current(root: string): { readonly graph: AssetGraph; readonly target: TargetConfig } | undefined;
  read(root: string, graph: AssetGraph, target: TargetConfig): Promise<ReadonlyMap<string, AssetStateView>>;
  /** Called once after any refresh or record that changed what `states` returns. */
  changed(): void;
  warn(message: string): void;
}

interface FolderStates {
  /** Per target name. */
  readonly byTarget: Map<string, ReadonlyMap<string, AssetStateView>>;
  /** Bumped by every read and every write: a read that finishes after a newer one started, or after a write began, is dropped. */
  ticket: number;
}

/**
 * Each folder's asset states per target, as the editor shows them: read from
 * the target, never during a run writing to it (runs of different assets
 * overlap: the read follows the last one), and what a run said taken at once
 * until the read after it replaces it.
 */
export class TargetStateCache {
  private readonly folders = new Map<string, FolderStates>();
  /** Runs writing each folder's target now. */
  private readonly writers = new Map<string, number>();

  constructor(private readonly source: TargetStateSource) {}

  /** The states of a folder's assets on a target; empty when never read (or no target). */
  states(root: string, targetName: string | undefined): ReadonlyMap<string, AssetStateView> {
    return (targetName !== undefined && this.folders.get(root)?.byTarget.get(targetName)) || EMPTY_STATES;
  }

  /** Whether a folder's states on a target have been read (or found unreadable) at least once. */
  known(root: string, targetName: string): boolean {
    return this.folders.get(root)?.byTarget.has(targetName) ?? false;
  }

  /** Forgets a folder (closed, or read anew): a read of it still running is dropped. */
  forget(root: string): void {
    this.folders.delete(root);
  }

  /** Re-reads the current target of each folder; a folder whose target a run writes is skipped (the run's end reads it). */
  async refresh(roots: Iterable<string>): Promise<void> {
    let changed = false;
    for (const root of roots) {
      const current = this.source.current(root);
      if (!current || this.writers.has(busyKey(root, current.target.name))) continue;
      const folder = this.folder(root);
      const ticket = ++folder.ticket;
      const name = current.target.name;
      try {
        const read = await this.source.read(root, current.graph, current.target);
        if (!this.isLatest(root, folder, ticket)) continue;
        // The target is the truth: a read that started after the last write replaces whatever a run recorded.
        folder.byTarget.set(name, read);
        changed = true;
      } catch (err) {
        if (!this.isLatest(root, folder, ticket)) continue;
        this.source.warn(`State of target '${name}' could not be read: ${err instanceof Error ? err.message : String(err)}`);
        if (!folder.byTarget.has(name)) {
          folder.byTarget.set(name, EMPTY_STATES);
          changed = true;
        }
      }
    }
    if (changed) this.source.changed();
  }

  /** Takes what a run just said at once, so the editor changes the moment it ends; the read that follows replaces it. */
  record(root: string, targetName: string, outcomes: readonly AssetRunOutcome[], checksOnly: boolean, nowMs = Date.now()): void {
    const folder = this.folder(root);
    const states = new Map(folder.byTarget.get(targetName) ?? EMPTY_STATES);
    for (const o of outcomes) {
      if (o.status === 'skipped' || o.status === 'cancelled') continue;
      const before = states.get(o.key);
      const checks = new Map<string, CheckOutcome>(before?.checks ?? []);
      for (const c of o.checks) checks.set(c.name, c);
      if (checksOnly) {
        states.set(o.key, { ...(before ?? { status: 'never' }), checks });
        continue;
      }
      states.set(
        o.key,
        o.status === 'success'
          ? { status: 'fresh', rows: o.rows ?? before?.rows, finishedAt: nowMs, checks }
          : // A failed run keeps the previous data: its row count stays.
            { status: 'failed', rows: before?.rows, finishedAt: nowMs, error: o.error, errorLine: o.errorLine, checks },
      );
    }
    folder.byTarget.set(targetName, states);
    this.source.changed();
  }

  /** Marks a target as being written (no reads meanwhile); the returned function ends it and, after the last writer, reads it. */
  beginWrite(root: string, targetName: string): () => Promise<void> {
    const k = busyKey(root, targetName);
    this.writers.set(k, (this.writers.get(k) ?? 0) + 1);
    const folder = this.folders.get(root);
    if (folder) folder.ticket++;
    let ended = false;
    return async () => {
      if (ended) return;
      ended = true;
      const left = (this.writers.get(k) ?? 1) - 1;
      if (left > 0) {
        this.writers.set(k, left);
        return;
      }
      this.writers.delete(k);
      await this.refresh([root]);
    };
  }

  private folder(root: string): FolderStates {
    let f = this.folders.get(root);
    if (!f) this.folders.set(root, (f = { byTarget: new Map(), ticket: 0 }));
    return f;
  }

  private isLatest(root: string, folder: FolderStates, ticket: number): boolean {
    return this.folders.get(root) === folder && folder.ticket === ticket;
  }
}

function busyKey(root: string, target: string): string {
  return `${root}\u0000${target}`;
}

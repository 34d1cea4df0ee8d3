// The rows of _asset_studio.runs for one plan. A built asset's row goes into the
// transaction that commits its data, so whatever ends the process (kill -9 included)
// leaves both or neither; every other outcome (a failure, a tool's run, partitions,
// checks only) is written as soon as it is known, not when the whole plan ends.
import type { AssetNode } from '../graph/assetGraph';
import type { CheckResult } from './checkQueries';
import type { AssetRunResult } from './engineEvents';
import type { RunRecord } from './stateStore';
import { recordRunsSql } from './stateStore';
import type { Redact } from './tokenRedaction';

export class RunHistory {
  private readonly startedAt = new Map<string, Date>();
  private readonly committed = new Set<string>();

  constructor(
    private readonly runId: string,
    private readonly target: string,
    private readonly checksOnly: boolean,
    private readonly redact: Redact,
  ) {}

  /** The asset starts now (its row's started_at). */
  start(key: string): void {
    this.startedAt.set(key, new Date());
  }

  /** The statement to run just before COMMIT for a build that succeeded. */
  commitSql(node: AssetNode, rows: number | null, checks: readonly CheckResult[]): string | undefined {
    const sql = recordRunsSql([this.record(node, { status: 'success', rows, checks, durationMs: 0, runner: 'in-process' })], this.checksOnly);
    if (sql) this.committed.add(node.id);
    return sql;
  }

  /** The statement recording `result` when its data's transaction did not; undefined when there is nothing to write. */
  afterSql(node: AssetNode, result: AssetRunResult): string | undefined {
    // A success was written with its COMMIT; a failed COMMIT took that row with it.
    if (result.status === 'skipped' || (result.status === 'success' && this.committed.has(node.id))) return undefined;
    return recordRunsSql([this.record(node, result)], this.checksOnly);
  }

  private record(node: AssetNode, r: Pick<AssetRunResult, 'status' | 'rows' | 'checks' | 'error' | 'location' | 'durationMs' | 'runner'>): RunRecord {
    const finishedAt = new Date();
    return {
      runId: this.runId,
      key: node.id,
      status: r.status,
      rows: r.rows,
      startedAt: this.startedAt.get(node.id) ?? new Date(finishedAt.getTime() - (r.durationMs ?? 0)),
      finishedAt,
      definitionHash: node.definition.definitionHash,
      error: r.error === undefined ? null : this.redact(r.error),
      errorLine: r.location?.line ?? null,
      target: this.target,
      ...(r.runner ? { runner: r.runner } : {}),
      checks: r.checks.map((c) => (c.error === undefined ? c : { ...c, error: this.redact(c.error) })),
    };
  }
}

import type { DuckDBConnection } from '@duckdb/node-api';
import type { SqlAssetBody } from '../asset';
import type { AssetGraph, AssetNode } from '../graph/assetGraph';
import type { Problem } from '../problem';
import type { TargetConfig } from '../project/targetConfig';
import type { TemplateValues } from '../discovery/sql/sqlTemplate';
import type { AssetSession } from './assetSession';
import type { DbtRunSession } from './dbtInProcess';
import type { DeferredUpstream } from './deferredUpstream';
import type { EngineEvent } from './engineEvents';
import type { RunHistory } from './runHistory';
import type { RunOptions } from './runOptions';

/** What every asset of one plan's run shares. */
export interface PlanContext {
  readonly graph: AssetGraph;
  readonly target: TargetConfig;
  readonly opts: RunOptions;
  readonly runId: string;
  readonly emit: (e: EngineEvent) => void;
  readonly busy: Set<DuckDBConnection>;
  /** The first error-level problem of each file: a SQL asset with one is not run. */
  readonly fileErrors: ReadonlyMap<string, Problem>;
  readonly dbt: DbtRunSession;
  /** Absent when the run stores nothing (recordState false, read-only). */
  readonly history: RunHistory | undefined;
  readonly defer?: DeferredUpstream;
}

/** What every step of one SQL asset's build needs. */
export interface BuildContext {
  readonly node: AssetNode;
  readonly body: SqlAssetBody;
  /** The asset's relation, quoted. */
  readonly relation: string;
  /** The schema of the relation on this target. */
  readonly schema: string;
  readonly session: AssetSession;
  readonly templates: TemplateValues;
  readonly run: PlanContext;
}

/** Thrown where a statement would start after the run was cancelled. */
export class Cancelled extends Error {
  constructor() {
    super('cancelled');
  }
}

/** Milliseconds since `started`, to two decimals. */
export function ms(started: number): number {
  return Math.round((performance.now() - started) * 100) / 100;
}

export function messageOf(err: unknown): string {
  const text = err instanceof Error ? err.message : String(err);
  return text.trim();
}

// Test-only: hand-made AssetDefinitions, and the real graph over them.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import type { AssetDefinition, CheckDefinition, SqlAssetBody } from '../../src/core/asset';
import { parseKey } from '../../src/core/assetKey';
import type { AssetGraph } from '../../src/core/graph/assetGraph';
import { buildAssetGraph } from '../../src/core/graph/buildAssetGraph';
import type { TargetConfig } from '../../src/core/project/targetConfig';

export function tempDir(prefix = 'engine-'): { dir: string; cleanup(): void } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

export function duckTarget(dir: string, extra: Partial<TargetConfig> = {}): TargetConfig {
  return { name: 'dev', type: 'duckdb', path: join(dir, 'dev.duckdb'), schema: 'main', threads: 1, env: {}, protected: false, from: 'default', ...extra };
}

export interface SqlAssetSpec {
  readonly name: string;
  readonly sql: string;
  readonly kind?: SqlAssetBody['kind'];
  readonly deps?: readonly string[];
  readonly checks?: readonly Partial<CheckDefinition>[];
  readonly group?: string;
  readonly uniqueKey?: readonly string[];
  readonly watermark?: string;
  readonly partition?: SqlAssetBody['partition'];
  readonly hash?: string;
}

export function sqlAsset(spec: SqlAssetSpec, file = '/tmp/fixture.sql'): AssetDefinition {
  const parts = spec.name.split('.');
  const relation = parts.length > 1 ? { schema: parts[0]!, name: parts.slice(1).join('.') } : { name: parts[0]! };
  return {
    key: parts,
    source: 'sql',
    location: { file, line: 1, column: 1 },
    group: spec.group,
    kind: spec.kind ?? 'table',
    deps: (spec.deps ?? []).map((d) => ({ key: parseKey(d), origin: 'header' as const })),
    checks: (spec.checks ?? []).map((c, i) => ({
      name: c.name ?? `check_${i}`,
      type: c.type ?? 'sql',
      severity: c.severity ?? 'error',
      blocking: c.blocking ?? true,
      location: c.location ?? { file, line: 3 + i, column: 3 },
      config: c.config,
    })),
    definitionHash: spec.hash ?? `h-${spec.name}-${spec.sql.length}`,
    sql: {
      kind: spec.kind ?? 'table',
      relation,
      sql: spec.sql,
      sqlLine: 10,
      uniqueKey: spec.uniqueKey,
      watermark: spec.watermark,
      partition: spec.partition,
    },
  };
}

/** A Dagster asset in `file` (line 3), keyed `name`, depending on `deps`: run by a delegated runner, never by the engine. */
export function dagsterAsset(name: string, file: string, deps: readonly string[] = [], hash = 'py1'): AssetDefinition {
  return {
    key: [name],
    source: 'dagster',
    location: { file, line: 3, column: 1 },
    deps: deps.map((d) => ({ key: parseKey(d), origin: 'deps' as const })),
    checks: [],
    definitionHash: hash,
    dagster: { file },
  };
}

/** The real graph builder over hand-made definitions, one discovery per file. */
export function testGraph(root: string, defs: readonly AssetDefinition[]): AssetGraph {
  const byFile = new Map<string, AssetDefinition[]>();
  for (const d of defs) byFile.set(d.location.file, [...(byFile.get(d.location.file) ?? []), d]);
  return buildAssetGraph(root, [...byFile].map(([file, assets]) => ({ file, assets, problems: [] })));
}

/** Reads rows from a DuckDB file with a fresh, short-lived instance. */
/** Runs `sql` on the database file at `path` (setting a fixture up), then closes it. */
export async function execFile(path: string, sql: string): Promise<void> {
  await queryFile(path, sql);
}

export async function queryFile(path: string, sql: string): Promise<Record<string, unknown>[]> {
  const instance = await DuckDBInstance.create(path);
  const conn = await instance.connect();
  try {
    return (await conn.runAndReadAll(sql)).getRowObjectsJson() as Record<string, unknown>[];
  } finally {
    conn.closeSync();
    instance.closeSync();
  }
}

// Test-only: builds AssetDefinitions and a minimal AssetGraph until the real graph builder lands.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import type { AssetDefinition, CheckDefinition, SqlAssetBody } from '../../src/core/asset';
import { keyToString, lastPart, parseKey } from '../../src/core/assetKey';
import type { AssetEdge, AssetGraph, AssetNode } from '../../src/core/graph/assetGraph';
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

export function testGraph(root: string, defs: readonly AssetDefinition[]): AssetGraph {
  const nodes = new Map<string, AssetNode>();
  for (const d of [...defs].sort((a, b) => keyToString(a.key).localeCompare(keyToString(b.key)))) {
    nodes.set(keyToString(d.key), { id: keyToString(d.key), definition: d, checks: d.checks });
  }
  const edges: AssetEdge[] = [];
  for (const node of nodes.values()) {
    for (const ref of node.definition.deps) {
      const exact = keyToString(ref.key);
      const hit = nodes.has(exact) ? exact : [...nodes.keys()].find((k) => lastPart(k.split('/')) === lastPart(ref.key));
      if (hit) edges.push({ from: hit, to: node.id, inferred: hit !== exact, ref });
    }
  }
  const up = (id: string) => edges.filter((e) => e.to === id).map((e) => e.from);
  const down = (id: string) => edges.filter((e) => e.from === id).map((e) => e.to);
  const walk = (id: string, next: (x: string) => string[]) => {
    const seen = new Set<string>();
    const stack = [...next(id)];
    while (stack.length) {
      const x = stack.pop()!;
      if (seen.has(x)) continue;
      seen.add(x);
      stack.push(...next(x));
    }
    return seen;
  };
  return {
    root,
    nodes,
    edges,
    problems: [],
    unseen: [],
    upstreamOf: up,
    downstreamOf: down,
    ancestors: (id) => walk(id, up),
    descendants: (id) => walk(id, down),
    assetAt: () => undefined,
    find: (text) => nodes.get(text) ?? nodes.get(keyToString(parseKey(text))),
  };
}

/** Reads rows from a DuckDB file with a fresh, short-lived instance. */
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

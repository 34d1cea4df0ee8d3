import type { LineageEdge, LineageNode, LineageSnapshot, LineageState } from '../../src/protocol/lineageMessages';

/**
 * A graph shaped like a real data platform: groups of ~40 assets in six
 * layers (raw → staging → … → marts), each reading 1–3 assets of the layer
 * before (sometimes two before, sometimes another group's), a few inferred
 * edges, mixed sources, states and checks. Deterministic for a seed.
 */
export function generateLineageSnapshot(count: number, seed = 1): LineageSnapshot {
  let s = seed >>> 0 || 1;
  const random = (): number => {
    s = (Math.imul(s, 1103515245) + 12345) & 0x7fffffff;
    return s / 0x7fffffff;
  };
  const layers = 6;
  const perGroup = 40;
  const groups = Math.ceil(count / perGroup);
  const byGroupLayer: string[][][] = Array.from({ length: groups }, () => Array.from({ length: layers }, () => []));
  const states: LineageState[] = ['fresh', 'fresh', 'fresh', 'stale', 'never', 'failed', 'running'];
  const layerNames = ['raw', 'staging', 'clean', 'intermediate', 'marts', 'reports'];
  const nodes: LineageNode[] = [];
  const edges: LineageEdge[] = [];
  const seen = new Set<string>();
  for (let i = 0; i < count; i++) {
    const g = Math.floor(i / perGroup);
    const layer = Math.min(layers - 1, Math.floor(((i % perGroup) * layers) / perGroup));
    const label = `${layerNames[layer]}_asset_${i}`;
    const id = `${layerNames[layer]}/${label}`;
    const total = Math.floor(random() * 4);
    const failed = total > 0 && random() < 0.1 ? 1 : 0;
    nodes.push({
      id,
      label,
      source: layer === 0 && random() < 0.3 ? 'external' : (['sql', 'sql', 'dagster', 'dbt'] as const)[Math.floor(random() * 4)]!,
      group: `group_${g}`,
      kind: 'table',
      file: `assets/group_${g}/${label}.sql`,
      line: 1,
      state: states[Math.floor(random() * states.length)]!,
      checks: { passed: total - failed, failed, total },
      lastRun: '2026-01-01T00:00:00Z',
    });
    byGroupLayer[g]![layer]!.push(id);
    if (layer === 0) continue;
    const deps = 1 + Math.floor(random() * 2.5);
    for (let d = 0; d < deps; d++) {
      const fromGroup = random() < 0.1 ? Math.floor(random() * (g + 1)) : g;
      const fromLayer = layer > 1 && random() < 0.15 ? layer - 2 : layer - 1;
      const pool = byGroupLayer[fromGroup]![fromLayer]!;
      if (pool.length === 0) continue;
      const from = pool[Math.floor(random() * pool.length)]!;
      const key = `${from}>${id}`;
      if (seen.has(key)) continue;
      seen.add(key);
      edges.push({ from, to: id, inferred: random() < 0.05 });
    }
  }
  return { target: 'dev', nodes, edges };
}

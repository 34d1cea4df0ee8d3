import { relative, isAbsolute } from 'node:path';
import type { AssetGraph } from '../graph/assetGraph';
import { lastPart } from '../assetKey';
import type { LineageEdge, LineageNode, LineageSnapshot, LineageState } from '../../protocol/lineageMessages';

/** What the engine knows about one asset on the current target; absent means never run. */
export interface LineageAssetStatus {
  readonly state: LineageState;
  readonly checksPassed?: number;
  /** Error-severity failures. */
  readonly checksFailed?: number;
  /** Warn-severity failures. */
  readonly checksWarned?: number;
  /** ISO time. */
  readonly lastRun?: string;
  readonly rows?: number;
  readonly rowsAdded?: number;
  readonly partitions?: { readonly done: number; readonly total: number };
  readonly against?: LineageNode['against'];
  readonly deferredFrom?: string;
}

/**
 * The serialisable picture of the graph the lineage panel draws, from the
 * asset graph and the state of each asset on `target`.
 */
export function buildLineageSnapshot(
  graph: AssetGraph,
  statusOf: (key: string) => LineageAssetStatus | undefined = () => undefined,
  target?: string,
): LineageSnapshot {
  const nodes: LineageNode[] = [];
  for (const node of graph.nodes.values()) {
    const def = node.definition;
    const status = statusOf(node.id);
    const total = node.checks.length;
    const failed = Math.min(status?.checksFailed ?? 0, total);
    const warned = Math.min(status?.checksWarned ?? 0, total - failed);
    const passed = Math.min(status?.checksPassed ?? 0, total - failed - warned);
    const file = def.location.file;
    nodes.push({
      id: node.id,
      label: lastPart(def.key) || node.id,
      source: def.source,
      ...(def.group !== undefined ? { group: def.group } : {}),
      ...(def.kind !== undefined ? { kind: def.kind } : {}),
      ...(file ? { file: isAbsolute(file) && graph.root ? relative(graph.root, file) : file } : {}),
      ...(def.location.line > 0 ? { line: def.location.line } : {}),
      state: status?.state ?? 'never',
      checks: { passed, failed, ...(warned > 0 ? { warned } : {}), total },
      ...(status?.lastRun !== undefined ? { lastRun: status.lastRun } : {}),
      ...(status?.rows !== undefined ? { rows: status.rows } : {}),
      ...(status?.rowsAdded !== undefined ? { rowsAdded: status.rowsAdded } : {}),
      ...(status?.partitions !== undefined ? { partitions: status.partitions } : {}),
      ...(status?.against !== undefined ? { against: status.against } : {}),
      ...(status?.deferredFrom !== undefined ? { deferredFrom: status.deferredFrom } : {}),
    });
  }
  // An edge to a key with no node cannot be drawn; such misses are Problems, not lineage.
  // One edge per pair; an exact reference wins over one inferred from a name, whichever came first.
  const edges: LineageEdge[] = [];
  const seen = new Map<string, number>();
  for (const edge of graph.edges) {
    if (!graph.nodes.has(edge.from) || !graph.nodes.has(edge.to)) continue;
    const id = `${edge.from}\u0000${edge.to}`;
    const at = seen.get(id);
    if (at !== undefined) {
      if (!edge.inferred && edges[at]!.inferred) edges[at] = { from: edge.from, to: edge.to, inferred: false };
      continue;
    }
    seen.set(id, edges.length);
    edges.push({ from: edge.from, to: edge.to, inferred: edge.inferred });
  }
  return { ...(target !== undefined ? { target } : {}), nodes, edges };
}

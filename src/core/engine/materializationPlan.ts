import { checkParents } from './checkParents';
import type { AssetGraph, AssetNode } from '../graph/assetGraph';
import { keyToString, parseKey } from '../assetKey';
import type { Selection } from './selection';
import { selectionToString } from './selection';

export interface PlannedAsset {
  readonly id: string;
  readonly node: AssetNode;
  /** Upstream assets that are in the plan too: this one waits for them. */
  readonly waitsFor: readonly string[];
  /** Other assets in the plan that its checks read: it runs after them, whatever their outcome. */
  readonly checksRead: readonly string[];
}

/** Assets to build, in dependency order, with the sets that may run side by side (docs/materialization.md). */
export interface MaterializationPlan {
  readonly assets: readonly PlannedAsset[];
  /** Level n holds the assets whose in-plan upstreams are all in levels < n. */
  readonly levels: readonly (readonly string[])[];
}

export class SelectionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SelectionError';
  }
}

/**
 * Only defined assets are built; external sources and Dagster AssetSpecs are not. A dbt
 * source is read, never built: a run has something to do with it only when it has tests.
 */
export function isBuildable(node: AssetNode): boolean {
  const d = node.definition;
  if (d.source === 'external' || d.dagster?.external) return false;
  return !(d.dbt?.resourceType === 'source' && node.checks.length === 0);
}

/** Finds an asset by key string, dotted key, relation, or a unique last part. */
export function findAsset(graph: AssetGraph, text: string): AssetNode | undefined {
  const direct = graph.nodes.get(text) ?? graph.nodes.get(keyToString(parseKey(text)));
  if (direct) return direct;
  for (const node of graph.nodes.values()) {
    const rel = node.definition.sql?.relation;
    if (rel && (rel.schema ? `${rel.schema}.${rel.name}` : rel.name) === text) return node;
  }
  return graph.find(text);
}

export function planMaterialization(graph: AssetGraph, selections: readonly Selection[]): MaterializationPlan {
  const chosen = new Set<string>();
  for (const s of selections) {
    if (s.kind === 'all') {
      for (const [id, node] of graph.nodes) if (isBuildable(node)) chosen.add(id);
      continue;
    }
    if (s.kind === 'group') {
      let any = false;
      for (const [id, node] of graph.nodes) {
        if (node.definition.group === s.group && isBuildable(node)) {
          chosen.add(id);
          any = true;
        }
      }
      if (!any) {
        const groups = [...new Set([...graph.nodes.values()].map((n) => n.definition.group).filter((g): g is string => !!g))];
        throw new SelectionError(`No asset in group '${s.group}'.${closeMatchesText(s.group, groups)}`);
      }
      continue;
    }
    const op = s.parts || graph.nodes.has(s.text) ? undefined : graph.dbtOps.find((o) => o.name === s.text);
    if (op) {
      // A @dbt_assets op is no asset: selecting it means the dbt models it runs, as in Dagster.
      for (const m of op.models) {
        chosen.add(m);
        if (s.upstream) for (const a of graph.ancestors(m)) if (isBuildable(graph.nodes.get(a)!)) chosen.add(a);
        if (s.downstream) for (const d of graph.descendants(m)) if (isBuildable(graph.nodes.get(d)!)) chosen.add(d);
      }
      continue;
    }
    // Quoted parts name a key exactly: no relation or last-part guessing.
    const node = s.parts ? graph.nodes.get(s.parts.join('/')) : findAsset(graph, s.text);
    if (!node) {
      throw new SelectionError(`No asset '${s.text}' in the workspace.${closeMatchesText(s.text, [...graph.nodes.keys()])}`);
    }
    if (!isBuildable(node)) {
      throw new SelectionError(
        node.definition.dagster?.external
          ? `'${node.id}' is an external asset (a Dagster AssetSpec): nothing here materializes it.`
          : node.definition.dbt
            ? `'${node.id}' is a dbt source with no tests: it is read, never built, so there is nothing to run.`
            : `'${node.id}' is an external source: there is nothing to materialize.`,
      );
    }
    chosen.add(node.id);
    if (s.upstream) for (const a of graph.ancestors(node.id)) if (isBuildable(graph.nodes.get(a)!)) chosen.add(a);
    if (s.downstream) for (const d of graph.descendants(node.id)) if (isBuildable(graph.nodes.get(d)!)) chosen.add(d);
  }
  if (chosen.size === 0 && selections.length > 0) {
    throw new SelectionError(`Nothing to materialize for ${selections.map(selectionToString).join(' ')}.`);
  }
  return orderPlan(graph, chosen);
}

function orderPlan(graph: AssetGraph, chosen: ReadonlySet<string>): MaterializationPlan {
  // Kahn's algorithm over in-plan edges; ids sorted so the order is stable.
  const waits = new Map<string, string[]>();
  const checksRead = new Map<string, string[]>();
  const dependents = new Map<string, string[]>();
  for (const id of [...chosen].sort()) {
    const ups = [...new Set(graph.upstreamOf(id))].filter((u) => chosen.has(u) && u !== id);
    // What its checks read runs first too, unless it is downstream (then the checks read what exists).
    const reads = checkParents(graph, graph.nodes.get(id)!, (text) => findAsset(graph, text)).filter(
      (p) => chosen.has(p) && !ups.includes(p) && !graph.ancestors(p).has(id),
    );
    waits.set(id, ups);
    if (reads.length > 0) checksRead.set(id, reads);
    for (const u of [...ups, ...reads]) {
      const list = dependents.get(u) ?? [];
      list.push(id);
      dependents.set(u, list);
    }
  }
  const remaining = new Map([...waits].map(([id, ups]) => [id, ups.length + (checksRead.get(id)?.length ?? 0)]));
  const levels: string[][] = [];
  let current = [...remaining].filter(([, n]) => n === 0).map(([id]) => id);
  const placed = new Set<string>();
  while (current.length > 0) {
    levels.push(current);
    for (const id of current) placed.add(id);
    const next: string[] = [];
    for (const id of current) {
      for (const d of dependents.get(id) ?? []) {
        const left = remaining.get(d)! - 1;
        remaining.set(d, left);
        if (left === 0) next.push(d);
      }
    }
    current = next.sort();
  }
  if (placed.size < chosen.size) {
    const stuck = [...chosen].filter((id) => !placed.has(id)).sort();
    throw new SelectionError(`The selection contains a dependency cycle: ${stuck.join(', ')}. Break the cycle to materialize.`);
  }
  const assets = levels.flat().map((id) => ({ id, node: graph.nodes.get(id)!, waitsFor: waits.get(id)!, checksRead: checksRead.get(id) ?? [] }));
  return { assets, levels };
}

/**
 * Other assets an asset's checks read (a relationships check's `to`, dbt's too): built first when
 * both are in the plan, so the check sees the new table and not one still being built beside it.
 * Left out when that asset is downstream of this one (waiting would be a cycle).
 */
function closeMatchesText(text: string, candidates: readonly string[]): string {
  const close = closeMatches(text, candidates);
  return close.length > 0 ? ` Did you mean: ${close.join(', ')}?` : '';
}

/** Up to 5 candidates nearest by edit distance (or containing the text). */
export function closeMatches(text: string, candidates: readonly string[]): string[] {
  const t = text.toLowerCase();
  return candidates
    .map((c) => {
      const lc = c.toLowerCase();
      const d = lc.includes(t) || t.includes(lc.split('/').pop() ?? lc) ? 0 : editDistance(t, lc);
      return { c, d };
    })
    .filter(({ c, d }) => d <= Math.max(2, Math.floor(c.length / 3)))
    .sort((a, b) => a.d - b.d || a.c.localeCompare(b.c))
    .slice(0, 5)
    .map(({ c }) => c);
}

function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) {
      cur[j] = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    prev = cur;
  }
  return prev[b.length]!;
}

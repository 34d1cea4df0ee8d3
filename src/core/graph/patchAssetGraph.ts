import { relative } from 'node:path';
import type { AssetDefinition, CheckDefinition, DependencyRef, FileDiscovery } from '../asset';
import type { AssetKey } from '../assetKey';
import { keyToString } from '../assetKey';
import type { Problem, SourceLocation } from '../problem';
import type { AssetEdge, AssetNode } from './assetGraph';
import { ResolvedAssetGraph, cmp, sortByLine } from './buildAssetGraph';
import { OverlayMap } from './overlayMap';

export interface FileChange {
  readonly before: FileDiscovery;
  readonly after: FileDiscovery;
}

/**
 * The graph after a save that kept each file's structure — the same keys,
 * dependencies and check targets — so only definitions, checks, positions and
 * the files' own problems change. That is most saves, and this costs a small
 * fraction of a full build (the README's budget: a changed file in under 10 ms). Returns
 * undefined when the structure changed: build the graph anew then.
 */
export function patchAssetGraph(old: ResolvedAssetGraph, changes: readonly FileChange[]): ResolvedAssetGraph | undefined {
  for (const c of changes) if (c.before.file !== c.after.file || structureOf(c.before) !== structureOf(c.after)) return undefined;
  // The graph keeps `@dbt_assets` ops (and their locations) outside its nodes: rebuild around them.
  for (const c of changes) if (c.after.assets.some((a) => a.dagster?.dbtAssets === true)) return undefined;
  const changedFiles = new Set(changes.map((c) => c.after.file));

  const refs = new Map<DependencyRef, DependencyRef>();
  const locations = new Map<string, SourceLocation>();
  const defs = new Map<AssetDefinition, AssetDefinition>();
  for (const { before, after } of changes) {
    before.assets.forEach((a, i) => {
      const b = after.assets[i]!;
      defs.set(a, b);
      locations.set(locKey(a.location), b.location);
      a.deps.forEach((r, j) => {
        const n = b.deps[j]!;
        refs.set(r, n);
        if (r.location && n.location) locations.set(locKey(r.location), n.location);
      });
    });
    (before.detachedChecks ?? []).forEach((d, i) => locations.set(locKey(d.check.location), after.detachedChecks![i]!.check.location));
  }

  // Graph problems in the changed files move with what they point at; duplicate-key messages name
  // other definitions' lines, so those take the full build.
  const problems: Problem[] = [];
  for (const p of old.problems) {
    if (p.code === 'graph.duplicate-key' && [...changedFiles].some((f) => p.message.includes(relative(old.root, f) || f))) return undefined;
    if (!changedFiles.has(p.file)) {
      problems.push(p);
      continue;
    }
    if (!p.code.startsWith('graph.')) continue;
    const moved = locations.get(locKey(p));
    if (!moved) return undefined;
    const { endLine: _l, endColumn: _c, ...rest } = p;
    problems.push({ ...rest, ...moved });
  }
  for (const c of changes) problems.push(...c.after.problems);
  problems.sort((a, b) => cmp(a.file, b.file) || a.line - b.line || a.column - b.column || cmp(a.code, b.code));

  // Checks: a node's own checks and the detached ones written in a changed file are replaced.
  // Only the replaced nodes are kept here; the new graph sees them over the old maps (OverlayMap).
  const nodes = new Map<string, AssetNode>();
  // The node a detached check was attached to: found by its key, else by searching every node.
  let allChecks: Map<CheckDefinition, string> | undefined;
  const targetOf = (asset: AssetKey, check: CheckDefinition): string | undefined => {
    const guess = old.find(keyToString(asset));
    if (guess && guess.checks.includes(check)) return guess.id;
    if (!allChecks) {
      allChecks = new Map();
      for (const n of old.nodes.values()) for (const ch of n.checks) allChecks.set(ch, n.id);
    }
    return allChecks.get(check);
  };
  const newDetached = new Map<string, CheckDefinition[]>();
  for (const { before, after } of changes) {
    (before.detachedChecks ?? []).forEach((d, i) => {
      const target = targetOf(d.asset, d.check);
      if (target === undefined) return;
      const list = newDetached.get(target) ?? [];
      list.push(after.detachedChecks![i]!.check);
      newDetached.set(target, list);
    });
  }
  const touched = new Set<string>(newDetached.keys());
  const newOwn = new Map<string, AssetDefinition>();
  for (const f of changedFiles) {
    for (const n of old.nodesByFile.get(f) ?? []) {
      const replacement = defs.get(n.definition);
      if (replacement) {
        newOwn.set(n.id, replacement);
        touched.add(n.id);
      }
    }
  }
  for (const id of touched) {
    const n = old.nodes.get(id)!;
    const def = newOwn.get(id) ?? n.definition;
    const kept = n.checks.filter((ch) => !changedFiles.has(ch.location.file));
    const own = newOwn.has(id) ? def.checks : [];
    nodes.set(id, { id, definition: def, checks: [...own, ...kept, ...(newDetached.get(id) ?? [])] });
  }
  // External sources are placed at the first reference to them, which may have moved.
  for (const id of externalsReadBy(old, changes)) {
    const n = old.nodes.get(id)!;
    if (!changedFiles.has(n.definition.location.file)) continue;
    const moved = locations.get(locKey(n.definition.location));
    if (moved) nodes.set(n.id, { ...n, definition: { ...n.definition, location: moved } });
  }

  // Only edges at a changed file's nodes can hold a changed ref: test those alone (an object's
  // first Map lookup costs it an identity hash — 16,800 of them on every save otherwise).
  const edges: AssetEdge[] = old.edges.slice();
  if (refs.size > 0) {
    const at = edgePositions(old);
    for (const f of changedFiles) {
      for (const n of old.nodesByFile.get(f) ?? []) {
        for (const i of at.get(n.id) ?? []) {
          const e = edges[i]!;
          const moved = e.ref && refs.get(e.ref);
          if (moved) edges[i] = { ...e, ref: moved };
        }
      }
    }
  }

  const byFile = new Map<string, readonly AssetNode[]>();
  // The changed files, and those of nodes replaced for a check written elsewhere (an @asset_check
  // in another module): their lists hold the replaced nodes.
  const listed = new Set(changedFiles);
  for (const n of nodes.values()) if (n.definition.source !== 'external') listed.add(n.definition.location.file);
  for (const f of listed) {
    const list = (old.nodesByFile.get(f) ?? []).map((n) => nodes.get(n.id) ?? old.nodes.get(n.id)!);
    sortByLine(list);
    if (list.length > 0) byFile.set(f, list);
  }
  return new ResolvedAssetGraph(old.root, OverlayMap.of(old.nodes, nodes), edges, problems, old.unseen, old.indexes, OverlayMap.of(old.nodesByFile, byFile));
}

// Patched graphs keep the edge order of the graph they came from, so they share its indexes and
// these positions.
const positions = new WeakMap<object, Map<string, number[]>>();

/** Per node, the positions in `edges` of the edges that start or end there. */
function edgePositions(g: ResolvedAssetGraph): Map<string, number[]> {
  let at = positions.get(g.indexes);
  if (!at) {
    at = new Map();
    g.edges.forEach((e, i) => {
      for (const id of e.from === e.to ? [e.to] : [e.from, e.to]) {
        const list = at!.get(id);
        if (list) list.push(i);
        else at!.set(id, [i]);
      }
    });
    positions.set(g.indexes, at);
  }
  return at;
}

/** External sources the changed files' assets read (only those can be placed in a changed file). */
function externalsReadBy(old: ResolvedAssetGraph, changes: readonly FileChange[]): Set<string> {
  const out = new Set<string>();
  for (const c of changes) {
    for (const a of c.before.assets) {
      for (const up of old.upstreamOf(a.key.join('/'))) if (old.nodes.get(up)?.definition.source === 'external') out.add(up);
    }
  }
  return out;
}

/** What decides edges, nodes and graph problems: keys, sources, dependencies, check targets. */
export function structureOf(d: FileDiscovery): string {
  return JSON.stringify([
    d.assets.map((a) => [
      a.key,
      a.source,
      a.deps.map((r) => [r.origin, r.key, r.label ?? '']),
      a.dagster?.dbtAssets === true,
      a.dbt?.resourceType ?? '',
      a.dbt?.linkedKey ?? null,
    ]),
    (d.detachedChecks ?? []).map((c) => c.asset),
    d.unseen ?? [],
  ]);
}

function locKey(l: SourceLocation): string {
  return `${l.file}\u0000${l.line}\u0000${l.column}`;
}

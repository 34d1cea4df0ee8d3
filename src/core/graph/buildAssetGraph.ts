import { relative } from 'node:path';
import type { AssetDefinition, CheckDefinition, DependencyRef, FileDiscovery } from '../asset';
import type { AssetKey } from '../assetKey';
import { keyToString, lastPart, parseKey } from '../assetKey';
import type { Problem } from '../problem';
import { problemAt } from '../problem';
import type { AssetEdge, AssetGraph, AssetNode, DbtOp } from './assetGraph';
import { findCycles } from './graphCycles';
import type { UnknownTable } from './relationTypos';
import { TYPO_CODE, likelyMisspellings, typoMessage } from './relationTypos';

/**
 * Builds the one asset graph from what the readers found (docs/asset-graph.md).
 *
 * Resolution of a dependency: the asset with exactly that key (case-insensitive
 * as a fallback, DuckDB names being so); else the one asset whose last key part
 * matches (an inferred edge); else, for tables read by SQL and table functions,
 * an external source node; else a `graph.missing-dependency` problem at the
 * reference.
 *
 * dbt (docs/asset-graph.md): a dbt source whose `dbt.linkedKey` names an asset, or whose table
 * name is the last part of exactly one SQL/Dagster asset, is that asset: the
 * source node is folded into it (its tests become the asset's checks) and
 * models reading the source depend on the asset. An unlinked source stays a
 * node of its own.
 *
 * `@dbt_assets` (a Dagster definition with `dagster.dbtAssets`) is the op that
 * runs the dbt models, not an asset: it is no node (`dbtOps` on the graph), and
 * a dependency naming it stands for every dbt model, as in Dagster.
 */
export function buildAssetGraph(root: string, discoveries: readonly FileDiscovery[]): ResolvedAssetGraph {
  const problems: Problem[] = [];
  const unseen: string[] = [];
  const sorted = [...discoveries].sort((a, b) => cmp(a.file, b.file));

  // 1. Definitions by key; duplicates reported on every definition, the first kept.
  // A dbt source with the very key of a Dagster/SQL asset is that asset (docs/asset-graph.md), not a duplicate.
  const byId = new Map<string, AssetDefinition>();
  const dupes = new Map<string, AssetDefinition[]>();
  const sources: AssetDefinition[] = [];
  const sameKeySources: AssetDefinition[] = [];
  const opDefs: AssetDefinition[] = [];
  const add = (a: AssetDefinition) => {
    const id = keyToString(a.key);
    const prev = byId.get(id);
    if (!prev) {
      byId.set(id, a);
      return;
    }
    if (isDbtSource(a) && !isDbtSource(prev)) {
      sameKeySources.push(a);
      return;
    }
    const list = dupes.get(id) ?? [prev];
    list.push(a);
    dupes.set(id, list);
  };
  for (const d of sorted) {
    for (const p of d.problems) problems.push(p);
    if (d.unseen) unseen.push(...d.unseen);
    for (const a of d.assets) {
      if (a.key.length === 0) continue;
      if (a.dagster?.dbtAssets === true) {
        opDefs.push(a);
        continue;
      }
      if (isDbtSource(a)) sources.push(a);
      else add(a);
    }
  }
  for (const a of sources) add(a);
  for (const [id, defs] of dupes) {
    for (const a of defs) {
      const others = defs.filter((o) => o !== a).map((o) => `${relative(root, o.location.file) || o.location.file}:${o.location.line}`);
      problems.push(
        problemAt(a.location, 'error', 'graph.duplicate-key', `Asset key '${id}' is defined more than once; also at ${others.join(', ')}. Rename one (e.g. its 'name:').`),
      );
    }
  }

  const lookup = new KeyLookup(byId.keys());

  // 2. dbt sources linked to the asset that feeds them are folded into that asset.
  const folded = new Map<string, { id: string; inferred: boolean }>();
  for (const [id, a] of byId) {
    if (!isDbtSource(a)) continue;
    const linked = readLinkedKey(a);
    if (linked) {
      const target = lookup.exact(keyToString(linked));
      if (target && target !== id) {
        folded.set(id, { id: target, inferred: false });
        continue;
      }
    }
    const candidates = lookup
      .byLast(lastPart(a.key))
      .filter((c) => c !== id && (byId.get(c)!.source === 'sql' || byId.get(c)!.source === 'dagster'));
    if (candidates.length === 1) folded.set(id, { id: candidates[0]!, inferred: true });
  }
  const foldedDefs = new Map<string, AssetDefinition>();
  for (const id of folded.keys()) {
    foldedDefs.set(id, byId.get(id)!);
    byId.delete(id);
  }
  lookup.remove(folded.keys());

  // 3. Resolve every dependency.
  const externals = new Map<string, AssetDefinition>();
  const edgeMap = new Map<string, AssetEdge>();
  const addEdge = (from: string, to: string, inferred: boolean, ref?: DependencyRef) => {
    if (from === to) return;
    const k = `${from}\u0000${to}`;
    const prev = edgeMap.get(k);
    // An exact reference wins over an inferred one for the same pair.
    if (prev && (!prev.inferred || inferred)) return;
    edgeMap.set(k, ref ? { from, to, inferred, ref } : { from, to, inferred });
  };
  const unknownTables: UnknownTable[] = [];
  const dbtModels: string[] = [];
  for (const [id, a] of byId) if (a.source === 'dbt' && a.dbt?.resourceType === 'model') dbtModels.push(id);
  dbtModels.sort(cmp);
  const opNames = new Set(opDefs.map((o) => keyToString(o.key)));
  for (const [id, a] of byId) {
    for (const ref of a.deps) {
      const written = keyToString(ref.key);
      if (opNames.has(written) && !lookup.exact(written)) {
        for (const m of dbtModels) addEdge(m, id, false, ref);
        continue;
      }
      if (ref.origin === 'dbt-source') {
        const f = folded.get(written);
        if (f) {
          addEdge(f.id, id, f.inferred, ref);
          continue;
        }
      }
      const exact = lookup.exact(written);
      if (exact) {
        addEdge(exact, id, false, ref);
        continue;
      }
      const foldedExact = folded.get(written);
      if (foldedExact) {
        addEdge(foldedExact.id, id, foldedExact.inferred, ref);
        continue;
      }
      const last = lookup.byLast(lastPart(ref.key));
      if (last.length === 1) {
        addEdge(last[0]!, id, true, ref);
        continue;
      }
      if (ref.origin === 'sql-table' || ref.origin === 'table-function') {
        if (!externals.has(written)) {
          externals.set(written, {
            key: ref.key,
            source: 'external',
            location: ref.location ?? a.location,
            deps: [],
            checks: [],
            definitionHash: '',
            ...(ref.label ? { description: ref.label } : {}),
            ...(ref.origin === 'table-function' ? { kind: 'table function' } : { kind: 'table' }),
          });
        }
        if (ref.origin === 'sql-table') unknownTables.push({ id: written, location: ref.location ?? a.location });
        addEdge(written, id, false, ref);
        continue;
      }
      const where = ref.location ?? a.location;
      const ambiguous = last.length > 1 ? ` Several assets end in '${lastPart(ref.key)}' (${last.join(', ')}): write the full key.` : '';
      problems.push(
        problemAt(where, 'error', 'graph.missing-dependency', `Asset '${id}' depends on '${written}', which no asset defines.${ambiguous}`),
      );
    }
  }

  // A table that names no asset becomes an external source; one a letter away from an asset is likely a typo.
  if (unknownTables.length > 0) {
    const known = [...byId].map(([id, a]) => ({ id, relation: relationText(a) }));
    const meant = likelyMisspellings(unknownTables, known);
    for (const u of unknownTables) {
      const k = meant.get(u.id);
      if (!k) continue;
      const read = u.id.split('/').join('.');
      problems.push(
        problemAt(u.location, 'warning', TYPO_CODE, typoMessage(read, k.relation)),
      );
    }
  }

  // 4. Nodes, with detached checks (@asset_check, dbt tests) attached.
  const checks = new Map<string, CheckDefinition[]>();
  for (const [id, a] of byId) checks.set(id, [...a.checks]);
  for (const a of sameKeySources) checks.get(keyToString(a.key))!.push(...a.checks);
  for (const [srcId, f] of folded) {
    checks.get(f.id)!.push(...foldedDefs.get(srcId)!.checks);
  }
  for (const d of sorted) {
    for (const dc of d.detachedChecks ?? []) {
      const written = keyToString(dc.asset);
      const target = lookup.exact(written) ?? folded.get(written)?.id ?? single(lookup.byLast(lastPart(dc.asset)));
      if (!target) {
        problems.push(
          problemAt(dc.check.location, 'error', 'graph.missing-check-asset', `Check '${dc.check.name}' is on asset '${written}', which no asset defines.`),
        );
        continue;
      }
      checks.get(target)!.push(dc.check);
    }
  }

  for (const id of externals.keys()) lookup.add(id);
  const nodes = new Map<string, AssetNode>();
  const ids = [...byId.keys(), ...externals.keys()].sort(cmp);
  for (const id of ids) {
    const definition = byId.get(id) ?? externals.get(id)!;
    nodes.set(id, { id, definition, checks: checks.get(id) ?? [] });
  }
  const edges = [...edgeMap.values()].sort((x, y) => cmp(x.from, y.from) || cmp(x.to, y.to));

  // 5. Cycles: a problem on every member.
  const down = adjacency(edges, 'from', 'to');
  for (const cycle of findCycles(ids, down)) {
    const path = cycle.join(' → ');
    for (const id of cycle) {
      const def = nodes.get(id)!.definition;
      const ref = def.deps.find((r) => edges.some((e) => e.to === id && e.ref === r && cycle.includes(e.from)));
      problems.push(
        problemAt(ref?.location ?? def.location, 'error', 'graph.cycle', `Asset '${id}' is part of a dependency cycle: ${path}. Remove one of these dependencies.`),
      );
    }
  }

  problems.sort((a, b) => cmp(a.file, b.file) || a.line - b.line || a.column - b.column || cmp(a.code, b.code));
  const indexes: GraphIndexes = {
    up: adjacency(edges, 'to', 'from'),
    down,
    lookup,
    dbtModels,
    dbtOps: opDefs.map((o): DbtOp => ({ name: keyToString(o.key), location: o.location, models: dbtModels })),
  };
  return new ResolvedAssetGraph(root, nodes, edges, problems, [...new Set(unseen)], indexes);
}

/** Lookups derived from nodes and edges; a patched graph with the same structure shares them. */
export interface GraphIndexes {
  readonly up: ReadonlyMap<string, readonly string[]>;
  readonly down: ReadonlyMap<string, readonly string[]>;
  readonly lookup: KeyLookup;
  readonly dbtModels: readonly string[];
  readonly dbtOps: readonly DbtOp[];
}

/** The graph built by buildAssetGraph: AssetGraph plus what only it knows. */
export class ResolvedAssetGraph implements AssetGraph {
  private readonly byFile: ReadonlyMap<string, readonly AssetNode[]>;

  constructor(
    readonly root: string,
    readonly nodes: ReadonlyMap<string, AssetNode>,
    readonly edges: readonly AssetEdge[],
    readonly problems: readonly Problem[],
    readonly unseen: readonly string[],
    readonly indexes: GraphIndexes,
    byFile?: ReadonlyMap<string, readonly AssetNode[]>,
  ) {
    if (byFile) this.byFile = byFile;
    else {
      const made = new Map<string, AssetNode[]>();
      for (const n of nodes.values()) {
        if (n.definition.source === 'external') continue;
        const list = made.get(n.definition.location.file) ?? [];
        list.push(n);
        made.set(n.definition.location.file, list);
      }
      for (const list of made.values()) sortByLine(list);
      this.byFile = made;
    }
  }

  private get up() {
    return this.indexes.up;
  }

  private get down() {
    return this.indexes.down;
  }

  private get lookup() {
    return this.indexes.lookup;
  }

  /** Nodes by definition file (shared with patched graphs; do not mutate). */
  get nodesByFile(): ReadonlyMap<string, readonly AssetNode[]> {
    return this.byFile;
  }

  upstreamOf(id: string): readonly string[] {
    return this.up.get(id) ?? [];
  }

  downstreamOf(id: string): readonly string[] {
    return this.down.get(id) ?? [];
  }

  ancestors(id: string, depth?: number): ReadonlySet<string> {
    return walk(id, this.up, depth);
  }

  descendants(id: string, depth?: number): ReadonlySet<string> {
    return walk(id, this.down, depth);
  }

  assetAt(file: string, line: number): AssetNode | undefined {
    const list = this.byFile.get(file);
    if (!list) return undefined;
    let found: AssetNode | undefined;
    for (const n of list) {
      if (n.definition.location.line <= line) found = n;
      else break;
    }
    // A line above the first definition (a comment on top of a file) still means that file's asset.
    return found ?? (list.length === 1 ? list[0] : undefined);
  }

  find(text: string): AssetNode | undefined {
    const t = text.trim();
    const direct = this.nodes.get(t);
    if (direct) return direct;
    const id = this.lookup.exact(keyToString(parseKey(t))) ?? single(this.lookup.byLast(lastPart(parseKey(t))));
    return id ? this.nodes.get(id) : undefined;
  }

  /** Every asset defined in `file`, in line order. */
  assetsIn(file: string): readonly AssetNode[] {
    return this.byFile.get(file) ?? [];
  }

  get dbtOps(): readonly DbtOp[] {
    return this.indexes.dbtOps;
  }
}

/** Key strings by exact text, lower case and last part. */
export class KeyLookup {
  private readonly ids = new Set<string>();
  private readonly lower = new Map<string, string[]>();
  private readonly last = new Map<string, string[]>();

  constructor(ids: Iterable<string>) {
    for (const id of ids) this.add(id);
  }

  add(id: string): void {
    this.ids.add(id);
    const lower = id.toLowerCase();
    push(this.lower, lower, id);
    push(this.last, lower.slice(lower.lastIndexOf('/') + 1), id);
  }

  remove(ids: Iterable<string>): void {
    // Only the lists the removed keys are in: a graph folds a few dbt sources, and has thousands of keys.
    for (const id of ids) {
      if (!this.ids.delete(id)) continue;
      const lower = id.toLowerCase();
      drop(this.lower, lower, id);
      drop(this.last, lower.slice(lower.lastIndexOf('/') + 1), id);
    }
  }

  exact(id: string): string | undefined {
    if (this.ids.has(id)) return id;
    return single(this.lower.get(id.toLowerCase()) ?? []);
  }

  byLast(part: string): readonly string[] {
    return this.last.get(part.toLowerCase()) ?? [];
  }
}

function push(m: Map<string, string[]>, k: string, v: string): void {
  const list = m.get(k);
  if (list) list.push(v);
  else m.set(k, [v]);
}

function drop(m: Map<string, string[]>, k: string, v: string): void {
  const kept = (m.get(k) ?? []).filter((x) => x !== v);
  if (kept.length === 0) m.delete(k);
  else m.set(k, kept);
}

function single(list: readonly string[]): string | undefined {
  return list.length === 1 ? list[0] : undefined;
}

function adjacency(edges: readonly AssetEdge[], from: 'from' | 'to', to: 'from' | 'to'): Map<string, string[]> {
  const m = new Map<string, string[]>();
  for (const e of edges) push(m, e[from], e[to]);
  for (const list of m.values()) list.sort(cmp);
  return m;
}

function walk(id: string, next: ReadonlyMap<string, readonly string[]>, depth?: number): Set<string> {
  const seen = new Set<string>();
  let frontier = [id];
  for (let d = 0; frontier.length > 0 && (depth === undefined || d < depth); d++) {
    const following: string[] = [];
    for (const v of frontier) {
      for (const w of next.get(v) ?? []) {
        if (w === id || seen.has(w)) continue;
        seen.add(w);
        following.push(w);
      }
    }
    frontier = following;
  }
  return seen;
}

function isDbtSource(a: AssetDefinition): boolean {
  return a.source === 'dbt' && a.dbt?.resourceType === 'source';
}

/** dbt readers add `linkedKey` to sources fed by a Dagster/SQL asset; read it without trusting its shape. */
function readLinkedKey(a: AssetDefinition): AssetKey | undefined {
  const v = (a.dbt as { linkedKey?: unknown } | undefined)?.linkedKey;
  if (Array.isArray(v) && v.length > 0 && v.every((p) => typeof p === 'string')) return v as string[];
  if (typeof v === 'string' && v.trim()) return parseKey(v);
  return undefined;
}

export function sortByLine(list: AssetNode[]): void {
  list.sort((a, b) => a.definition.location.line - b.definition.location.line);
}

export function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** How SQL names an asset: a SQL asset's relation, else its key's parts joined by dots. */
function relationText(a: AssetDefinition): string {
  const r = a.sql?.relation;
  if (r) return r.schema ? `${r.schema}.${r.name}` : r.name;
  return a.key.join('.');
}

import type { AssetGraph } from '../graph/assetGraph';
import type { LineageAssetColumns, LineageColumn, LineageColumnLink, LineageColumnRef } from '../../protocol/lineageMessages';
import type { AssetColumnLineageReader } from './assetColumnLineage';

/** A trace of a column used everywhere stops here: the panel could not draw more anyway. */
export const MAX_TRACE_LINKS = 2000;

const same = (a: string, b: string): boolean => a.toLowerCase() === b.toLowerCase();
const refKey = (r: LineageColumnRef): string => `${r.asset}\u0000${r.column.toLowerCase()}`;

function hasQuery(graph: AssetGraph, id: string): boolean {
  const d = graph.nodes.get(id)?.definition;
  return Boolean(d?.sql || d?.dbt?.resourceType === 'model');
}

/** The columns of `id` its dependents' queries read: all that can be said of an external source never described. */
async function columnsReadByDependents(reader: AssetColumnLineageReader, graph: AssetGraph, id: string): Promise<string[]> {
  const names = new Map<string, string>();
  for (const down of graph.downstreamOf(id)) {
    if (!hasQuery(graph, down)) continue;
    const l = await reader.lineageOf(down).catch(() => undefined);
    for (const c of l?.columns ?? []) for (const s of c.sources) if (s.asset === id && s.column !== '*') names.set(s.column.toLowerCase(), s.column);
  }
  return [...names.values()];
}

/**
 * An asset's output columns for the lineage panel: a SQL asset's or dbt
 * model's from its query (with their sources); any other asset's from the
 * target's catalog, else the columns its dependents read from it.
 */
export async function assetOutputColumns(reader: AssetColumnLineageReader, graph: AssetGraph, id: string): Promise<LineageAssetColumns> {
  const node = graph.nodes.get(id);
  if (!node) return { key: id, columns: [], note: `No asset '${id}' in the workspace.` };
  if (hasQuery(graph, id)) {
    try {
      const l = await reader.lineageOf(id);
      return {
        key: id,
        columns: l.columns.map((c) => ({ name: c.name, kind: c.kind, sources: c.sources.map((s) => ({ asset: s.asset, column: s.column })) })),
        ...(l.notes.length > 0 ? { note: l.notes.join(' ') } : {}),
      };
    } catch (err) {
      return { key: id, columns: [], note: err instanceof Error ? err.message : String(err) };
    }
  }
  const fromCatalog = await reader.columnNamesOf(id);
  if (fromCatalog) return { key: id, columns: fromCatalog.map((name) => ({ name, sources: [] })) };
  const read = await columnsReadByDependents(reader, graph, id);
  const why = node.definition.source === 'external' ? 'an external source' : `a ${node.definition.source} asset not built on this target`;
  return {
    key: id,
    columns: read.map((name) => ({ name, sources: [] })),
    note: read.length > 0 ? `${id} is ${why}: the columns its dependents read.` : `${id} is ${why}: no columns known.`,
  };
}

export interface ColumnTrace {
  readonly links: readonly LineageColumnLink[];
  readonly assets: readonly LineageAssetColumns[];
  readonly truncated: boolean;
}

/**
 * Every column `column` of `id` is computed from (upstream, transitively) and
 * every column computed from it (downstream), as links with copy or
 * transformation, plus the columns of each asset involved. Breadth first, so
 * a trace cut at `maxLinks` keeps the nearest columns.
 */
export async function traceColumn(
  reader: AssetColumnLineageReader,
  graph: AssetGraph,
  id: string,
  column: string,
  maxLinks: number = MAX_TRACE_LINKS,
): Promise<ColumnTrace> {
  const links: LineageColumnLink[] = [];
  const linkSeen = new Set<string>();
  let truncated = false;
  const add = (link: LineageColumnLink): boolean => {
    const k = `${refKey(link.from)}\u0001${refKey(link.to)}`;
    if (linkSeen.has(k)) return false;
    if (links.length >= maxLinks) {
      truncated = true;
      return false;
    }
    linkSeen.add(k);
    links.push(link);
    return true;
  };

  const start: LineageColumnRef = { asset: id, column };
  let frontier = [start];
  const upSeen = new Set([refKey(start)]);
  while (frontier.length > 0 && !truncated) {
    const next: LineageColumnRef[] = [];
    for (const ref of frontier) {
      if (!hasQuery(graph, ref.asset)) continue;
      const l = await reader.lineageOf(ref.asset).catch(() => undefined);
      const c = l?.columns.find((x) => same(x.name, ref.column));
      for (const s of c?.sources ?? []) {
        const from = { asset: s.asset, column: s.column };
        add({ from, to: { asset: ref.asset, column: c!.name }, kind: c!.kind });
        if (!upSeen.has(refKey(from))) {
          upSeen.add(refKey(from));
          next.push(from);
        }
      }
    }
    frontier = next;
  }

  frontier = [start];
  const downSeen = new Set([refKey(start)]);
  while (frontier.length > 0 && !truncated) {
    const next: LineageColumnRef[] = [];
    for (const ref of frontier) {
      for (const d of await reader.dependentsOf(ref.asset, ref.column)) {
        const to = { asset: d.asset, column: d.column };
        add({ from: ref, to, kind: d.kind });
        if (!downSeen.has(refKey(to))) {
          downSeen.add(refKey(to));
          next.push(to);
        }
      }
    }
    frontier = next;
  }

  const involved = new Set<string>([id]);
  for (const l of links) {
    involved.add(l.from.asset);
    involved.add(l.to.asset);
  }
  const assets: LineageAssetColumns[] = [];
  for (const a of involved) {
    // A source that is not a node (a table no asset defines) has no box to expand.
    if (!graph.nodes.has(a)) continue;
    assets.push(await withTracedColumns(await assetOutputColumns(reader, graph, a), links));
  }
  return { links, assets, truncated };
}

/** Columns a link names but the list lacks (an undescribed source's column) are added, so every highlighted column has a row. */
function withTracedColumns(list: LineageAssetColumns, links: readonly LineageColumnLink[]): LineageAssetColumns {
  const have = new Set(list.columns.map((c) => c.name.toLowerCase()));
  const extra: LineageColumn[] = [];
  for (const l of links) {
    for (const r of [l.from, l.to]) {
      if (r.asset !== list.key || have.has(r.column.toLowerCase())) continue;
      have.add(r.column.toLowerCase());
      extra.push({ name: r.column, sources: [] });
    }
  }
  return extra.length === 0 ? list : { ...list, columns: [...list.columns, ...extra] };
}

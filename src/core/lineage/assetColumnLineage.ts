import { keyToString } from '../assetKey';
import type { AssetGraph, AssetNode } from '../graph/assetGraph';
import { resolveDependency } from '../language/assetReferences';
import type { ColumnLineage } from './columnLineage';
import { sqlColumnLineage } from './sqlColumnLineage';

/** An upstream column named by asset: the asset's key, or the table as written when no asset defines it. */
export interface AssetColumnSource {
  readonly asset: string;
  readonly column: string;
}

export interface AssetColumn {
  readonly name: string;
  readonly kind: 'copy' | 'transformation';
  readonly sources: readonly AssetColumnSource[];
}

export interface AssetColumnLineage {
  readonly asset: string;
  readonly columns: readonly AssetColumn[];
  readonly notes: readonly string[];
}

/** An asset's columns on the target (its catalog), undefined when it is not built there or cannot be read. */
export type CatalogColumns = (node: AssetNode) => Promise<readonly string[] | undefined>;

/**
 * Column lineage of SQL assets across the graph. Each upstream table's columns
 * come from the target's catalog, else from that upstream's own column
 * lineage (so `*` expands before anything was built). Results are kept for
 * the life of this object: one graph, one target.
 */
export class AssetColumnLineageReader {
  private readonly lineages = new Map<string, Promise<AssetColumnLineage>>();
  private readonly columns = new Map<string, Promise<readonly string[] | undefined>>();

  constructor(
    private readonly graph: AssetGraph,
    private readonly catalog: CatalogColumns,
  ) {}

  /** The lineage of one SQL asset's output columns; throws, saying why, for any other asset. */
  lineageOf(id: string): Promise<AssetColumnLineage> {
    let l = this.lineages.get(id);
    if (!l) {
      l = this.read(id);
      this.lineages.set(id, l);
    }
    return l;
  }

  /** The direct dependents' columns computed from `column` of asset `id` (what a drop of it breaks first). */
  async dependentsOf(id: string, column: string): Promise<{ asset: string; column: string; kind: AssetColumn['kind'] }[]> {
    const out: { asset: string; column: string; kind: AssetColumn['kind'] }[] = [];
    for (const down of this.graph.downstreamOf(id)) {
      if (!this.graph.nodes.get(down)?.definition.sql) continue;
      const l = await this.lineageOf(down).catch(() => undefined);
      for (const c of l?.columns ?? []) {
        if (c.sources.some((s) => s.asset === id && s.column.toLowerCase() === column.toLowerCase())) out.push({ asset: down, column: c.name, kind: c.kind });
      }
    }
    return out;
  }

  private async read(id: string): Promise<AssetColumnLineage> {
    const node = this.graph.nodes.get(id);
    if (!node) throw new Error(`No asset '${id}' in the workspace.`);
    const sql = node.definition.sql;
    if (!sql) throw new Error(`${id} is a ${node.definition.source} asset: column lineage is read from SQL assets' queries.`);
    // Each table the query reads, resolved as the graph resolved it, with its columns.
    const known = new Map<string, { asset: string; columns: readonly string[] | undefined }>();
    for (const dep of node.definition.deps) {
      if (dep.origin !== 'sql-table') continue;
      const written = keyToString(dep.key);
      const up = resolveDependency(this.graph, id, written)[0];
      const columns = up ? await this.columnsOf(up) : undefined;
      known.set(written.toLowerCase(), { asset: up?.id ?? dep.key.join('.'), columns });
    }
    const lineage: ColumnLineage = await sqlColumnLineage(sql.sql, (parts) => known.get(parts.join('/').toLowerCase())?.columns);
    const assetOf = (table: string) => known.get(table.split('.').join('/'))?.asset ?? this.graph.nodes.get(table)?.id ?? table;
    return {
      asset: id,
      columns: lineage.columns.map((c) => ({ name: c.name, kind: c.kind, sources: c.sources.map((s) => ({ asset: assetOf(s.table), column: s.column })) })),
      notes: lineage.notes,
    };
  }

  private columnsOf(node: AssetNode): Promise<readonly string[] | undefined> {
    let c = this.columns.get(node.id);
    if (!c) {
      c = (async () => {
        const fromCatalog = await this.catalog(node);
        if (fromCatalog) return fromCatalog;
        if (!node.definition.sql) return undefined;
        const own = await this.lineageOf(node.id).catch(() => undefined);
        return own?.columns.map((x) => x.name);
      })();
      this.columns.set(node.id, c);
    }
    return c;
  }
}

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

/** What dbt models need: their compiled SQL (or why not), and the relation each upstream is read from. */
export interface DbtSqlAccess {
  compiledSql(node: AssetNode): Promise<{ readonly sql: string } | { readonly message: string }>;
  /** The upstream's relation as compiled SQL names it (`"db"."main"."stg_orders"`), when it can be said. */
  relationOf(node: AssetNode): Promise<string | undefined>;
}

/** A relation's name parts, unquoted and case folded: `"db"."main"."t"` → ['db', 'main', 't']. */
function relationParts(relation: string): string[] {
  return (relation.match(/"(?:[^"]|"")*"|[^."]+/g) ?? []).map((p) => (p.startsWith('"') ? p.slice(1, -1).replace(/""/g, '"') : p).toLowerCase());
}

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
    private readonly dbt?: DbtSqlAccess,
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
      const d = this.graph.nodes.get(down)?.definition;
      if (!d?.sql && !(this.dbt && d?.dbt?.resourceType === 'model')) continue;
      const l = await this.lineageOf(down).catch(() => undefined);
      for (const c of l?.columns ?? []) {
        if (c.sources.some((s) => s.asset === id && s.column.toLowerCase() === column.toLowerCase())) out.push({ asset: down, column: c.name, kind: c.kind });
      }
    }
    return out;
  }

  /** An asset's column names: the target's catalog, else its own column lineage; undefined when neither says. */
  columnNamesOf(id: string): Promise<readonly string[] | undefined> {
    const node = this.graph.nodes.get(id);
    return node ? this.columnsOf(node) : Promise.resolve(undefined);
  }

  private async read(id: string): Promise<AssetColumnLineage> {
    const node = this.graph.nodes.get(id);
    if (!node) throw new Error(`No asset '${id}' in the workspace.`);
    // Each table the query reads, by its name parts (every suffix: compiled SQL names `db.schema.t`), with its asset and columns.
    const known = new Map<string, { asset: string; columns: readonly string[] | undefined }>();
    let sql: string;
    if (node.definition.sql) {
      sql = node.definition.sql.sql;
      for (const dep of node.definition.deps) {
        if (dep.origin !== 'sql-table') continue;
        const written = keyToString(dep.key);
        const up = resolveDependency(this.graph, id, written)[0];
        known.set(written.toLowerCase(), { asset: up?.id ?? dep.key.join('.'), columns: up ? await this.columnsOf(up) : undefined });
      }
    } else if (this.dbt && node.definition.dbt?.resourceType === 'model') {
      const compiled = await this.dbt.compiledSql(node);
      if ('message' in compiled) throw new Error(compiled.message);
      sql = compiled.sql;
      for (const dep of node.definition.deps) {
        const up = resolveDependency(this.graph, id, keyToString(dep.key))[0];
        const relation = up ? await this.dbt.relationOf(up) : undefined;
        if (!up || !relation) continue;
        const entry = { asset: up.id, columns: await this.columnsOf(up) };
        const parts = relationParts(relation);
        for (let i = 0; i < parts.length; i++) if (!known.has(parts.slice(i).join('/'))) known.set(parts.slice(i).join('/'), entry);
      }
    } else {
      throw new Error(`${id} is a ${node.definition.source} asset: column lineage is read from SQL assets' queries and dbt models' compiled SQL.`);
    }
    const lineage: ColumnLineage = await sqlColumnLineage(sql, (parts) => known.get(parts.join('/').toLowerCase())?.columns);
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
        if (!node.definition.sql && !(this.dbt && node.definition.dbt?.resourceType === 'model')) return undefined;
        const own = await this.lineageOf(node.id).catch(() => undefined);
        return own?.columns.map((x) => x.name);
      })();
      this.columns.set(node.id, c);
    }
    return c;
  }
}

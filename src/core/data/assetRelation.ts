import type { AssetNode } from '../graph/assetGraph';
import type { TargetConfig } from '../project/targetConfig';
import { quoteRelation } from '../engine/sqlIdentifiers';
import { loadDbtRunProject } from '../dbt/dbtRunProject';
import { DbtModelCompiler } from '../dbt/dbtModelCompiler';
import { renderRelation } from '../dbt/dbtRelation';

/** Where an asset's data is on a target, quoted, or why it cannot be said. */
export type AssetRelation = { readonly ok: true; readonly relation: string } | { readonly ok: false; readonly message: string };

/**
 * The relation an asset is built into on `target`: a SQL asset's name (the
 * target's schema when it has none), a dbt model's or seed's relation as dbt
 * names it (custom schema, alias), a dbt source's table, and for Dagster and
 * external assets the key read as `schema/table` (as Dagster's DuckDB I/O
 * managers store them), else the target's schema.
 */
export async function assetRelation(node: AssetNode, target: TargetConfig, env?: Readonly<Record<string, string | undefined>>): Promise<AssetRelation> {
  const d = node.definition;
  if (d.sql) return { ok: true, relation: quoteRelation({ schema: d.sql.relation.schema ?? target.schema, name: d.sql.relation.name }) };
  if (d.dbt) {
    const info = d.dbt;
    let compiler: DbtModelCompiler;
    try {
      compiler = new DbtModelCompiler(await loadDbtRunProject(info.projectDir), { target, env });
    } catch (err) {
      return { ok: false, message: `${node.id}: ${err instanceof Error ? err.message : String(err)}` };
    }
    if (info.resourceType === 'source' && info.sourceTable) {
      const r = compiler.sourceRelation(info.sourceTable.sourceName, info.sourceTable.tableName);
      return typeof r === 'string' ? { ok: true, relation: r } : { ok: false, message: `${node.id}: ${r.message}` };
    }
    if (info.resourceType === 'model' || info.resourceType === 'seed') {
      const planned = compiler.plan(info.selector, info.resourceType);
      if (!planned.ok) return { ok: false, message: planned.problem.message };
      if (planned.value.materialized === 'ephemeral') return { ok: false, message: `${node.id} is ephemeral: dbt builds no relation for it, so there is nothing to preview. Preview a model that selects from it.` };
      return { ok: true, relation: renderRelation(planned.value.relation) };
    }
    return { ok: false, message: `${node.id}: previewing dbt ${info.resourceType}s is not supported.` };
  }
  const parts = d.key;
  const name = parts[parts.length - 1]!;
  return { ok: true, relation: quoteRelation({ schema: parts.length > 1 ? parts[parts.length - 2]! : target.schema, name }) };
}

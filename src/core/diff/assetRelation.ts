import type { AssetNode } from '../graph/assetGraph';
import type { TargetConfig } from '../project/targetConfig';
import { DbtModelCompiler } from '../dbt/dbtModelCompiler';
import { loadDbtRunProject } from '../dbt/dbtRunProject';
import { columnsOf } from '../engine/checkQueries';
import type { RelationName } from './relationDiff';

/** An asset's relation on a target, or why it has none Asset Studio can name. */
export type AssetRelation = { readonly ok: true; readonly relation: RelationName } | { readonly ok: false; readonly error: string };

/**
 * Names relations of assets on targets. dbt models depend on the target (its
 * schema, generate_schema_name), so one compiler is kept per project and target.
 */
export class AssetRelations {
  private readonly compilers = new Map<string, Promise<DbtModelCompiler>>();

  constructor(private readonly env?: Readonly<Record<string, string | undefined>>) {}

  async of(node: AssetNode, target: TargetConfig): Promise<AssetRelation> {
    const def = node.definition;
    if (def.sql) return { ok: true, relation: { schema: def.sql.relation.schema ?? target.schema, name: def.sql.relation.name } };
    const dbt = def.dbt;
    if (dbt && (dbt.resourceType === 'model' || dbt.resourceType === 'seed')) {
      try {
        const planned = (await this.compiler(dbt.projectDir, target)).plan(dbt.selector, dbt.resourceType);
        if (!planned.ok) return { ok: false, error: `${node.id}: ${planned.problem.message}` };
        if (planned.value.materialized === 'ephemeral') return { ok: false, error: `${node.id} is an ephemeral dbt model: it has no relation to compare.` };
        return { ok: true, relation: { schema: planned.value.relation.schema, name: planned.value.relation.identifier } };
      } catch (err) {
        return { ok: false, error: `${node.id}: ${err instanceof Error ? err.message : String(err)}` };
      }
    }
    if (dbt?.sourceTable) return { ok: true, relation: { schema: dbt.sourceTable.schema, name: dbt.sourceTable.identifier } };
    // Dagster's DuckDB I/O manager stores `prefix/name` as schema `prefix`, table `name`.
    if (def.source === 'dagster' && def.key.length <= 2) {
      const name = def.key[def.key.length - 1]!;
      return { ok: true, relation: { schema: def.key.length === 2 ? def.key[0]! : target.schema, name } };
    }
    return { ok: false, error: `${node.id}: Asset Studio cannot tell which relation holds this ${def.source} asset.` };
  }

  private compiler(projectDir: string, target: TargetConfig): Promise<DbtModelCompiler> {
    const id = `${target.name}\u0000${projectDir}`;
    let c = this.compilers.get(id);
    if (!c) {
      c = loadDbtRunProject(projectDir).then((project) => new DbtModelCompiler(project, { target, env: this.env }));
      this.compilers.set(id, c);
    }
    return c;
  }
}

/**
 * The columns an asset's rows are told apart by: its `unique_key`, else the
 * columns of its first `unique` check (built-in or dbt test); empty when it has none.
 */
export function diffKeyOf(node: AssetNode): string[] {
  const uniqueKey = node.definition.sql?.uniqueKey;
  if (uniqueKey && uniqueKey.length > 0) return [...uniqueKey];
  for (const check of node.checks) {
    const config = check.config ?? {};
    if (check.type === 'unique') {
      const cols = columnsOf(config);
      if (cols.length > 0) return cols;
    }
    if (check.type === 'dbt' && config['test'] === 'unique' && !config['namespace'] && typeof config['column'] === 'string') {
      return [config['column']];
    }
  }
  return [];
}

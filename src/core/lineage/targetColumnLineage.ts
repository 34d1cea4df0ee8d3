import type { AssetGraph } from '../graph/assetGraph';
import type { TargetConfig } from '../project/targetConfig';
import { readAssetColumns } from '../data/assetColumns';
import { assetRelation } from '../data/assetRelation';
import { compiledSqlOf } from '../dbt/dbtCompiledSql';
import { AssetColumnLineageReader } from './assetColumnLineage';

export interface TargetColumnLineageOptions {
  readonly projectRoot: string;
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** MotherDuck token; passed to the readers only, never logged. */
  readonly token?: string;
}

/**
 * Column lineage read against one target: upstream columns from its catalog
 * (read-only), dbt models through their compiled SQL. The CLI and the
 * lineage panel use the same reader.
 */
export function columnLineageOnTarget(graph: AssetGraph, target: TargetConfig, opts: TargetColumnLineageOptions): AssetColumnLineageReader {
  const read = { projectRoot: opts.projectRoot, ...(opts.env ? { env: opts.env } : {}), ...(opts.token ? { token: opts.token } : {}) };
  return new AssetColumnLineageReader(
    graph,
    async (n) => {
      const columns = await readAssetColumns(n, target, read);
      return columns.ok ? columns.columns.map((c) => c.name) : undefined;
    },
    {
      compiledSql: async (n) => {
        const c = await compiledSqlOf(n, target, read);
        return c.ok ? { sql: c.sql } : { message: `${c.problem.file}:${c.problem.line}: ${c.problem.message}` };
      },
      relationOf: async (n) => {
        const r = await assetRelation(n, target, opts.env);
        return r.ok ? r.relation : undefined;
      },
    },
  );
}

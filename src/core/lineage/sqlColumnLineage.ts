import { serializeSql } from '../discovery/sql/sqlParser';
import { sqlForParsing } from '../discovery/sql/sqlTemplate';
import type { ColumnLineage, UpstreamColumnsOf } from './columnLineage';
import { columnLineageOfTree } from './columnLineage';

/** Column lineage of a SQL asset's query (templates blanked as discovery does) or a dbt model's compiled SQL. */
export async function sqlColumnLineage(sql: string, upstream: UpstreamColumnsOf): Promise<ColumnLineage> {
  return columnLineageOfTree(await serializeSql(sqlForParsing(sql)), upstream);
}

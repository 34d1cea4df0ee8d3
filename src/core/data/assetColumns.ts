import type { AssetNode } from '../graph/assetGraph';
import type { TargetConfig } from '../project/targetConfig';
import type { ColumnInfo } from '../editorModel/assetHoverText';
import { assetRelation } from './assetRelation';
import type { DataReadOptions } from './dataReader';
import { withReadConnection } from './dataReader';

export type AssetColumns = { readonly ok: true; readonly columns: readonly ColumnInfo[] } | { readonly ok: false; readonly message: string };

/** The columns and types of an asset's relation on a target, read-only, as DuckDB's catalog has them. */
export async function readAssetColumns(node: AssetNode, target: TargetConfig, opts: DataReadOptions): Promise<AssetColumns> {
  const relation = await assetRelation(node, target, opts.env);
  if (!relation.ok) return relation;
  try {
    return await withReadConnection(target, opts, async (conn) => {
      const reader = await conn.runAndReadAll(`describe ${relation.relation}`);
      const rows = reader.getRowObjects();
      return { ok: true, columns: rows.map((r) => ({ name: String(r['column_name']), type: String(r['column_type']) })) };
    });
  } catch (err) {
    return { ok: false, message: `${node.id} on target '${target.name}': ${err instanceof Error ? err.message : String(err)}` };
  }
}

import type { DuckDBConnection } from '@duckdb/node-api';
import type { AssetNode } from '../graph/assetGraph';
import type { TargetConfig } from '../project/targetConfig';
import type { ColumnInfo } from '../editorModel/assetHoverText';
import { assetRelation } from './assetRelation';
import type { DataReadOptions } from './dataReader';
import { withReadConnection } from './dataReader';

export type AssetColumns = { readonly ok: true; readonly columns: readonly ColumnInfo[] } | { readonly ok: false; readonly message: string };

/** The columns and types of an asset's relation on a target, read-only, as DuckDB's catalog has them. */
export async function readAssetColumns(node: AssetNode, target: TargetConfig, opts: DataReadOptions): Promise<AssetColumns> {
  return (await readAssetsColumns([node], target, opts)).get(node.id)!;
}

/**
 * Several assets' columns on one read-only connection: opening the database
 * is most of a read's cost, so the editor reads ahead many at once. Each asset
 * gets its own answer (one missing relation does not fail the others).
 */
export async function readAssetsColumns(nodes: readonly AssetNode[], target: TargetConfig, opts: DataReadOptions): Promise<Map<string, AssetColumns>> {
  const out = new Map<string, AssetColumns>();
  const relations: { node: AssetNode; relation: string }[] = [];
  for (const node of nodes) {
    const relation = await assetRelation(node, target, opts.env);
    if (relation.ok) relations.push({ node, relation: relation.relation });
    else out.set(node.id, relation);
  }
  if (relations.length === 0) return out;
  try {
    await withReadConnection(target, opts, async (conn) => {
      for (const { node, relation } of relations) out.set(node.id, await describe(conn, node, target, relation));
    });
  } catch (err) {
    for (const { node } of relations) out.set(node.id, failure(node, target, err));
  }
  return out;
}

async function describe(conn: DuckDBConnection, node: AssetNode, target: TargetConfig, relation: string): Promise<AssetColumns> {
  try {
    const rows = (await conn.runAndReadAll(`describe ${relation}`)).getRowObjects();
    return { ok: true, columns: rows.map((r) => ({ name: String(r['column_name']), type: String(r['column_type']) })) };
  } catch (err) {
    return failure(node, target, err);
  }
}

function failure(node: AssetNode, target: TargetConfig, err: unknown): AssetColumns {
  return { ok: false, message: `${node.id} on target '${target.name}': ${err instanceof Error ? err.message : String(err)}` };
}

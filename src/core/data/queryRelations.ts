import type { AssetGraph } from '../graph/assetGraph';
import type { TargetConfig } from '../project/targetConfig';
import { findAsset } from '../engine/materializationPlan';
import { assetRelation } from './assetRelation';
import type { TemplateLookup } from './queryTemplates';

/** Template lookups over a workspace's graph on one target; `thisKey` is the asset of the file the query came from. */
export function graphTemplateLookup(graph: AssetGraph, target: TargetConfig, thisKey: string | undefined, env?: Readonly<Record<string, string | undefined>>): TemplateLookup {
  return async (ref) => {
    const key = ref.kind === 'this' ? thisKey : ref.key;
    if (key === undefined) throw new Error('{{ this }} names the asset of the file the query is in, and this file defines none.');
    const node = findAsset(graph, key);
    if (!node) throw new Error(`{{ ref('${key}') }}: no asset '${key}' in the workspace.`);
    const relation = await assetRelation(node, target, env);
    if (!relation.ok) throw new Error(relation.message);
    return relation.relation;
  };
}

import type { AssetGraph, AssetNode } from '../graph/assetGraph';

/**
 * The other assets an asset's checks read: the `to:` of a `relationships`
 * check (a key or relation in a header, `ref('x')`/`source('s', 't')` in a dbt
 * test). Inside one plan the asset waits for them, as `dbt build` runs a test
 * after all of its parents, so its checks never read a parent the same run
 * has not built yet.
 */
export function checkParents(graph: AssetGraph, node: AssetNode, findAsset: (text: string) => AssetNode | undefined): string[] {
  const parents = new Set<string>();
  for (const check of node.checks) {
    const config = check.config ?? {};
    const args = check.type === 'dbt' ? (config['args'] as Record<string, unknown> | undefined) : config;
    const isRelationships = check.type === 'relationships' || (check.type === 'dbt' && config['test'] === 'relationships');
    const to = args?.['to'];
    if (!isRelationships || typeof to !== 'string') continue;
    const parent = check.type === 'dbt' ? dbtParent(graph, node, to) : findAsset(to);
    if (parent && parent.id !== node.id) parents.add(parent.id);
  }
  return [...parents];
}

const REF = /^\s*ref\(\s*(?:['"][^'"]+['"]\s*,\s*)?['"]([^'"]+)['"]\s*(?:,[^)]*)?\)\s*$/;
const SOURCE = /^\s*source\(\s*['"]([^'"]+)['"]\s*,\s*['"]([^'"]+)['"]\s*\)\s*$/;

function dbtParent(graph: AssetGraph, node: AssetNode, to: string): AssetNode | undefined {
  const project = node.definition.dbt?.projectDir;
  const inProject = [...graph.nodes.values()].filter((n) => n.definition.dbt?.projectDir === project);
  const ref = REF.exec(to);
  if (ref) return inProject.find((n) => n.definition.dbt?.resourceType !== 'source' && n.definition.dbt?.selector === ref[1]);
  const source = SOURCE.exec(to);
  if (source) {
    return inProject.find((n) => n.definition.dbt?.sourceTable?.sourceName === source[1] && n.definition.dbt.sourceTable.tableName === source[2]);
  }
  return undefined;
}

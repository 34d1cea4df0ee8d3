import type { AssetGraph } from '../graph/assetGraph';
import type { Problem } from '../problem';
import { readDbtProfileTargets } from '../discovery/dbt/dbtProfiles';
import type { ProjectConfig } from './projectConfig';
import type { TargetConfig } from './targetConfig';
import { resolveTargets } from './targets';
import type { ResolvedTargets } from './targets';

/**
 * Resolves the targets of a project whose graph is known (the dbt projects in it give profile
 * targets). Apart from the engine, so that listing a workspace loads no engine (nor DuckDB).
 */
export function targetsOf(project: ProjectConfig, graph: AssetGraph, env?: Readonly<Record<string, string | undefined>>): ResolvedTargets {
  const dbtDirs = new Set<string>();
  for (const node of graph.nodes.values()) if (node.definition.dbt) dbtDirs.add(node.definition.dbt.projectDir);
  const dbtTargets: TargetConfig[] = [];
  const problems: Problem[] = [];
  for (const dir of [...dbtDirs].sort()) {
    const read = readDbtProfileTargets(dir, env ? { env } : {});
    dbtTargets.push(...read.targets);
    problems.push(...read.problems);
  }
  const resolved = resolveTargets(project, dbtTargets);
  return { ...resolved, problems: [...problems, ...resolved.problems] };
}

import { resolve } from 'node:path';
import type { Problem } from '../problem';
import type { ProjectConfig } from './projectConfig';
import type { TargetConfig } from './targetConfig';
import { DEFAULT_DUCKDB_PATH, DEFAULT_TARGET_NAME } from './targetConfig';

export interface ResolvedTargets {
  readonly targets: TargetConfig[];
  readonly defaultTarget: string;
  readonly problems: Problem[];
}

/** The built-in target of a workspace with none: a DuckDB file under .asset-studio (docs/project-file.md). */
export function defaultDevTarget(root: string): TargetConfig {
  return {
    name: DEFAULT_TARGET_NAME,
    type: 'duckdb',
    path: resolve(root, DEFAULT_DUCKDB_PATH),
    schema: 'main',
    threads: 4,
    env: {},
    protected: false,
    from: 'default',
  };
}

/**
 * Project targets, then dbt profile targets (a project target wins a name
 * clash), and with none at all the default `dev` DuckDB file.
 */
export function resolveTargets(project: ProjectConfig, dbtProfileTargets: readonly TargetConfig[]): ResolvedTargets {
  const problems: Problem[] = [];
  const byName = new Map<string, TargetConfig>();
  for (const t of project.targets) byName.set(t.name, t);
  for (const t of dbtProfileTargets) {
    if (!byName.has(t.name)) byName.set(t.name, t);
  }
  if (byName.size === 0) byName.set(DEFAULT_TARGET_NAME, defaultDevTarget(project.root));
  const targets = [...byName.values()];
  let defaultTarget = project.defaultTarget;
  if (!byName.has(defaultTarget)) {
    const fallback = byName.has(DEFAULT_TARGET_NAME) ? DEFAULT_TARGET_NAME : targets[0]!.name;
    if (project.file && project.defaultTarget !== DEFAULT_TARGET_NAME) {
      problems.push({
        file: project.file,
        line: project.defaultTargetLocation?.line ?? 1,
        column: project.defaultTargetLocation?.column ?? 1,
        severity: 'error',
        code: 'project.default-target.unknown',
        message: `default_target '${project.defaultTarget}' is not a target (known: ${targets.map((t) => t.name).join(', ')}); using '${fallback}'.`,
      });
    }
    defaultTarget = fallback;
  }
  return { targets, defaultTarget, problems };
}

/** Finds a target by name, or says which exist. */
export function findTarget(resolved: Pick<ResolvedTargets, 'targets'>, name: string): TargetConfig | string {
  return (
    resolved.targets.find((t) => t.name === name) ??
    `No target '${name}'. Known targets: ${resolved.targets.map((t) => t.name).join(', ')}.`
  );
}

import * as path from 'node:path';
import type { Problem } from '../../problem';
import { child, entriesOf, itemsOf, jsOf, locationOf, parseYamlWithPositions, stringOf } from './yamlDocument';
import type { YamlNode } from '../../yamlTree';

export const DBT_PROJECT_FILE = 'dbt_project.yml';

/** What Asset Studio needs from `dbt_project.yml`. */
export interface DbtProjectSettings {
  readonly name: string;
  readonly profile?: string;
  readonly modelPaths: readonly string[];
  readonly seedPaths: readonly string[];
  readonly snapshotPaths: readonly string[];
  readonly testPaths: readonly string[];
  readonly macroPaths: readonly string[];
  /** `models:` as written: configs for every model, then `<project>:` and its folders. */
  readonly modelsConfig?: YamlNode;
  /** `seeds:` as written, the same shape as `models:`. */
  readonly seedsConfig?: YamlNode;
  /** `vars:` as plain values (project-level ones, and `<project>:` scoped ones merged over them). */
  readonly vars: Readonly<Record<string, unknown>>;
  readonly problems: Problem[];
}

function paths(node: YamlNode | undefined, fallback: string[]): string[] {
  if (node === undefined) return fallback;
  const list = itemsOf(node)
    .map((n) => stringOf(n))
    .filter((s): s is string => !!s);
  const single = stringOf(node);
  return list.length > 0 ? list : single ? [single] : fallback;
}

/** Parses dbt_project.yml text. Never throws; a missing name falls back to the folder name. */
export function parseDbtProjectFile(file: string, text: string): DbtProjectSettings {
  const y = parseYamlWithPositions(file, text, 'dbt.project.invalid');
  const problems = [...y.problems];
  const root = y.root;
  const folderName = path.basename(path.dirname(file));
  if (root?.kind !== 'map') {
    if (problems.length === 0) problems.push({ file, line: 1, column: 1, severity: 'error', code: 'dbt.project.invalid', message: 'dbt_project.yml must be a mapping with at least `name:`' });
    return { name: folderName, modelPaths: ['models'], seedPaths: ['seeds'], snapshotPaths: ['snapshots'], testPaths: ['tests'], macroPaths: ['macros'], vars: {}, problems };
  }
  let name = stringOf(child(root, 'name'));
  if (!name) {
    problems.push({ ...locationOf(y, root), severity: 'error', code: 'dbt.project.invalid', message: `dbt_project.yml has no \`name:\`; using the folder name '${folderName}'` });
    name = folderName;
  }
  return {
    name,
    profile: stringOf(child(root, 'profile')),
    // `source-paths` is the name before dbt 1.0.
    modelPaths: paths(child(root, 'model-paths') ?? child(root, 'source-paths'), ['models']),
    seedPaths: paths(child(root, 'seed-paths') ?? child(root, 'data-paths'), ['seeds']),
    snapshotPaths: paths(child(root, 'snapshot-paths'), ['snapshots']),
    testPaths: paths(child(root, 'test-paths'), ['tests']),
    macroPaths: paths(child(root, 'macro-paths'), ['macros']),
    modelsConfig: child(root, 'models'),
    seedsConfig: child(root, 'seeds'),
    vars: projectVars(jsOf(child(root, 'vars')), name),
    problems,
  };
}

/** dbt's vars: top-level ones, with those under the project's own name taking precedence. */
function projectVars(value: unknown, project: string): Record<string, unknown> {
  if (!value || typeof value !== 'object' || Array.isArray(value)) return {};
  const all = value as Record<string, unknown>;
  const scoped = all[project];
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(all)) if (k !== project) out[k] = v;
  if (scoped && typeof scoped === 'object' && !Array.isArray(scoped)) Object.assign(out, scoped);
  return out;
}

export interface FolderConfig {
  readonly materialized?: string;
  readonly enabled?: boolean;
}

/**
 * The config a `models:`/`seeds:` block of dbt_project.yml gives the node at
 * `nodePath` (project name, folders under its model path, then the node's own
 * name), as dbt resolves it: configs at every level, the deepest winning, `tags`
 * added up and `meta` merged. A key is a config when it starts with `+` or its
 * value is not a mapping (a mapping without `+` is a folder).
 */
export function projectNodeConfig(tree: YamlNode | undefined, nodePath: readonly string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  let level: YamlNode | undefined = tree;
  for (let depth = 0; level !== undefined && level.kind === 'map'; depth++) {
    for (const e of entriesOf(level)) {
      if (!(e.key.startsWith('+') || e.value?.kind !== 'map')) continue;
      mergeConfigValue(out, e.key.replace(/^\+/, ''), jsOf(e.value));
    }
    if (depth >= nodePath.length) break;
    level = child(level, nodePath[depth]!);
  }
  return out;
}

/** Sets one config key over what a shallower level (or an earlier source) gave, as dbt merges them. */
export function mergeConfigValue(into: Record<string, unknown>, key: string, value: unknown): void {
  if (key === 'tags') {
    const before = into.tags === undefined ? [] : Array.isArray(into.tags) ? into.tags : [into.tags];
    const add = value === undefined || value === null ? [] : Array.isArray(value) ? value : [value];
    into.tags = [...new Set([...before, ...add])];
  } else if (key === 'meta' && value && typeof value === 'object' && !Array.isArray(value)) {
    into.meta = { ...((into.meta as Record<string, unknown> | undefined) ?? {}), ...(value as Record<string, unknown>) };
  } else {
    into[key] = value;
  }
}

/** The materialization and enabled state a model's folders give it (the project name comes first in `folders`). */
export function folderConfig(modelsConfig: YamlNode | undefined, folders: readonly string[]): FolderConfig {
  const c = projectNodeConfig(modelsConfig, folders);
  const materialized = typeof c.materialized === 'string' ? c.materialized : undefined;
  const enabled = c.enabled === undefined || c.enabled === null ? undefined : String(c.enabled).toLowerCase() !== 'false';
  return { materialized, enabled };
}

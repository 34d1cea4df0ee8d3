import * as path from 'node:path';
import type { Problem } from '../../problem';
import { child, entriesOf, itemsOf, locationOf, parseYamlWithPositions, stringOf } from './yamlDocument';
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
  /** `models: <project>: …` folder configs, as written. */
  readonly modelsConfig?: YamlNode;
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
    return { name: folderName, modelPaths: ['models'], seedPaths: ['seeds'], snapshotPaths: ['snapshots'], testPaths: ['tests'], problems };
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
    modelsConfig: child(child(root, 'models'), name),
    problems,
  };
}

export interface FolderConfig {
  readonly materialized?: string;
  readonly enabled?: boolean;
}

/**
 * The config dbt_project.yml gives a model in `folders` (relative to its model path):
 * `+materialized` at each level, the deepest winning. A key without `+` counts as
 * a config only when its value is not a mapping (a mapping is a sub-folder).
 */
export function folderConfig(modelsConfig: YamlNode | undefined, folders: readonly string[]): FolderConfig {
  let materialized: string | undefined;
  let enabled: boolean | undefined;
  let level: YamlNode | undefined = modelsConfig;
  for (let depth = 0; level !== undefined && level.kind === 'map'; depth++) {
    for (const e of entriesOf(level)) {
      const isConfig = e.key.startsWith('+') || e.value?.kind !== 'map';
      if (!isConfig) continue;
      const k = e.key.replace(/^\+/, '');
      if (k === 'materialized') materialized = stringOf(e.value) ?? materialized;
      if (k === 'enabled') {
        const v = stringOf(e.value);
        if (v !== undefined) enabled = v.toLowerCase() !== 'false';
      }
    }
    if (depth >= folders.length) break;
    level = child(level, folders[depth]);
  }
  return { materialized, enabled };
}

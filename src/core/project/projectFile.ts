import { readFile } from 'node:fs/promises';
import { dirname, isAbsolute, join, relative, resolve } from 'node:path';
import { LineIndex } from '../discovery/textPosition';
import { parseYamlTree } from '../yamlTree';
import type { YamlNode, YamlPair } from '../yamlTree';
import type { Problem, SourceLocation } from '../problem';
import { problemAt } from '../problem';
import type { LoadedProject, ProjectConfig } from './projectConfig';
import { PROJECT_FILE_NAME } from './projectConfig';
import type { TargetConfig, TargetType } from './targetConfig';
import { DEFAULT_TARGET_NAME } from './targetConfig';
import { DBT_RUNNER_CHOICES } from '../engine/dbtRunnerChoice';
import type { DbtRunnerChoice } from '../engine/dbtRunnerChoice';

export const PROJECT_KEYS = ['assets', 'exclude', 'default_target', 'targets', 'dbt_runner'];
export const TARGET_KEYS = ['type', 'path', 'database', 'schema', 'threads', 'env', 'token_env', 'protected'];

/** Reads `<root>/asset-studio.yml`; no file is a valid project. Never throws. */
export async function loadProjectFile(root: string): Promise<LoadedProject> {
  const file = join(root, PROJECT_FILE_NAME);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return { config: defaultProject(root), problems: [] };
    return {
      config: defaultProject(root),
      problems: [problemAt({ file, line: 1, column: 1 }, 'error', 'project.unreadable', `Cannot read ${PROJECT_FILE_NAME}: ${(err as Error).message}`)],
    };
  }
  return parseProjectFile(root, file, text);
}

export function defaultProject(root: string): ProjectConfig {
  return { root, exclude: [], defaultTarget: DEFAULT_TARGET_NAME, targets: [] };
}

/** Parses the text of a project file; every problem is at its line. */
export function parseProjectFile(root: string, file: string, text: string): LoadedProject {
  const problems: Problem[] = [];
  const lines = new LineIndex(text);
  const tree = parseYamlTree(text, { uniqueKeys: true });
  const at = (offset: number): SourceLocation => ({ file, ...lines.position(offset) });
  const nodeAt = (n: YamlNode | null | undefined): SourceLocation => at(n?.start ?? 0);
  const report = (loc: SourceLocation, code: string, message: string, severity: 'error' | 'warning' = 'error') => problems.push(problemAt(loc, severity, code, message));

  let config: { -readonly [K in keyof ProjectConfig]: ProjectConfig[K] } = { ...defaultProject(root), file };
  for (const e of tree.errors) {
    problems.push(problemAt(at(e.offset), e.warning ? 'warning' : 'error', 'project.invalid-yaml', `Invalid YAML in ${PROJECT_FILE_NAME}: ${e.message}`));
  }
  if (tree.errors.some((e) => !e.warning)) return { config, problems };
  const contents = tree.root;
  if (contents === null || (contents.kind === 'scalar' && (contents.value === null || contents.value === ''))) return { config, problems };
  if (contents.kind !== 'map') {
    report(nodeAt(contents), 'project.invalid-value', `${PROJECT_FILE_NAME} must be a mapping of keys (${PROJECT_KEYS.join(', ')}).`);
    return { config, problems };
  }
  const baseDir = dirname(file);
  for (const pair of contents.pairs) {
    const key = String(pair.key.value);
    const value = pair.value;
    switch (key) {
      case 'assets':
      case 'exclude': {
        const globs = stringList(value);
        if (!globs) report(nodeAt(value ?? pair.key), 'project.invalid-value', `'${key}' must be a list of globs, e.g. [assets/**/*.sql].`);
        else {
          warnGlobsOutside(key, value, globs, nodeAt, report);
          config = key === 'assets' ? { ...config, assets: globs } : { ...config, exclude: globs };
        }
        break;
      }
      case 'default_target':
        if (value?.kind === 'scalar' && typeof value.value === 'string' && value.value) config = { ...config, defaultTarget: value.value, defaultTargetLocation: nodeAt(value) };
        else report(nodeAt(value ?? pair.key), 'project.invalid-value', "'default_target' must be a target name.");
        break;
      case 'dbt_runner':
        if (value?.kind === 'scalar' && (DBT_RUNNER_CHOICES as readonly unknown[]).includes(value.value)) config = { ...config, dbtRunner: value.value as DbtRunnerChoice };
        else report(nodeAt(value ?? pair.key), 'project.invalid-value', `'dbt_runner' must be one of: ${DBT_RUNNER_CHOICES.join(', ')}.`);
        break;
      case 'targets': {
        if (value?.kind !== 'map') {
          report(nodeAt(value ?? pair.key), 'project.invalid-value', "'targets' must map target names to settings.");
          break;
        }
        const targets: TargetConfig[] = [];
        for (const t of value.pairs) {
          const name = String(t.key.value);
          const target = readTarget(name, t, baseDir, nodeAt, report);
          if (target) targets.push(target);
        }
        config = { ...config, targets };
        break;
      }
      default:
        report(nodeAt(pair.key), 'project.unknown-key', `Unknown key '${key}' in ${PROJECT_FILE_NAME}; expected one of: ${PROJECT_KEYS.join(', ')}.`);
    }
  }
  return { config, problems };
}

/** Whether `file` is `dir` or below it (after resolving `..`). */
function isInside(dir: string, file: string): boolean {
  const rel = relative(dir, file);
  return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel));
}

/** Discovery walks the project folder only: a glob that leaves it would be ignored without a word. */
function warnGlobsOutside(
  key: string,
  node: YamlNode | null,
  globs: readonly string[],
  nodeAt: (n: YamlNode | null | undefined) => SourceLocation,
  report: (loc: SourceLocation, code: string, message: string, severity?: 'error' | 'warning') => void,
): void {
  const items = node?.kind === 'seq' ? node.items : [node];
  globs.forEach((glob, i) => {
    const normal = glob.replace(/\\/g, '/');
    if (!isAbsolute(normal) && !normal.split('/').includes('..')) return;
    const at = nodeAt(items[i] ?? node);
    report(at, 'project.outside-root', `'${key}' pattern ${glob} points outside the project folder: only files under it are discovered, so it matches nothing.`, 'warning');
  });
}

function readTarget(
  name: string,
  pair: YamlPair,
  baseDir: string,
  nodeAt: (n: YamlNode | null | undefined) => SourceLocation,
  report: (loc: SourceLocation, code: string, message: string, severity?: 'error' | 'warning') => void,
): TargetConfig | undefined {
  const origin = nodeAt(pair.key);
  const value = pair.value;
  if (!name || value?.kind !== 'map') {
    report(origin, 'project.invalid-value', `Target '${name}' must be a mapping (type, path or database, schema, …).`);
    return undefined;
  }
  const fields = new Map<string, YamlPair>();
  for (const p of value.pairs) {
    const k = String(p.key.value);
    if (!TARGET_KEYS.includes(k)) report(nodeAt(p.key), 'project.unknown-key', `Unknown key '${k}' in target '${name}'; expected one of: ${TARGET_KEYS.join(', ')}.`);
    else fields.set(k, p);
  }
  const scalar = (k: string): unknown => {
    const p = fields.get(k);
    return p?.value?.kind === 'scalar' ? p.value.value : undefined;
  };
  const bad = (k: string, message: string) => {
    const p = fields.get(k);
    report(nodeAt(p?.value ?? p?.key ?? pair.key), 'project.invalid-value', message);
  };
  let ok = true;
  const typeValue = scalar('type') ?? 'duckdb';
  if (typeValue !== 'duckdb' && typeValue !== 'motherduck') {
    bad('type', `Target '${name}': 'type' must be duckdb or motherduck.`);
    ok = false;
  }
  const type = typeValue as TargetType;
  const pathValue = scalar('path');
  let database = scalar('database');
  let path: string | undefined;
  if (typeof pathValue === 'string' && pathValue.startsWith('md:')) {
    // A duckdb path `md:<db>` is MotherDuck, as in dbt profiles.
    database ??= pathValue.slice(3);
  } else if (pathValue !== undefined) {
    if (typeof pathValue !== 'string' || !pathValue) {
      bad('path', `Target '${name}': 'path' must be a file path.`);
      ok = false;
    } else {
      path = isAbsolute(pathValue) ? pathValue : resolve(baseDir, pathValue);
      if (!isInside(baseDir, path)) {
        const p = fields.get('path');
        report(nodeAt(p?.value ?? pair.key), 'project.outside-root', `Target '${name}': its database ${path} is outside the project folder; runs will write there.`, 'warning');
      }
    }
  }
  const isMotherDuck = type === 'motherduck' || (typeof pathValue === 'string' && pathValue.startsWith('md:'));
  if (isMotherDuck && (typeof database !== 'string' || !database)) {
    bad('database', `Target '${name}': a motherduck target needs 'database'.`);
    ok = false;
  }
  if (!isMotherDuck && !path) path = resolve(baseDir, '.asset-studio', `${name}.duckdb`);
  const schema = scalar('schema') ?? 'main';
  if (typeof schema !== 'string' || !schema) {
    bad('schema', `Target '${name}': 'schema' must be a schema name.`);
    ok = false;
  }
  const threads = scalar('threads') ?? 4;
  if (typeof threads !== 'number' || !Number.isInteger(threads) || threads < 1) {
    bad('threads', `Target '${name}': 'threads' must be a whole number of at least 1.`);
    ok = false;
  }
  const prot = scalar('protected') ?? false;
  if (typeof prot !== 'boolean') {
    bad('protected', `Target '${name}': 'protected' must be true or false.`);
    ok = false;
  }
  const tokenEnv = scalar('token_env');
  if (tokenEnv !== undefined && (typeof tokenEnv !== 'string' || !tokenEnv)) {
    bad('token_env', `Target '${name}': 'token_env' must name an environment variable.`);
    ok = false;
  }
  const env: Record<string, string> = {};
  const envPair = fields.get('env');
  if (envPair) {
    if (envPair.value?.kind !== 'map') {
      bad('env', `Target '${name}': 'env' must map variable names to values.`);
      ok = false;
    } else {
      for (const e of envPair.value.pairs) {
        if (e.value?.kind === 'scalar' && e.value.value !== null) {
          env[String(e.key.value)] = String(e.value.value);
        } else {
          report(nodeAt(e.value ?? e.key), 'project.invalid-value', `Target '${name}': each 'env' entry is NAME: value.`);
          ok = false;
        }
      }
    }
  }
  if (!ok) return undefined;
  return {
    name,
    type: isMotherDuck ? 'motherduck' : 'duckdb',
    ...(path && !isMotherDuck ? { path } : {}),
    ...(isMotherDuck ? { database: database as string } : {}),
    schema: schema as string,
    threads: threads as number,
    env,
    ...(typeof tokenEnv === 'string' ? { tokenEnv } : {}),
    protected: prot as boolean,
    origin,
    from: 'project',
  };
}

function stringList(node: YamlNode | null): string[] | undefined {
  if (node?.kind === 'scalar' && typeof node.value === 'string' && node.value) return [node.value];
  if (node?.kind !== 'seq') return undefined;
  const out: string[] = [];
  for (const item of node.items) {
    if (item?.kind !== 'scalar' || typeof item.value !== 'string' || !item.value) return undefined;
    out.push(item.value);
  }
  return out;
}

import { existsSync, readFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { YamlNode } from '../../yamlTree';
import type { Problem, SourceLocation } from '../../problem';
import type { TargetConfig } from '../../project/targetConfig';
import { DBT_PROJECT_FILE, parseDbtProjectFile } from './dbtProjectFile';
import { child, entriesOf, jsOf, keyNode, locationOf, parseYamlWithPositions, stringOf } from './yamlDocument';
import type { PositionedYaml } from './yamlDocument';

export interface DbtProfileTargets {
  readonly targets: TargetConfig[];
  readonly problems: Problem[];
  /** The profiles.yml read, when one was found. */
  readonly profilesFile?: string;
  /** The profile's `target:` (dbt's default output). */
  readonly defaultTarget?: string;
}

export interface DbtProfileOptions {
  /** Home folder holding `.dbt/profiles.yml` (default: the user's). */
  readonly homeDir?: string;
  /** Profile to read (default: dbt_project.yml's `profile:`). */
  readonly profileName?: string;
  /** Environment for `env_var()` (default: process.env). */
  readonly env?: Readonly<Record<string, string | undefined>>;
}

const CODE = 'dbt.profile';

/** `{{ env_var('X') }}` / `{{ env_var('X', 'default') }}`, the only Jinja profiles commonly hold. */
const ENV_VAR = /\{\{\s*env_var\(\s*(['"])([^'"]+)\1\s*(?:,\s*(['"])([^'"]*)\3\s*)?\)\s*\}\}/g;

/** Resolves env_var() in a profile value; undefined with a problem when a variable has no value and no default. */
function renderValue(
  value: string,
  env: Readonly<Record<string, string | undefined>>,
  at: SourceLocation,
  problems: Problem[],
  what: string,
  onMissing?: (name: string) => void,
): string | undefined {
  let missing: string | undefined;
  const out = value.replace(ENV_VAR, (_m, _q, name: string, _q2, def: string | undefined) => {
    const v = env[name];
    if (v !== undefined && v !== '') return v;
    if (def !== undefined) return def;
    missing = name;
    return '';
  });
  if (missing !== undefined) {
    onMissing?.(missing);
    problems.push({ ...at, severity: 'warning', code: `${CODE}.env-var`, message: `${what} uses env_var('${missing}') which is not set and has no default; set ${missing} or give a default` });
    return undefined;
  }
  if (/\{\{|\{%/.test(out)) {
    problems.push({ ...at, severity: 'warning', code: `${CODE}.jinja`, message: `${what} uses Jinja Asset Studio cannot evaluate; write the value plainly or with env_var('X', 'default')` });
    return undefined;
  }
  return out;
}

/** Removes a `motherduck_token=…` (or any query) from an `md:` path and says so. The token is never kept. */
function motherDuckDatabase(pathValue: string, at: SourceLocation, problems: Problem[]): string {
  let rest = pathValue.slice('md:'.length);
  const q = rest.indexOf('?');
  if (q >= 0) {
    const query = rest.slice(q + 1);
    rest = rest.slice(0, q);
    if (/token/i.test(query)) {
      problems.push({ ...at, severity: 'warning', code: `${CODE}.token-in-path`, message: 'token in profiles.yml path: use MOTHERDUCK_TOKEN (the token was ignored)' });
    }
  }
  return rest;
}

/** `motherduck_token={{ env_var('X') }}` in an `md:` path's query: the token is read from the environment. */
const TOKEN_FROM_ENV = /^(md:[^?]*)\?(.*)$/;

/**
 * An `md:` path whose only token is `{{ env_var('X') }}` (dbt-duckdb's documented form): the token
 * comes from X, not from the file, so it is no warning; the query is removed before the path is
 * rendered, so the token's value is never read here. Undefined for any other path.
 */
function tokenFromEnv(rawPath: string): { path: string; tokenEnv: string } | undefined {
  const m = TOKEN_FROM_ENV.exec(rawPath);
  if (!m) return undefined;
  const params = m[2]!.split('&');
  const token = params.map((p) => /^motherduck_token=\{\{\s*env_var\(\s*(['"])([A-Za-z_][A-Za-z0-9_]*)\1\s*\)\s*\}\}$/i.exec(p)).find((x) => x);
  if (!token) return undefined;
  const others = params.filter((p) => !/^motherduck_token=/i.test(p));
  return { path: others.length > 0 ? `${m[1]}?${others.join('&')}` : m[1]!, tokenEnv: token[2]! };
}

function readOutput(
  y: PositionedYaml,
  name: string,
  nameNode: YamlNode,
  output: YamlNode | undefined,
  projectDir: string,
  env: Readonly<Record<string, string | undefined>>,
  problems: Problem[],
): TargetConfig | undefined {
  const origin = locationOf(y, nameNode);
  if (output?.kind !== 'map') {
    // `dev: 5`: dbt cannot use this output at all.
    problems.push({ ...(output ? locationOf(y, output) : origin), severity: 'error', code: `${CODE}.invalid`, message: `dbt output '${name}' must be a mapping (type: duckdb, path: …), not ${output ? JSON.stringify(jsOf(output)) : 'empty'}` });
    return undefined;
  }
  const type = stringOf(child(output, 'type'));
  if (type !== 'duckdb') return undefined; // other adapters are not Asset Studio targets
  const pathNode = child(output, 'path');
  const rawPath = stringOf(pathNode);
  const pathAt = pathNode ? locationOf(y, pathNode) : origin;
  if (rawPath === undefined || rawPath === ':memory:') {
    problems.push({ ...origin, severity: 'info', code: `${CODE}.memory`, message: `dbt output '${name}' has no database file (in-memory DuckDB); it is not offered as a target` });
    return undefined;
  }
  const fromEnv = rawPath.startsWith('md:') ? tokenFromEnv(rawPath) : undefined;
  let missing: string | undefined;
  const p = renderValue(fromEnv?.path ?? rawPath, env, pathAt, problems, `dbt output '${name}' path`, (v) => (missing = v));
  if (p === undefined && missing === undefined) return undefined;
  const schemaRaw = stringOf(child(output, 'schema'));
  const schema = (schemaRaw !== undefined ? renderValue(schemaRaw, env, locationOf(y, child(output, 'schema')), problems, `dbt output '${name}' schema`) : undefined) || 'main';
  const threadsRaw = Number(stringOf(child(output, 'threads')));
  const threads = Number.isInteger(threadsRaw) && threadsRaw > 0 ? threadsRaw : 1;
  const base = { name, schema, threads, env: { DBT_TARGET: name }, protected: name === 'prod', origin, from: 'dbt-profile' as const };
  if (p === undefined) {
    // Listed, so the user sees it and why it cannot be used, rather than a target that silently vanished.
    const unavailable = `its path uses env_var('${missing}'), which is not set; set ${missing} (profiles.yml line ${pathAt.line})`;
    const cloud = rawPath.startsWith('md:');
    return cloud ? { ...base, type: 'motherduck', tokenEnv: fromEnv?.tokenEnv ?? 'MOTHERDUCK_TOKEN', unavailable } : { ...base, type: 'duckdb', unavailable };
  }
  if (p.startsWith('md:')) {
    const database = motherDuckDatabase(p, pathAt, problems);
    if (database === '') {
      problems.push({ ...pathAt, severity: 'warning', code: `${CODE}.motherduck`, message: `dbt output '${name}' path 'md:' names no database; write md:<database>` });
      return undefined;
    }
    return { ...base, type: 'motherduck', database, tokenEnv: fromEnv?.tokenEnv ?? 'MOTHERDUCK_TOKEN' };
  }
  return { ...base, type: 'duckdb', path: path.resolve(projectDir, p) };
}

/**
 * dbt `profiles.yml` outputs of `type: duckdb` as targets (docs/project-file.md): profiles.yml
 * in `$DBT_PROFILES_DIR` when set, else in the project folder, else
 * `~/.dbt/profiles.yml`; the profile named by dbt_project.yml's `profile:`.
 * `env_var('X', 'default')` takes X from `opts.env` when set, else the
 * default, as dbt does. Never throws.
 */
export function readDbtProfileTargets(projectDir: string, opts: DbtProfileOptions = {}): DbtProfileTargets {
  const problems: Problem[] = [];
  projectDir = path.resolve(projectDir);
  const env = opts.env ?? process.env;
  try {
    let profileName = opts.profileName;
    if (!profileName) {
      const projectFile = path.join(projectDir, DBT_PROJECT_FILE);
      if (existsSync(projectFile)) profileName = parseDbtProjectFile(projectFile, readFileSync(projectFile, 'utf8')).profile;
    }
    // dbt's order: DBT_PROFILES_DIR, then the project folder, then ~/.dbt.
    const fromEnv = env.DBT_PROFILES_DIR ? [path.join(path.resolve(projectDir, env.DBT_PROFILES_DIR), 'profiles.yml')] : [];
    const candidates = [...fromEnv, path.join(projectDir, 'profiles.yml'), path.join(opts.homeDir ?? os.homedir(), '.dbt', 'profiles.yml')];
    const profilesFile = candidates.find((f) => existsSync(f));
    if (!profilesFile) return { targets: [], problems };
    const y = parseYamlWithPositions(profilesFile, readFileSync(profilesFile, 'utf8'), `${CODE}.invalid`);
    problems.push(...y.problems);
    const root = y.root;
    if (root?.kind !== 'map') return { targets: [], problems, profilesFile };
    const profiles = entriesOf(root).filter((e) => e.key !== 'config');
    const chosen = profileName ? profiles.find((e) => e.key === profileName) : profiles.length === 1 ? profiles[0] : undefined;
    if (!chosen) {
      if (profileName) problems.push({ ...locationOf(y, root), line: 1, column: 1, severity: 'warning', code: `${CODE}.missing`, message: `profiles.yml has no profile '${profileName}' (named by dbt_project.yml)` });
      return { targets: [], problems, profilesFile };
    }
    const outputs = child(chosen.value, 'outputs');
    const targets: TargetConfig[] = [];
    for (const out of entriesOf(outputs)) {
      const t = readOutput(y, out.key, keyNode(outputs, out.key) ?? out.keyNode, out.value, projectDir, env, problems);
      if (t) targets.push(t);
    }
    const defaultRaw = stringOf(child(chosen.value, 'target'));
    const defaultTarget = defaultRaw !== undefined ? renderValue(defaultRaw, env, locationOf(y, child(chosen.value, 'target')), problems, 'profile target') : undefined;
    return { targets, problems, profilesFile, ...(defaultTarget ? { defaultTarget } : {}) };
  } catch (err) {
    problems.push({ file: path.join(projectDir, 'profiles.yml'), line: 1, column: 1, severity: 'error', code: `${CODE}.unreadable`, message: `Cannot read dbt profiles: ${String(err)}` });
    return { targets: [], problems };
  }
}

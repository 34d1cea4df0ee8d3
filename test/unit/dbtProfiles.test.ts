import { test } from 'node:test';
import { openTarget } from '../../src/core/engine/targetConnection';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { readDbtProfileTargets } from '../../src/core/discovery/dbt/dbtProfiles';

const FIXTURE = path.resolve(__dirname, '../fixtures/dbt/nyc_taxi_dbt');
const PROFILES = path.join(FIXTURE, 'profiles.yml');

function tempDir(files: Record<string, string>): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dbt-prof-'));
  for (const [rel, content] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
    fs.writeFileSync(path.join(dir, rel), content);
  }
  return dir;
}

test('dev on a local DuckDB file and prod on md: become targets; other adapters are ignored', () => {
  const r = readDbtProfileTargets(FIXTURE, { env: {} });
  assert.deepEqual(r.problems, []);
  assert.equal(r.profilesFile, PROFILES);
  assert.equal(r.defaultTarget, 'dev');
  assert.deepEqual(r.targets, [
    {
      name: 'dev',
      type: 'duckdb',
      // env_var('NYC_TAXI_DUCKDB_PATH', '../data/dev.duckdb'): the default, relative to the project.
      path: path.resolve(FIXTURE, '../data/dev.duckdb'),
      schema: 'analytics',
      threads: 4,
      env: { DBT_TARGET: 'dev' },
      protected: false,
      origin: { file: PROFILES, line: 4, column: 5, endLine: 4, endColumn: 8 },
      from: 'dbt-profile',
    },
    {
      name: 'prod',
      type: 'motherduck',
      database: 'prod_analytics',
      tokenEnv: 'MOTHERDUCK_TOKEN',
      schema: 'analytics',
      threads: 8,
      env: { DBT_TARGET: 'prod' },
      protected: true,
      origin: { file: PROFILES, line: 9, column: 5, endLine: 9, endColumn: 9 },
      from: 'dbt-profile',
    },
  ]);
});

test('env_var() takes the variable when it is set', () => {
  const r = readDbtProfileTargets(FIXTURE, { env: { NYC_TAXI_DUCKDB_PATH: '/data/other.duckdb' } });
  assert.equal(r.targets[0].path, '/data/other.duckdb');
});

test('a token written in the md: path is dropped with a warning and appears nowhere', () => {
  const secret = 'eyJhbGciOiJIUzI1NiJ9.secret-token-value';
  const dir = tempDir({
    'dbt_project.yml': 'name: p\nprofile: p\n',
    'profiles.yml': [
      'p:',
      '  target: prod',
      '  outputs:',
      '    prod:',
      '      type: duckdb',
      `      path: "md:analytics?motherduck_token=${secret}"`,
      '    dev:',
      '      type: duckdb',
      "      path: \"{{ env_var('DEV_DB') }}\"",
      '    mem:',
      '      type: duckdb',
    ].join('\n'),
  });
  const r = readDbtProfileTargets(dir, { env: {} });
  assert.deepEqual(r.targets.map((t) => [t.name, t.type, t.database, t.schema, t.threads]), [
    ['prod', 'motherduck', 'analytics', 'main', 1],
    ['dev', 'duckdb', undefined, 'main', 1],
  ]);
  assert.equal(r.targets[0]!.unavailable, undefined);
  assert.match(r.targets[1]!.unavailable!, /env_var\('DEV_DB'\), which is not set; set DEV_DB/);
  assert.ok(!JSON.stringify(r).includes(secret), 'the token must not survive anywhere in the result');
  const byCode = new Map(r.problems.map((p) => [p.code, p]));
  assert.equal(byCode.get('dbt.profile.token-in-path')!.line, 6);
  assert.match(byCode.get('dbt.profile.token-in-path')!.message, /token in profiles\.yml path: use MOTHERDUCK_TOKEN/);
  assert.equal(byCode.get('dbt.profile.env-var')!.line, 9);
  assert.match(byCode.get('dbt.profile.env-var')!.message, /DEV_DB/);
  assert.equal(byCode.get('dbt.profile.memory')!.line, 10);
});

test('profiles.yml falls back to ~/.dbt and picks the profile dbt_project.yml names', () => {
  const project = tempDir({ 'dbt_project.yml': 'name: shop\nprofile: shop\n' });
  const home = tempDir({
    '.dbt/profiles.yml': [
      'other:',
      '  outputs:',
      '    dev: {type: duckdb, path: other.duckdb}',
      'shop:',
      '  outputs:',
      '    dev: {type: duckdb, path: shop.duckdb, schema: staging}',
    ].join('\n'),
  });
  const r = readDbtProfileTargets(project, { homeDir: home, env: {} });
  assert.equal(r.profilesFile, path.join(home, '.dbt/profiles.yml'));
  assert.deepEqual(r.targets.map((t) => [t.name, t.path, t.schema]), [['dev', path.join(project, 'shop.duckdb'), 'staging']]);
  assert.deepEqual(readDbtProfileTargets(project, { homeDir: home, profileName: 'other', env: {} }).targets.map((t) => t.path), [path.join(project, 'other.duckdb')]);
  // DBT_PROFILES_DIR comes first, as in dbt.
  const elsewhere = tempDir({ 'profiles.yml': 'shop:\n  outputs:\n    ci: {type: duckdb, path: ci.duckdb}\n' });
  assert.deepEqual(readDbtProfileTargets(project, { homeDir: home, env: { DBT_PROFILES_DIR: elsewhere } }).targets.map((t) => t.name), ['ci']);
  const missing = readDbtProfileTargets(project, { homeDir: home, profileName: 'nope' });
  assert.deepEqual(missing.targets, []);
  assert.equal(missing.problems[0].code, 'dbt.profile.missing');
});

test('no profiles.yml anywhere: no targets, no problem; broken YAML: a problem at its line', () => {
  const project = tempDir({ 'dbt_project.yml': 'name: x\n' });
  const emptyHome = tempDir({});
  assert.deepEqual(readDbtProfileTargets(project, { homeDir: emptyHome, env: {} }), { targets: [], problems: [] });
  const broken = tempDir({ 'dbt_project.yml': 'name: x\nprofile: x\n', 'profiles.yml': 'x:\n  outputs:\n    dev: {type: duckdb, path: [\n' });
  const r = readDbtProfileTargets(broken, { homeDir: emptyHome, env: {} });
  assert.equal(r.targets.length, 0);
  assert.equal(r.problems[0].code, 'dbt.profile.invalid');
  assert.equal(r.problems[0].line, 3);
});

test('a target whose env_var() has no value is listed as unavailable, naming the variable; opening it says why', async () => {
  const dir = tempDir({
    'dbt_project.yml': 'name: p\nprofile: p\n',
    'profiles.yml': ['p:', '  target: dev', '  outputs:', '    prod:', '      type: duckdb', "      path: \"md:{{ env_var('MD_DATABASE') }}\"", '    dev:', '      type: duckdb', '      path: dev.duckdb'].join('\n'),
  });
  const r = readDbtProfileTargets(dir, { env: {} });
  const prod = r.targets.find((t) => t.name === 'prod')!;
  assert.deepEqual([prod.type, prod.protected], ['motherduck', true]);
  assert.match(prod.unavailable!, /env_var\('MD_DATABASE'\), which is not set; set MD_DATABASE \(profiles\.yml line 6\)/);
  await assert.rejects(openTarget(prod, { projectRoot: dir, env: { MOTHERDUCK_TOKEN: 'x'.repeat(40) } }), /Target 'prod' is unavailable: its path uses env_var\('MD_DATABASE'\)/);
  // Set, it is an ordinary target.
  const set = readDbtProfileTargets(dir, { env: { MD_DATABASE: 'analytics' } }).targets.find((t) => t.name === 'prod')!;
  assert.deepEqual([set.database, set.unavailable], ['analytics', undefined]);
});

test("md:db?motherduck_token={{ env_var('MOTHERDUCK_TOKEN') }} reads the token from the environment: no warning, never the value", () => {
  const token = 'eyJhbGciOiJIUzI1NiJ9.from-the-environment';
  const dir = tempDir({
    'dbt_project.yml': 'name: p\nprofile: p\n',
    'profiles.yml': ['p:', '  target: prod', '  outputs:', '    prod:', '      type: duckdb', "      path: \"md:analytics?motherduck_token={{ env_var('MY_MD_TOKEN') }}\""].join('\n'),
  });
  const r = readDbtProfileTargets(dir, { env: { MY_MD_TOKEN: token } });
  assert.deepEqual(r.problems, []);
  assert.deepEqual(r.targets.map((t) => [t.name, t.type, t.database, t.tokenEnv, t.unavailable]), [['prod', 'motherduck', 'analytics', 'MY_MD_TOKEN', undefined]]);
  assert.ok(!JSON.stringify(r).includes(token));
  // Unset, the target is still there: the token is asked for when it is used, as for any MotherDuck target.
  const unset = readDbtProfileTargets(dir, { env: {} });
  assert.deepEqual(unset.problems, []);
  assert.equal(unset.targets[0]!.unavailable, undefined);
});

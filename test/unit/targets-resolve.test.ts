import { test } from 'node:test';
import assert from 'node:assert/strict';
import { resolveTargets, findTarget } from '../../src/core/project/targets';
import { motherDuckTokenFor } from '../../src/core/project/motherDuckToken';
import type { ProjectConfig } from '../../src/core/project/projectConfig';
import type { TargetConfig } from '../../src/core/project/targetConfig';

const project = (extra: Partial<ProjectConfig> = {}): ProjectConfig => ({ root: '/work/p', exclude: [], defaultTarget: 'dev', targets: [], ...extra });
const t = (name: string, from: TargetConfig['from'], extra: Partial<TargetConfig> = {}): TargetConfig => ({
  name,
  type: 'duckdb',
  path: `/x/${name}-${from}.duckdb`,
  schema: 'main',
  threads: 1,
  env: {},
  protected: false,
  from,
  ...extra,
});

test('no project targets and no dbt profile: one default dev DuckDB under .asset-studio', () => {
  const r = resolveTargets(project(), []);
  assert.equal(r.defaultTarget, 'dev');
  assert.equal(r.targets.length, 1);
  assert.equal(r.targets[0]!.path, '/work/p/.asset-studio/dev.duckdb');
  assert.equal(r.targets[0]!.from, 'default');
  assert.deepEqual(r.problems, []);
});

test('project targets win a name clash with dbt profile targets; dbt-only targets are added', () => {
  const r = resolveTargets(project({ targets: [t('dev', 'project')] }), [t('dev', 'dbt-profile'), t('prod', 'dbt-profile', { type: 'motherduck', database: 'x' })]);
  assert.deepEqual(r.targets.map((x) => `${x.name}:${x.from}`), ['dev:project', 'prod:dbt-profile']);
  assert.equal(r.defaultTarget, 'dev');
});

test('an unknown default_target is a problem in the project file and falls back', () => {
  const r = resolveTargets(project({ file: '/work/p/asset-studio.yml', defaultTarget: 'staging', targets: [t('local', 'project')] }), []);
  assert.equal(r.defaultTarget, 'local');
  assert.equal(r.problems.length, 1);
  assert.match(r.problems[0]!.message, /default_target 'staging'.*local/);
  assert.equal(findTarget(r, 'local'), r.targets[0]);
  assert.match(findTarget(r, 'nope') as string, /No target 'nope'. Known targets: local/);
});

test('the MotherDuck token comes from token_env, else the saved one; none gives what to do', () => {
  const md = { name: 'prod', tokenEnv: 'MD_TOKEN_X', database: 'db' };
  assert.deepEqual(motherDuckTokenFor(md, { env: { MD_TOKEN_X: 'e' }, saved: 's' }), { token: 'e', source: 'env' });
  assert.deepEqual(motherDuckTokenFor(md, { env: {}, saved: 's' }), { token: 's', source: 'saved' });
  const none = motherDuckTokenFor({ name: 'prod', database: 'db' }, { env: {} });
  assert.equal(none.source, 'none');
  assert.match(none.hint!, /'prod' \(MotherDuck md:db\) has no token: add token_env .*"Set MotherDuck Token"/);
});

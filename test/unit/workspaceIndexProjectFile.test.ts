import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadProjectFile, parseProjectFile } from '../../src/core/project/projectFile';

test('no project file is a valid project with defaults', async () => {
  const root = mkdtempSync(join(tmpdir(), 'asset-studio-project-'));
  try {
    const { config, problems } = await loadProjectFile(root);
    assert.deepEqual(problems, []);
    assert.equal(config.root, root);
    assert.equal(config.file, undefined);
    assert.equal(config.defaultTarget, 'dev');
    assert.deepEqual(config.targets, []);
    assert.deepEqual(config.exclude, []);
    assert.equal(config.assets, undefined);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test('the docs/project-file.md example reads into targets with paths relative to the project file', () => {
  const text = `assets: [assets/**/*.sql]
exclude: [target/**, .venv/**]
default_target: dev
targets:
  dev:
    type: duckdb
    path: .asset-studio/dev.duckdb
    schema: main
    threads: 4
    env: { DBT_TARGET: dev, DUCKDB_PATH: .asset-studio/dev.duckdb }
  prod:
    type: motherduck
    database: prod_analytics
    token_env: MOTHERDUCK_TOKEN
    protected: true
    env: { DBT_TARGET: prod }
  share:
    path: md:shared_db
`;
  const { config, problems } = parseProjectFile('/w', '/w/asset-studio.yml', text);
  assert.deepEqual(problems, []);
  assert.deepEqual(config.assets, ['assets/**/*.sql']);
  assert.deepEqual(config.exclude, ['target/**', '.venv/**']);
  const [dev, prod, share] = config.targets;
  assert.deepEqual(
    { ...dev, origin: dev!.origin!.line },
    { name: 'dev', type: 'duckdb', path: '/w/.asset-studio/dev.duckdb', schema: 'main', threads: 4, env: { DBT_TARGET: 'dev', DUCKDB_PATH: '.asset-studio/dev.duckdb' }, protected: false, origin: 5, from: 'project' },
  );
  assert.equal(prod!.type, 'motherduck');
  assert.equal(prod!.database, 'prod_analytics');
  assert.equal(prod!.tokenEnv, 'MOTHERDUCK_TOKEN');
  assert.equal(prod!.protected, true);
  assert.equal(prod!.path, undefined);
  assert.equal(share!.type, 'motherduck');
  assert.equal(share!.database, 'shared_db');
});

test('bad keys and values are problems at their lines; good targets survive', () => {
  const text = `assets: assets/**/*.sql
targets:
  dev:
    type: postgres
  ok:
    threads: 2
  md:
    type: motherduck
default_target: [dev]
`;
  const { config, problems } = parseProjectFile('/w', '/w/asset-studio.yml', text);
  assert.deepEqual(
    problems.map((p) => `${p.line}:${p.code}`),
    ['4:project.invalid-value', '7:project.invalid-value', '9:project.invalid-value'],
  );
  assert.deepEqual(config.assets, ['assets/**/*.sql']);
  assert.deepEqual(config.targets.map((t) => t.name), ['ok']);
  assert.equal(config.targets[0]!.path, '/w/.asset-studio/ok.duckdb');
});

test('invalid YAML is a problem at its line, never a throw', () => {
  const { problems } = parseProjectFile('/w', '/w/asset-studio.yml', 'targets:\n  dev:\n    path: "unclosed\n');
  assert.equal(problems.length, 1);
  assert.equal(problems[0]!.code, 'project.invalid-yaml');
});

test('a tab in the indentation is a warning at its line, and the file is still read', () => {
  const { config, problems } = parseProjectFile('/w', '/w/asset-studio.yml', 'default_target: dev\nassets:\n\t- assets/**/*.sql\n');
  assert.deepEqual(problems.map((p) => [p.line, p.severity, p.code]), [[3, 'warning', 'project.invalid-yaml']]);
  assert.deepEqual(config.assets, ['assets/**/*.sql']);
});

test('a target database or an assets glob outside the project folder is a warning at its line, and still read', () => {
  const text = 'assets: [assets/**/*.sql, ../common/**/*.sql]\ntargets:\n  dev:\n    path: ../elsewhere/dev.duckdb\n  local:\n    path: data/local.duckdb\n  abs:\n    path: /var/data/abs.duckdb\n';
  const { config, problems } = parseProjectFile('/w', '/w/asset-studio.yml', text);
  assert.deepEqual(
    problems.map((p) => [p.line, p.severity, p.code]),
    [
      [1, 'warning', 'project.outside-root'],
      [4, 'warning', 'project.outside-root'],
      [8, 'warning', 'project.outside-root'],
    ],
  );
  assert.match(problems[0]!.message, /\.\.\/common\/\*\*\/\*\.sql points outside the project folder/);
  assert.match(problems[1]!.message, /Target 'dev': its database \/elsewhere\/dev\.duckdb is outside the project folder/);
  assert.equal(config.targets.find((t) => t.name === 'dev')!.path, '/elsewhere/dev.duckdb');
  assert.deepEqual(config.assets, ['assets/**/*.sql', '../common/**/*.sql']);
});

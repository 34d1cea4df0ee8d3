import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { tempDir } from './engineFixtures';
import { cli } from './cliRun';

const EXAMPLE = resolve(import.meta.dirname, '../../examples/nyc_taxi');

test('--version prints the package version; --help lists every command and says to quote *', async () => {
  const version = (JSON.parse(readFileSync(resolve(import.meta.dirname, '../../package.json'), 'utf8')) as { version: string }).version;
  const v = await cli(['--version'], '.');
  assert.deepEqual([v.code, v.stdout], [0, `asset-studio ${version}\n`]);
  const help = await cli(['--help'], '.');
  assert.equal(help.code, 0);
  for (const c of ['list', 'validate', 'materialize', 'check', 'targets', 'compile', 'demo']) assert.match(help.stdout, new RegExp(`asset-studio ${c}\\b`));
  assert.match(help.stdout, /Quote '\*'/);
  for (const flag of ['--partition DATE', '--from DATE --to DATE', '--dbt-runner', '--full-refresh', '--python PATH', '--confirm']) {
    assert.ok(help.stdout.includes(flag), `the usage names ${flag}`);
  }
});

test('each command has --help with every flag it takes', async () => {
  const mat = await cli(['materialize', '--help'], '.');
  assert.equal(mat.code, 0);
  for (const flag of ['--target', '--confirm', '--partition', '--from', '--to', '--dbt-runner', '--full-refresh', '--python', '--json', '--root']) {
    assert.ok(mat.stdout.includes(flag), `materialize --help names ${flag}`);
  }
  assert.match(mat.stdout, /Quote '\*'/);
  const check = await cli(['check', '--help'], '.');
  assert.doesNotMatch(check.stdout, /--partition|--full-refresh/, 'check builds nothing: no build flags');
  assert.match(check.stdout, /--json {16}print JSON on stdout \(shapes: docs\/cli\.md\)/);
  const targets = await cli(['targets', '-h'], '.');
  assert.match(targets.stdout, /^usage: asset-studio targets \[--json\] \[--root DIR\]/);
});

test("an unquoted * expanded by the shell to file names: the error says to quote it", async () => {
  const { dir, cleanup } = tempDir('cli-usage-');
  try {
    writeFileSync(join(dir, 'LICENSE'), 'MIT\n');
    writeFileSync(join(dir, 'a.sql'), '/* @asset\nname: a\n*/\nselect 1 as x\n');
    const r = await cli(['check', 'LICENSE', 'a.sql'], dir);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /No asset 'LICENSE'/);
    assert.match(r.stderr, /'LICENSE' is a file here: did the shell expand an unquoted \* or \+\? Quote the selection: asset-studio check '\*'/);
  } finally {
    cleanup();
  }
});

test('targets [--json]: each target, its kind, file or database, protected, and the default; never a token', async () => {
  const { dir, cleanup } = tempDir('cli-usage-');
  try {
    const root = join(dir, 'nyc_taxi');
    cpSync(EXAMPLE, root, { recursive: true, filter: (src) => !src.includes('.asset-studio') });
    const token = 'eyJhbGciOiJIUzI1NiJ9.never-printed-token';
    const json = await cli(['targets', '--json', '--root', root], dir, { MOTHERDUCK_TOKEN: token });
    assert.equal(json.code, 0, json.stderr);
    assert.ok(!json.stdout.includes(token));
    const doc = JSON.parse(json.stdout) as { default: string; targets: Record<string, unknown>[] };
    assert.equal(doc.default, 'dev');
    const byName = new Map(doc.targets.map((t) => [t['name'], t]));
    assert.deepEqual(byName.get('dev'), {
      name: 'dev', type: 'duckdb', path: '.asset-studio/dev.duckdb', database: null, schema: 'main', protected: false, default: true, from: 'project', token_env: null, unavailable: null,
    });
    assert.equal(byName.get('prod')!['protected'], true);
    assert.equal(byName.get('cloud')!['type'], 'motherduck');
    assert.equal(byName.get('cloud')!['token_env'], 'MOTHERDUCK_TOKEN');
    const text = await cli(['targets', '--root', root], dir);
    assert.match(text.stdout, /^\* dev {2}DuckDB {2}\.asset-studio\/dev\.duckdb {2}\(asset-studio\.yml\) {2}default$/m);
    assert.match(text.stdout, /^ {2}prod {2}DuckDB .*protected$/m);
  } finally {
    cleanup();
  }
});

test('the CLI never sends the user to editor commands: a missing token names the variable, a missing interpreter names --python', async () => {
  const { dir, cleanup } = tempDir('cli-usage-');
  try {
    const root = join(dir, 'nyc_taxi');
    cpSync(EXAMPLE, root, { recursive: true, filter: (src) => !src.includes('.asset-studio') });
    const cloud = await cli(['materialize', 'raw.zones', '--target', 'cloud', '--confirm', 'cloud', '--root', root], dir);
    assert.equal(cloud.code, 1);
    assert.match(cloud.stderr, /set the environment variable MOTHERDUCK_TOKEN/);
    assert.doesNotMatch(cloud.stderr, /Set MotherDuck Token|command/);

    const py = join(dir, 'py');
    mkdirSync(py);
    writeFileSync(join(py, 'defs.py'), 'import dagster as dg\n\n@dg.asset\ndef thing():\n    return 1\n');
    const run = await cli(['materialize', 'thing', '--python', join(dir, 'no-such-python'), '--root', py], dir);
    assert.equal(run.code, 1);
    assert.match(run.stdout, /no-such-python' was not found\. Pass one with --python PATH/);
    assert.doesNotMatch(run.stdout, /Select Interpreter|assetStudio\.pythonPath/);
    // The same message inside --json, where its quotes are escaped.
    const json = await cli(['materialize', 'thing', '--python', join(dir, 'no-such-python'), '--root', py, '--json'], dir);
    assert.equal(json.code, 1);
    assert.match(json.stdout, /no-such-python' was not found\. Pass one with --python PATH/);
    assert.doesNotMatch(json.stdout, /Select Interpreter|assetStudio\.pythonPath/);
  } finally {
    cleanup();
  }
});

test('a flag the command does not take is an error, never ignored (a misspelt --target must not run on the default)', async () => {
  const { dir, cleanup } = tempDir('cli-usage-');
  try {
    writeFileSync(join(dir, 'a.sql'), '/* @asset\nname: a\n*/\nselect 1 as x\n');
    const r = await cli(['materialize', 'a', '--targte', 'prod'], dir);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /^asset-studio materialize: unknown flag --targte\nusage: asset-studio materialize/);
    assert.equal((await cli(['list', '--target', 'dev'], dir)).code, 2);
  } finally {
    cleanup();
  }
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runCli } from '../../src/cli/cli';
import { tempDir } from './engineFixtures';
import { cli } from './cliRun';

test('list reports the problems validate reports: a dbt profile named but not defined', async () => {
  const { dir, cleanup } = tempDir('cli-agree-');
  try {
    const root = join(dir, 'bluesky');
    mkdirSync(join(root, 'models'), { recursive: true });
    writeFileSync(join(root, 'dbt_project.yml'), 'name: bluesky\nprofile: bluesky_data\nmodel-paths: [models]\n');
    writeFileSync(join(root, 'profiles.yml'), 'bluesky:\n  target: dev\n  outputs:\n    dev:\n      type: duckdb\n      path: dev.duckdb\n');
    writeFileSync(join(root, 'models', 'posts.sql'), 'select 1 as id\n');
    const validate = JSON.parse((await cli(['validate', '--json', '--root', root], dir)).stdout) as { problems: { file: string; line: number; message: string }[] };
    const listed = await cli(['list', '--json', '--root', root], dir);
    const list = JSON.parse(listed.stdout) as { problems: { file: string; line: number; message: string }[] };
    assert.ok(validate.problems.some((p) => /no profile 'bluesky_data'/.test(p.message)), JSON.stringify(validate.problems));
    const strip = (ps: { file: string; line: number; message: string }[]) => ps.map((p) => `${p.file}:${p.line} ${p.message}`).sort();
    assert.deepEqual(strip(list.problems), strip(validate.problems));
    const text = await cli(['list', '--root', root], dir);
    assert.match(text.stdout, /profiles\.yml:1:1: warning: profiles\.yml has no profile 'bluesky_data'/);
    assert.match(text.stdout, /0 errors, 1 warning\n/);
  } finally {
    cleanup();
  }
});

/** A Dagster asset that feeds a dbt source by name alone, and a translator that may rename dbt keys. */
function guessingWorkspace(dir: string): string {
  const root = join(dir, 'ws');
  mkdirSync(join(root, 'pipeline'), { recursive: true });
  mkdirSync(join(root, 'dbt_proj', 'models'), { recursive: true });
  writeFileSync(
    join(root, 'pipeline', 'defs.py'),
    [
      'import dagster as dg',
      'from dagster_dbt import DagsterDbtTranslator',
      '',
      '@dg.asset(key_prefix=["ingest"])',
      'def raw_posts():',
      '    return 1',
      '',
      'class Renamer(DagsterDbtTranslator):',
      '    pass',
      '',
    ].join('\n'),
  );
  writeFileSync(join(root, 'dbt_proj', 'dbt_project.yml'), 'name: proj\nmodel-paths: [models]\n');
  writeFileSync(join(root, 'dbt_proj', 'models', 'sources.yml'), 'version: 2\nsources:\n  - name: raw\n    tables:\n      - name: raw_posts\n');
  writeFileSync(join(root, 'dbt_proj', 'models', 'posts.sql'), "select * from {{ source('raw', 'raw_posts') }}\n");
  return root;
}

test('list marks a dependency matched by name alone as inferred, in JSON and text; a translator class is a problem in list and validate', async () => {
  const { dir, cleanup } = tempDir('cli-agree-');
  try {
    const root = guessingWorkspace(dir);
    const doc = JSON.parse((await cli(['list', '--json', '--root', root], dir)).stdout) as {
      assets: { key: string; deps: { key: string; inferred: boolean }[] }[];
      problems: { file: string; line: number; severity: string; message: string }[];
    };
    const posts = doc.assets.find((a) => a.key === 'posts')!;
    assert.deepEqual(posts.deps, [{ key: 'ingest/raw_posts', inferred: true }]);
    const translator = doc.problems.find((p) => /Renamer subclasses DagsterDbtTranslator/.test(p.message));
    assert.deepEqual(translator && [translator.file, translator.line, translator.severity], ['pipeline/defs.py', 8, 'warning']);
    const text = (await cli(['list', '--root', root], dir)).stdout;
    assert.match(text, /^posts .*ingest\/raw_posts \(inferred\)/m);
    assert.match(text, /pipeline\/defs\.py:8:7: warning: Renamer subclasses DagsterDbtTranslator/);
    const validate = (await cli(['validate', '--root', root], dir)).stdout;
    assert.match(validate, /pipeline\/defs\.py:8:7: warning: Renamer subclasses DagsterDbtTranslator/);
  } finally {
    cleanup();
  }
});

test('a @dbt_assets function is listed as the op that runs the dbt models, not as an asset', async () => {
  const { dir, cleanup } = tempDir('cli-agree-');
  try {
    const root = guessingWorkspace(dir);
    writeFileSync(
      join(root, 'pipeline', 'dbt_defs.py'),
      'from dagster_dbt import dbt_assets, DbtCliResource\n\n@dbt_assets(manifest="target/manifest.json")\ndef dbt_bluesky(context, dbt: DbtCliResource):\n    yield from dbt.cli(["build"], context=context).stream()\n',
    );
    const doc = JSON.parse((await cli(['list', '--json', '--root', root], dir)).stdout) as {
      assets: { key: string }[];
      ops: { name: string; kind: string; file: string; line: number; runs: string[] }[];
    };
    assert.equal(doc.assets.some((a) => a.key === 'dbt_bluesky'), false);
    assert.deepEqual(doc.ops, [{ name: 'dbt_bluesky', kind: 'dbt_assets', file: 'pipeline/dbt_defs.py', line: 3, runs: ['posts'] }]);
    const text = (await cli(['list', '--root', root], dir)).stdout;
    assert.doesNotMatch(text, /^dbt_bluesky /m);
    assert.match(text, /Dagster op dbt_bluesky \(@dbt_assets, pipeline\/dbt_defs\.py:3\) runs the 1 dbt models above; it is not an asset/);
  } finally {
    cleanup();
  }
});

test('a module-level AssetSpec is listed as external: not counted as an asset to build, and no plan builds it', async () => {
  const { dir, cleanup } = tempDir('cli-agree-');
  try {
    const root = guessingWorkspace(dir);
    writeFileSync(join(root, 'pipeline', 'specs.py'), 'import dagster as dg\n\nfirehose = dg.AssetSpec("firehose", group_name="ingest")\n');
    const doc = JSON.parse((await cli(['list', '--json', '--root', root], dir)).stdout) as { assets: { key: string; source: string; external: boolean }[] };
    const spec = doc.assets.find((a) => a.key === 'firehose')!;
    assert.deepEqual([spec.source, spec.external], ['dagster', true]);
    assert.equal(doc.assets.find((a) => a.key === 'posts')!.external, false);
    const text = (await cli(['list', '--root', root], dir)).stdout;
    assert.match(text, /^firehose\s+dagster \(external\)/m);
    let stderr = '';
    const code = await runCli(['materialize', 'firehose', '--root', root], { stdout: { write: () => true }, stderr: { write: (t: string) => (stderr += t) }, cwd: dir, env: {} });
    assert.equal(code, 2);
    assert.match(stderr, /'firehose' is an external asset \(a Dagster AssetSpec\): nothing here materializes it/);
  } finally {
    cleanup();
  }
});

test('a table one letter away from an asset is a warning at its line: did you mean raw.orders?', async () => {
  const { dir, cleanup } = tempDir('cli-agree-');
  try {
    const root = join(dir, 'shop');
    mkdirSync(root);
    writeFileSync(join(root, 'orders.sql'), '/* @asset\nname: raw.orders\n*/\nselect 1 as id\n');
    writeFileSync(join(root, 'daily.sql'), '/* @asset\nname: mart.daily\n*/\nselect count(*) as n\nfrom raw.orderz\njoin raw.customers using (id)\n');
    const out = await cli(['validate', '--root', root], dir);
    assert.equal(out.code, 0, out.stdout);
    assert.match(out.stdout, /^daily\.sql:5:\d+: warning: Table 'raw\.orderz' is no asset, so it is read as an external source: did you mean raw\.orders\?$/m);
    // A table that is nothing like an asset stays a quiet external source.
    assert.doesNotMatch(out.stdout, /raw\.customers/);
    // Run anyway, the failure carries the same hint instead of DuckDB's guess at some other table.
    const run = await cli(['materialize', 'mart.daily', '--root', root], dir);
    assert.equal(run.code, 1);
    assert.match(run.stdout, /Table with name "raw\.orderz" does not exist because schema "raw" does not exist\. Did you mean raw\.orders\? \(raw\.orderz is no asset: line 5\)/);
    // Once raw.orders exists, DuckDB's own guess is replaced.
    assert.equal((await cli(['materialize', 'raw.orders', '--root', root], dir)).code, 0);
    const again = await cli(['materialize', 'mart.daily', '--root', root], dir);
    assert.match(again.stdout, /Table with name orderz does not exist! Did you mean raw\.orders\? \(raw\.orderz is no asset: line 5\)/);
    assert.doesNotMatch(again.stdout, /information_schema|Did you mean "/);
    assert.doesNotMatch(run.stdout, /information_schema/);
  } finally {
    cleanup();
  }
});

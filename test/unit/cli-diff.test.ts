import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { loadWorkspace } from '../../src/core/engine/materializeWorkspace';
import { compareTargets } from '../../src/core/diff/compareReport';
import { tempDir, queryFile } from './engineFixtures';
import { cli } from './cliRun';

const EXAMPLE = resolve(import.meta.dirname, '../../examples/nyc_taxi');

/**
 * The example built on prod and dev, then changed on dev only: daily_trips rounds revenue to
 * whole dollars, trips_by_borough gains a column, and a new asset exists on dev alone.
 */
async function devAheadOfProd(dir: string): Promise<string> {
  const root = join(dir, 'nyc_taxi');
  cpSync(EXAMPLE, root, { recursive: true, filter: (src) => !src.includes('.asset-studio') });
  const prod = await cli(['materialize', '*', '--target', 'prod', '--confirm', 'prod', '--root', root], dir);
  assert.equal(prod.code, 0, prod.stderr + prod.stdout);
  const daily = join(root, 'assets/analytics/daily_trips.sql');
  writeFileSync(daily, readFileSync(daily, 'utf8').replace('round(sum(total_amount), 2) as revenue', 'round(sum(total_amount), 0) as revenue'));
  const borough = join(root, 'assets/analytics/trips_by_borough.sql');
  writeFileSync(borough, readFileSync(borough, 'utf8').replace('round(avg(t.fare_amount), 2) as avg_fare', 'round(avg(t.fare_amount), 2) as avg_fare,\n  count(distinct t.zone_id) as zones'));
  writeFileSync(join(root, 'assets/analytics/new_thing.sql'), '/* @asset\nname: analytics.new_thing\n*/\nselect 1 as id\n');
  const dev = await cli(['materialize', '*', '--root', root], dir);
  assert.equal(dev.code, 0, dev.stderr + dev.stdout);
  return root;
}

test('diff KEY --json: the issue\'s fields exactly, numbers for counts, the key from the asset, changed rows as the files have them', async () => {
  const { dir, cleanup } = tempDir('cli-diff-');
  try {
    const root = await devAheadOfProd(dir);
    const prodFile = join(root, '.asset-studio/prod.duckdb');
    const expectChanged = Number(
      (await queryFile(prodFile, 'SELECT count(*) AS n FROM analytics.daily_trips WHERE revenue IS DISTINCT FROM round(revenue, 0)'))[0]!['n'],
    );
    const days = Number((await queryFile(prodFile, 'SELECT count(*) AS n FROM analytics.daily_trips'))[0]!['n']);
    assert.ok(expectChanged > 0);

    const out = await cli(['diff', 'analytics.daily_trips', '--from', 'dev', '--to', 'prod', '--key', 'pickup_date', '--json', '--root', root], dir);
    assert.equal(out.code, 0, out.stderr);
    const json = JSON.parse(out.stdout);
    assert.deepEqual(Object.keys(json), ['from', 'to', 'relation', 'key', 'schema', 'rows', 'changed_columns', 'samples']);
    assert.deepEqual(Object.keys(json.schema), ['added', 'removed', 'retyped']);
    assert.deepEqual(Object.keys(json.rows), ['from', 'to', 'only_in_from', 'only_in_to', 'changed']);
    assert.equal(json.relation, 'analytics.daily_trips');
    assert.deepEqual(json.key, ['pickup_date']);
    assert.deepEqual(json.rows, { from: days, to: days, only_in_from: 0, only_in_to: 0, changed: expectChanged });
    assert.deepEqual(json.changed_columns, { revenue: expectChanged });
    assert.equal(json.samples.length, Math.min(20, expectChanged));
    const s = json.samples[0];
    assert.equal(Math.round(Number(s.to.revenue)), Number(s.from.revenue), 'old (prod) rounds to new (dev)');

    // raw.zones has `unique: id`: that is its key; nothing differs.
    const zones = JSON.parse((await cli(['diff', 'raw/zones', '--to', 'prod', '--json', '--root', root], dir)).stdout);
    assert.deepEqual(zones.key, ['id']);
    assert.equal(zones.rows.changed, 0);
    assert.equal(zones.rows.from, zones.rows.to);

    const human = await cli(['diff', 'analytics.daily_trips', '--from', 'dev', '--to', 'prod', '--key', 'pickup_date', '--root', root], dir);
    assert.equal(human.code, 0);
    assert.match(human.stdout, /# analytics\.daily_trips: dev → prod/);
    assert.match(human.stdout, new RegExp(`Changed rows \\(same key, another value\\): \\*\\*${expectChanged}\\*\\*`));
  } finally {
    cleanup();
  }
});

test('diff of a relation missing on one side exits 1 naming it; the promotion preview lists every asset', async () => {
  const { dir, cleanup } = tempDir('cli-diff-');
  try {
    const root = await devAheadOfProd(dir);
    const missing = await cli(['diff', 'analytics.new_thing', '--from', 'dev', '--to', 'prod', '--json', '--root', root], dir);
    assert.equal(missing.code, 1);
    assert.equal(missing.stdout, '');
    assert.match(missing.stderr, /analytics\.new_thing is not in target 'prod' \(the to side\)/);

    const out = await cli(['diff', '*', '--from', 'dev', '--to', 'prod', '--json', '--root', root], dir);
    assert.equal(out.code, 0, out.stderr);
    const preview = JSON.parse(out.stdout);
    assert.equal(preview.from, 'dev');
    const byKey = new Map<string, Record<string, any>>(preview.assets.map((a: Record<string, unknown>) => [a['key'], a]));
    assert.deepEqual([...byKey.keys()].sort(), ['analytics/daily_trips', 'analytics/new_thing', 'analytics/trips_by_borough', 'raw/taxi_trips', 'raw/zones']);
    assert.equal(byKey.get('analytics/new_thing')!['status'], 'new');
    assert.equal(byKey.get('raw/taxi_trips')!['status'], 'unchanged');
    assert.deepEqual(byKey.get('raw/taxi_trips')!['key_columns'], ['trip_id']);
    assert.equal(byKey.get('raw/taxi_trips')!['rows'].changed, 0);
    const borough = byKey.get('analytics/trips_by_borough')!;
    assert.equal(borough['status'], 'changed');
    assert.deepEqual(borough['schema'].added, [{ name: 'zones', type: 'BIGINT' }]);
    assert.equal(borough['rows'].delta, 0);
    const daily = byKey.get('analytics/daily_trips')!;
    assert.equal(daily['status'], 'changed');
    // No key on daily_trips: rows that differ show as EXCEPT ALL both ways.
    assert.equal(daily['rows'].changed, null);
    assert.ok(daily['rows'].only_in_from > 0 && daily['rows'].only_in_from === daily['rows'].only_in_to);

    const human = await cli(['diff', 'group:analytics', '--to', 'prod', '--root', root], dir);
    assert.equal(human.code, 0, human.stderr);
    assert.match(human.stdout, /\| analytics\/trips_by_borough \| changed \| .* \| \+zones \|/);
    assert.match(human.stdout, /analytics\/new_thing \(new\): not in 'prod' yet/);

    const unknown = await cli(['diff', 'analytics.daily_trips', '--to', 'staging', '--root', root], dir);
    assert.equal(unknown.code, 2);
    assert.match(unknown.stderr, /No target 'staging'/);
  } finally {
    cleanup();
  }
});

test('the editor\'s compare: a Markdown report, a preview of an asset and its downstream, or a page naming what is missing', async () => {
  const { dir, cleanup } = tempDir('cli-diff-');
  try {
    const root = await devAheadOfProd(dir);
    const workspace = await loadWorkspace(root, {});
    const dev = workspace.targets.targets.find((t) => t.name === 'dev')!;
    const prod = workspace.targets.targets.find((t) => t.name === 'prod')!;
    const base = { root, graph: workspace.graph, from: dev, to: prod };

    const borough = await compareTargets({ ...base, asset: 'analytics/trips_by_borough' });
    assert.equal(borough.ok, true, borough.markdown);
    assert.match(borough.markdown, /^# analytics\/trips_by_borough: dev → prod/);
    assert.match(borough.markdown, /- `\+ zones` BIGINT \(only in dev\)/);

    const preview = await compareTargets({ ...base, selections: ['raw/taxi_trips+'] });
    assert.equal(preview.ok, true, preview.markdown);
    for (const key of ['raw/taxi_trips', 'analytics/daily_trips', 'analytics/trips_by_borough']) assert.match(preview.markdown, new RegExp(`\\| ${key} \\|`));
    assert.doesNotMatch(preview.markdown, /raw\/zones/);

    const missing = await compareTargets({ ...base, asset: 'analytics.new_thing' });
    assert.equal(missing.ok, false);
    assert.match(missing.markdown, /analytics\.new_thing is not in target 'prod' \(the to side\)/);
    assert.match(missing.markdown, /Nothing was written to either target/);
  } finally {
    cleanup();
  }
});

test('status --against prod: per asset, the same build on both, prod behind dev, or dev only; read-only on both', async () => {
  const { dir, cleanup } = tempDir('cli-status-');
  try {
    const root = await devAheadOfProd(dir);
    const prodFile = join(root, '.asset-studio/prod.duckdb');
    const before = readFileSync(prodFile);
    const out = await cli(['status', '--against', 'prod', '--json', '--root', root], dir);
    assert.equal(out.code, 0, out.stderr);
    const json = JSON.parse(out.stdout);
    assert.equal(json.target, 'dev');
    assert.equal(json.against, 'prod');
    const drift = Object.fromEntries(json.assets.map((a: { key: string; against: { drift: string } }) => [a.key, a.against.drift]));
    assert.deepEqual(drift, {
      'analytics/daily_trips': 'differs',
      'analytics/new_thing': 'only-here',
      'analytics/trips_by_borough': 'differs',
      'raw/taxi_trips': 'same',
      'raw/zones': 'same',
    });
    const daily = json.assets.find((a: { key: string }) => a.key === 'analytics/daily_trips');
    assert.equal(daily.status, 'fresh');
    assert.equal(daily.against.status, 'stale');
    assert.equal(daily.built_by, 'in-process');

    const text = await cli(['status', 'analytics.daily_trips', '--against', 'prod', '--root', root], dir);
    assert.equal(text.code, 0, text.stderr);
    assert.match(text.stdout, /analytics\/daily_trips\s+.*rows.*\s+prod is behind \(built from an older definition\)\n$/);
    assert.deepEqual(readFileSync(prodFile), before);

    const unknown = await cli(['status', '--against', 'qa', '--root', root], dir);
    assert.equal(unknown.code, 2);
    assert.match(unknown.stderr, /no target 'qa' \(--against\); the targets are /);
  } finally {
    cleanup();
  }
});

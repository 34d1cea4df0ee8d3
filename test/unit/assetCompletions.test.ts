import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { WorkspaceIndex, discoverWorkspace } from '../../src/core/discovery/workspaceIndex';
import { assetCompletions, completionSiteAt, narrowCompletions, warmCompletions } from '../../src/core/language/assetCompletions';
import type { TextPosition } from '../../src/core/language/assetReferences';

const fixtures = resolve(__dirname, '../fixtures');

/** The position just after the text before `|` in `marked`; returns the text without the marker. */
function cursor(marked: string): { text: string; at: TextPosition } {
  const offset = marked.indexOf('|');
  assert.ok(offset >= 0);
  const before = marked.slice(0, offset);
  return { text: marked.slice(0, offset) + marked.slice(offset + 1), at: { line: before.split('\n').length, column: offset - before.lastIndexOf('\n') } };
}

function site(file: string, marked: string) {
  const { text, at } = cursor(marked);
  return completionSiteAt(file, text, at);
}

test('completion sites: after from/join, in ref() and source(), in depends:, in Dagster deps strings', () => {
  assert.deepEqual(site('/w/a.sql', '/* @asset\n*/\nselect * from ra|'), { kind: 'sql-relation', typed: 'ra' });
  assert.deepEqual(site('/w/a.sql', '/* @asset\n*/\nselect *\nfrom t JOIN |'), { kind: 'sql-relation', typed: '' });
  assert.equal(site('/w/a.sql', '/* @asset\n*/\nselect tr|'), undefined);
  assert.deepEqual(site('/w/a.sql', "/* @asset\ndepends: [raw.taxi_trips, an|]\n*/\nselect 1"), { kind: 'depends', typed: 'an' });
  assert.deepEqual(site('/w/a.sql', '/* @asset\ndepends:\n  - raw.zones\n  - |\n*/\nselect 1'), { kind: 'depends', typed: '' });
  // A `- ` item under another key is not a dependency.
  assert.equal(site('/w/a.sql', '/* @asset\nchecks:\n  - |\n*/\nselect 1'), undefined);
  assert.deepEqual(site('/w/m.sql', "select * from {{ ref('stg_|') }}"), { kind: 'dbt-ref', typed: 'stg_' });
  assert.deepEqual(site('/w/m.sql', "select * from {{ source('|"), { kind: 'dbt-source-name', typed: '' });
  assert.deepEqual(site('/w/m.sql', "select * from {{ source('raw', 'ta|"), { kind: 'dbt-source-table', source: 'raw', typed: 'ta' });
  assert.deepEqual(site('/w/schema.yml', "        to: ref('|')"), { kind: 'dbt-ref', typed: '' });
  assert.deepEqual(site('/w/d.py', '@asset(deps=["raw/ta|"])'), { kind: 'dagster-deps', typed: 'raw/ta' });
  assert.equal(site('/w/d.py', '@asset(group_name="ra|")'), undefined);
});

test('completions come from the graph, with kind, source and description', async () => {
  const sql = await discoverWorkspace(join(fixtures, 'sql'));
  const own = join(fixtures, 'sql/assets/analytics/zone_revenue.sql');
  const relations = assetCompletions(sql, { kind: 'sql-relation', typed: '' }, own);
  const names = relations.map((c) => c.insert).sort();
  const expected = [...sql.nodes.values()]
    .filter((n) => n.definition.source !== 'external' && n.definition.location.file !== own)
    .map((n) => `${n.definition.sql!.relation.schema ? `${n.definition.sql!.relation.schema}.` : ''}${n.definition.sql!.relation.name}`)
    .sort();
  assert.deepEqual(names, expected);
  assert.ok(names.includes('raw.taxi_trips'));
  assert.ok(!names.includes('analytics.zone_revenue'), 'an asset is not offered in its own file');
  const trips = relations.find((c) => c.insert === 'raw.taxi_trips')!;
  assert.equal(trips.detail, `${trips.node!.definition.kind} · sql`);
  assert.equal(trips.description, trips.node!.definition.description);

  const dbt = await discoverWorkspace(join(fixtures, 'dbt/nyc_taxi_dbt'));
  const refs = assetCompletions(dbt, { kind: 'dbt-ref', typed: '' }).map((c) => c.insert);
  for (const m of ['stg_trips', 'stg_zones', 'daily_trips', 'trips_by_zone', 'payment_types']) assert.ok(refs.includes(m), m);
  assert.ok(!refs.includes('raw/taxi_trips'), 'sources are not ref() names');
  assert.deepEqual(assetCompletions(dbt, { kind: 'dbt-source-name', typed: '' }).map((c) => c.insert), ['raw']);
  assert.deepEqual(assetCompletions(dbt, { kind: 'dbt-source-table', source: 'raw', typed: '' }).map((c) => c.insert).sort(), ['taxi_trips', 'taxi_zones']);
  assert.deepEqual(assetCompletions(dbt, { kind: 'dbt-source-table', source: 'nope', typed: '' }), []);

  const dagster = await discoverWorkspace(join(fixtures, 'dagster/taxi'));
  const keys = assetCompletions(dagster, { kind: 'dagster-deps', typed: '' }).map((c) => c.insert);
  assert.ok(keys.includes('raw/taxi_trips'));
  assert.ok(keys.includes('marts/revenue'));
});

test('a long list is narrowed to what was typed and marked incomplete, so the editor asks again', () => {
  const items = Array.from({ length: 30 }, (_, i) => ({ insert: i % 2 ? `raw.t${i}` : `mart.T${i}`, detail: 'table · sql' }));
  assert.deepEqual(narrowCompletions(items, 'x', 50), { items, complete: true });
  const raw = narrowCompletions(items, 'RAW', 10);
  assert.equal(raw.items.length, 10);
  assert.ok(raw.items.every((c) => c.insert.startsWith('raw.')));
  assert.equal(raw.complete, false);
  const t2 = narrowCompletions(items, 't2', 10);
  assert.deepEqual(t2.items.map((c) => c.insert), ['mart.T2', 'mart.T20', 'raw.t21', 'mart.T22', 'raw.t23', 'mart.T24', 'raw.t25', 'mart.T26', 'raw.t27', 'mart.T28']);
  assert.equal(t2.complete, false);
  assert.equal(narrowCompletions(items, 'mart.t28', 10).complete, true);
});

test('after a save the new graph\'s list keeps the items of unchanged assets and has the saved asset\'s new description', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'completions-'));
  try {
    cpSync(join(fixtures, 'sql'), dir, { recursive: true });
    const index = await WorkspaceIndex.open(dir, { python: null, workers: false });
    const before = index.graph;
    warmCompletions(before, 'sql-relation');
    const old = assetCompletions(before, { kind: 'sql-relation', typed: '' });
    const zonesFile = join(dir, 'assets/raw/zones.sql');
    writeFileSync(zonesFile, readFileSync(zonesFile, 'utf8').replace('kind: table\n', 'kind: table\ndescription: Zones, as saved just now.\n'));
    const after = await index.updateFiles([zonesFile], []);
    assert.notEqual(after, before);
    const now = assetCompletions(after, { kind: 'sql-relation', typed: '' });
    assert.deepEqual(now.map((c) => c.insert).sort(), old.map((c) => c.insert).sort());
    const zones = now.find((c) => c.insert === 'raw.zones');
    assert.equal(zones?.description, 'Zones, as saved just now.');
    assert.notEqual(zones, old.find((c) => c.insert === 'raw.zones'));
    const trips = now.find((c) => c.insert === 'raw.taxi_trips');
    assert.equal(trips, old.find((c) => c.insert === 'raw.taxi_trips'), 'an unchanged asset keeps its item');
    assert.equal(trips?.node, after.nodes.get('raw/taxi_trips'));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

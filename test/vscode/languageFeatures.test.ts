// F12, Shift+F12, hover and completion on asset references, asked through VS
// Code's own commands (as the editor asks them) in the example project, with a
// small dbt project and a Dagster file added beside its SQL assets.
import * as assert from 'node:assert/strict';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import * as vscode from 'vscode';
import type { AssetStudioTestApi } from '../../src/extension/testApi';
import { exampleRoot, testApi } from './exampleSession';
import type { FinishedRun } from '../../src/extension/assetRuns';


/** Files added to the example's copy: every reference form the language features know. */
const ADDED: Record<string, string> = {
  'transform/dbt_project.yml': 'name: taxi_transform\nversion: "1.0.0"\nconfig-version: 2\nprofile: taxi_transform\nmodel-paths: ["models"]\n',
  'transform/models/sources.yml': [
    'version: 2',
    'sources:',
    '  - name: raw',
    '    tables:',
    '      - name: zones',
    'models:',
    '  - name: zone_names',
    '    columns:',
    '      - name: id',
    '        tests:',
    '          - relationships:',
    "              to: ref('stg_zones')",
    '              field: id',
    '',
  ].join('\n'),
  'transform/models/stg_zones.sql': "select id, zone from {{ source('raw', 'zones') }}\n",
  'transform/models/zone_names.sql': "select id, upper(zone) as zone from {{ ref('stg_zones') }}\n",
  'pipelines/reports.py': [
    'import dagster as dg',
    '',
    '',
    '@dg.asset(deps=["raw/taxi_trips"], group_name="reports")',
    'def trip_report() -> None:',
    '    ...',
    '',
    '',
    '@dg.asset(ins={"zone_rows": dg.AssetIn(key=dg.AssetKey(["raw", "zones"]))})',
    'def zone_report(zone_rows, trip_report) -> None:',
    '    ...',
    '',
  ].join('\n'),
  // `*` over a file: its columns are known only from the catalog once it is built.
  'assets/raw/zone_file.sql': "/* @asset\nname: raw.zone_file\n*/\nselect * from read_csv('data/zones.csv', header = true)\n",
  'assets/analytics/zone_list.sql': "/* @asset\nname: analytics.zone_list\n*/\nselect *\nfrom raw.zone_file\nwhere borough <> 'EWR'\n",
};
const ADDED_KEYS = ['stg_zones', 'zone_names', 'trip_report', 'zone_report', 'raw/zone_file', 'analytics/zone_list'];

/** The document of a workspace file and the position `delta` characters into the first `needle`. */
async function at(file: string, needle: string, delta = 0): Promise<{ uri: vscode.Uri; pos: vscode.Position }> {
  const doc = await vscode.workspace.openTextDocument(vscode.Uri.file(file));
  const i = doc.getText().indexOf(needle);
  assert.ok(i >= 0, `'${needle}' is in ${file}`);
  return { uri: doc.uri, pos: doc.positionAt(i + delta) };
}

async function definitionsAt(file: string, needle: string, delta: number): Promise<{ file: string; line: number; origin?: string }[]> {
  const { uri, pos } = await at(file, needle, delta);
  const found = await vscode.commands.executeCommand<(vscode.Location | vscode.LocationLink)[]>('vscode.executeDefinitionProvider', uri, pos);
  const doc = await vscode.workspace.openTextDocument(uri);
  return (found ?? []).map((l) =>
    'targetUri' in l
      ? { file: l.targetUri.fsPath, line: l.targetRange.start.line + 1, ...(l.originSelectionRange ? { origin: doc.getText(l.originSelectionRange) } : {}) }
      : { file: l.uri.fsPath, line: l.range.start.line + 1 },
  );
}

async function hoverTextAt(file: string, needle: string, delta: number): Promise<string> {
  const { uri, pos } = await at(file, needle, delta);
  const hovers = (await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', uri, pos)) ?? [];
  return hovers.flatMap((h) => h.contents.map((c) => (typeof c === 'string' ? c : c.value))).join('\n---\n');
}

/** The labels Asset Studio offers at a position (other providers, e.g. words in the file, are left out). */
async function completionsAt(file: string, needle: string, delta: number): Promise<string[]> {
  const { uri, pos } = await at(file, needle, delta);
  const list = await vscode.commands.executeCommand<vscode.CompletionList>('vscode.executeCompletionItemProvider', uri, pos);
  return list.items
    .filter((i) => i.kind === vscode.CompletionItemKind.Reference && typeof i.detail === 'string' && i.detail.includes(' — '))
    .map((i) => (typeof i.label === 'string' ? i.label : i.label.label))
    .sort();
}

/** Asks again until `check` passes or `ms` ran out (columns are read in the background on the first hover). */
async function eventually<T>(ms: number, ask: () => Promise<T>, check: (value: T) => boolean): Promise<T> {
  const until = Date.now() + ms;
  for (;;) {
    const value = await ask();
    if (check(value) || Date.now() > until) return value;
    await sleep(250);
  }
}

suite('language features through VS Code commands', function () {
  let root: string;
  let api: AssetStudioTestApi;
  const file = (rel: string) => join(root, rel);
  const definitionOf = (key: string) => {
    const loc = api.graphs.findAsset(key)?.node.definition.location;
    assert.ok(loc, `${key} is in the graph`);
    return { file: loc.file, line: loc.line };
  };

  suiteSetup(async function () {
    this.timeout(120_000);
    const found = exampleRoot();
    if (!found) this.skip();
    root = found;
    api = await testApi();
    if (api.targets.currentName() !== 'dev') await api.targets.select('dev', true);
    for (const [rel, text] of Object.entries(ADDED)) {
      mkdirSync(dirname(file(rel)), { recursive: true });
      writeFileSync(file(rel), text);
    }
    // A new dbt project is read by a fresh discovery, as after Rediscover.
    await vscode.commands.executeCommand('assetStudio.refresh');
    const missing = await eventually(60_000, async () => ADDED_KEYS.filter((k) => !api.graphs.findAsset(k)), (m) => m.length === 0);
    assert.deepEqual(missing, [], 'the added assets are discovered');
  });

  suiteTeardown(async () => {
    if (!root) return;
    for (const rel of Object.keys(ADDED)) rmSync(file(rel), { force: true });
    rmSync(file('transform'), { recursive: true, force: true });
    rmSync(file('pipelines'), { recursive: true, force: true });
    await vscode.commands.executeCommand('assetStudio.refresh');
  });

  test('F12 on a relation in a SQL asset and on a key in depends: goes to the asset', async () => {
    assert.deepEqual(await definitionsAt(file('assets/analytics/daily_trips.sql'), 'from raw.taxi_trips', 9), [
      { ...definitionOf('raw/taxi_trips'), origin: 'raw.taxi_trips' },
    ]);
    assert.deepEqual(await definitionsAt(file('assets/raw/taxi_trips.sql'), 'depends: [raw.zones]', 14), [
      { ...definitionOf('raw/zones'), origin: 'raw.zones' },
    ]);
    // A keyword is no reference.
    assert.deepEqual(await definitionsAt(file('assets/analytics/daily_trips.sql'), 'group by all', 2), []);
  });

  test('F12 on ref() and source() in a dbt model and on ref() in its YAML', async () => {
    assert.deepEqual(await definitionsAt(file('transform/models/zone_names.sql'), "ref('stg_zones')", 6), [
      { ...definitionOf('stg_zones'), origin: "ref('stg_zones')" },
    ]);
    // The source is fed by the SQL asset raw.zones: F12 lands in its SQL file.
    assert.deepEqual(await definitionsAt(file('transform/models/stg_zones.sql'), "source('raw', 'zones')", 16), [
      { ...definitionOf('raw/zones'), origin: "source('raw', 'zones')" },
    ]);
    assert.deepEqual(await definitionsAt(file('transform/models/sources.yml'), "ref('stg_zones')", 6), [
      { ...definitionOf('stg_zones'), origin: "ref('stg_zones')" },
    ]);
  });

  test('F12 on a Dagster deps string, an AssetIn with an AssetKey, and a parameter that is a dependency', async () => {
    const py = file('pipelines/reports.py');
    const cases: [string, number, string][] = [
      ['deps=["raw/taxi_trips"]', 10, 'raw/taxi_trips'],
      ['dg.AssetKey(["raw", "zones"])', 22, 'raw/zones'],
      ['trip_report) ->', 3, 'trip_report'],
    ];
    for (const [needle, delta, key] of cases) {
      const defs = await definitionsAt(py, needle, delta);
      assert.deepEqual(
        defs.map(({ file: f, line }) => ({ file: f, line })),
        [definitionOf(key)],
        needle,
      );
    }
  });

  test('Shift+F12 on an asset lists where its dependents name it, in SQL, dbt and Dagster files', async () => {
    const { uri, pos } = await at(file('assets/raw/zones.sql'), 'name: raw.zones', 8);
    const refs = await vscode.commands.executeCommand<vscode.Location[]>('vscode.executeReferenceProvider', uri, pos);
    const sites = new Set(refs.map((r) => r.uri.fsPath.slice(root.length + 1)));
    for (const rel of ['assets/raw/taxi_trips.sql', 'assets/analytics/trips_by_borough.sql', 'transform/models/stg_zones.sql', 'pipelines/reports.py']) {
      assert.ok(sites.has(rel), `${rel} in ${[...sites].join(', ')}`);
    }
  });

  test('hover on a reference says what the asset is, its state, and links to run it', async () => {
    const sql = await hoverTextAt(file('assets/analytics/daily_trips.sql'), 'from raw.taxi_trips', 9);
    assert.match(sql, /\*\*`raw\/taxi_trips`\*\* — incremental · SQL asset/);
    assert.match(sql, /Yellow-cab trips/);
    assert.match(sql, /Defined in `assets\/raw\/taxi_trips\.sql:\d+`/);
    assert.match(sql, /command:assetStudio\.materialize/);
    const dbt = await hoverTextAt(file('transform/models/zone_names.sql'), "ref('stg_zones')", 6);
    assert.match(dbt, /\*\*`stg_zones`\*\* — .*dbt/);
    const dagster = await hoverTextAt(file('pipelines/reports.py'), 'trip_report) ->', 3);
    assert.match(dagster, /\*\*`trip_report`\*\* — .*Dagster asset/);
  });

  test('once materialized, the hover lists the columns with their types from the target', async function () {
    this.timeout(120_000);
    const run = await vscode.commands.executeCommand<FinishedRun | undefined>('assetStudio.materialize', 'raw/zones');
    assert.equal(run?.outcomes.find((o) => o.key === 'raw/zones')?.status, 'success', run?.outcomes[0]?.error);
    const hover = await eventually(
      10_000,
      () => hoverTextAt(file('assets/analytics/trips_by_borough.sql'), 'join raw.zones', 7),
      (text) => /\| `id` \| `INTEGER` \|/.test(text),
    );
    assert.match(hover, /\| column \| type \|/);
    assert.match(hover, /\| `id` \| `INTEGER` \|/);
    assert.match(hover, /\| `borough` \| `VARCHAR` \|/);
    assert.match(hover, /rows/);
    assert.match(hover, /command:assetStudio\.previewData/);
  });

  test('completion offers relations after from, dbt refs and sources, depends: keys and Dagster deps', async () => {
    const sqlNames = await completionsAt(file('assets/analytics/daily_trips.sql'), 'from raw.taxi_trips', 9);
    for (const name of ['raw.taxi_trips', 'raw.zones', 'analytics.trips_by_borough']) assert.ok(sqlNames.includes(name), `${name} in ${sqlNames.join(', ')}`);
    assert.ok(!sqlNames.includes('analytics.daily_trips'), 'an asset is not offered in its own file');
    assert.deepEqual(await completionsAt(file('transform/models/zone_names.sql'), "ref('stg_zones')", 5), ['stg_zones']);
    assert.deepEqual(await completionsAt(file('transform/models/stg_zones.sql'), "source('raw', 'zones')", 15), ['zones']);
    assert.ok((await completionsAt(file('transform/models/stg_zones.sql'), "source('raw'", 8)).includes('raw'));
    const depends = await completionsAt(file('assets/raw/taxi_trips.sql'), 'depends: [raw.zones]', 10);
    assert.ok(depends.includes('raw.zones') && depends.includes('analytics.daily_trips'), depends.join(', '));
    const deps = await completionsAt(file('pipelines/reports.py'), 'deps=["raw/taxi_trips"]', 7);
    assert.ok(deps.includes('raw/taxi_trips') && deps.includes('stg_zones'), deps.join(', '));
    const { uri, pos } = await at(file('assets/analytics/daily_trips.sql'), 'from raw.taxi_trips', 9);
    const list = await vscode.commands.executeCommand<vscode.CompletionList>('vscode.executeCompletionItemProvider', uri, pos);
    const zones = list.items.find((i) => (typeof i.label === 'string' ? i.label : i.label.label) === 'raw.zones');
    assert.match(String(zones?.detail), /^raw\/zones — table · sql$/);
    const documentation = zones?.documentation;
    assert.match(typeof documentation === 'string' ? documentation : (documentation?.value ?? ''), /Taxi zones/);
  });

  test('hover on an output column says where it comes from, through * over a built upstream', async function () {
    this.timeout(120_000);
    const list = file('assets/analytics/zone_list.sql');
    // Before raw.zone_file is built, its `*` over a file names no columns.
    assert.equal(await hoverTextAt(list, "where borough <> 'EWR'", 8), '');
    const run = await vscode.commands.executeCommand<FinishedRun | undefined>('assetStudio.materialize', 'raw/zone_file');
    assert.equal(run?.outcomes.find((o) => o.key === 'raw/zone_file')?.status, 'success', run?.outcomes[0]?.error);
    const hover = await eventually(10_000, () => hoverTextAt(list, "where borough <> 'EWR'", 8), (text) => text !== '');
    assert.match(hover, /\*\*`borough`\*\* — output column of `analytics\/zone_list`/);
    assert.match(hover, /a copy of `raw\/zone_file`\.`borough`/);
  });
});

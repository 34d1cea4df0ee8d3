import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { WorkspaceIndex, discoverWorkspace } from '../../src/core/discovery/workspaceIndex';
import { buildAssetGraph } from '../../src/core/graph/buildAssetGraph';
import type { AssetGraph } from '../../src/core/graph/assetGraph';

const fixtures = resolve(__dirname, '../fixtures');

function tempCopy(name: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'asset-studio-index-'));
  cpSync(join(fixtures, name), dir, { recursive: true });
  return dir;
}

/** Everything a user can see of a graph, for comparing two of them. */
function view(g: AssetGraph) {
  return {
    nodes: [...g.nodes.values()].map((n) => ({
      id: n.id,
      source: n.definition.source,
      at: `${n.definition.location.file}:${n.definition.location.line}`,
      hash: n.definition.definitionHash,
      checks: n.checks.map((c) => `${c.name}@${c.location.line}`).sort(),
    })),
    edges: g.edges.map((e) => `${e.from}->${e.to}${e.inferred ? '?' : ''}@${e.ref?.location?.line ?? ''}`),
    problems: g.problems.map((p) => `${p.file}:${p.line}:${p.column}:${p.code}`),
  };
}

async function sameAsReopened(index: WorkspaceIndex): Promise<void> {
  assert.deepEqual(view(index.graph), view((await WorkspaceIndex.open(index.root)).graph));
}

function sameAsFreshBuild(index: WorkspaceIndex): void {
  assert.deepEqual(view(index.graph), view(buildAssetGraph(index.root, index.discoveries())));
}

test('opens a workspace: SQL assets under the assets globs, keys from folders, external sources', async () => {
  const root = tempCopy('sql');
  try {
    const g = await discoverWorkspace(root, { python: null });
    const ids = [...g.nodes.keys()];
    assert.deepEqual(
      ids.filter((id) => g.nodes.get(id)!.definition.source === 'sql'),
      ['analytics/daily_trips', 'analytics/zone_revenue', 'raw/taxi_trips', 'raw/zones'],
    );
    // scripts/ is outside `assets: [assets/**/*.sql]`, so its header file is not an asset.
    assert.ok(!g.nodes.has('helper_asset'));
    assert.equal(g.nodes.get('staging/active_zones')!.definition.source, 'external');
    assert.deepEqual(g.upstreamOf('analytics/zone_revenue'), ['analytics/daily_trips', 'raw/taxi_trips', 'raw/zones', 'staging/active_zones']);
    assert.ok(g.edges.some((e) => e.from === 'raw/zones' && e.to === 'analytics/zone_revenue' && e.inferred));
    assert.deepEqual(g.problems, []);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test('without a project file every *.sql with a header is an asset, keyed by its stem', async () => {
  const root = tempCopy('sql');
  try {
    rmSync(join(root, 'asset-studio.yml'));
    const g = await discoverWorkspace(root, { python: null });
    assert.ok(g.nodes.has('helper_asset'));
    assert.ok(g.nodes.has('taxi_trips'));
    assert.ok(g.nodes.has('raw/zones')); // named in its header
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test('a body edit is patched in place and matches a fresh build', async () => {
  const root = tempCopy('sql');
  try {
    const index = await WorkspaceIndex.open(root, { python: null });
    const file = join(root, 'assets/analytics/daily_trips.sql');
    const before = index.graph.nodes.get('analytics/daily_trips')!;
    // Two lines more in the header: every check and dependency below moves by two lines.
    const text = `/* @asset
name: analytics.daily_trips
kind: incremental
description: Trips per day, now with a longer description
  that spans two lines.
unique_key: pickup_date
watermark: pickup_date
checks:
  - not_null: pickup_date
  - unique: pickup_date
  - row_count: { min: 1 }
*/

with trips as (
  select pickup_at::date as pickup_date, payment_type, zone_id
  from raw.taxi_trips
)
select pickup_date, payment_type, zone_id, count(*) as trips
from trips
group by all
`;
    writeFileSync(file, text);
    const g = await index.updateFiles([file], []);
    const after = g.nodes.get('analytics/daily_trips')!;
    assert.notEqual(after.definition.definitionHash, before.definition.definitionHash);
    assert.deepEqual(after.checks.map((c) => c.name), ['not_null_pickup_date', 'unique_pickup_date', 'row_count']);
    assert.equal(g.edges.find((e) => e.to === 'analytics/daily_trips')!.ref!.location!.line, 16);
    sameAsFreshBuild(index);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test('new, changed, broken and deleted files update the graph like a fresh build', async () => {
  const root = tempCopy('sql');
  try {
    const index = await WorkspaceIndex.open(root, { python: null });
    const added = join(root, 'assets/analytics/weekly.sql');
    writeFileSync(added, '/* @asset */\nselect * from analytics.daily_trips\n');
    let g = await index.updateFiles([added], []);
    assert.deepEqual(g.upstreamOf('analytics/weekly'), ['analytics/daily_trips']);
    sameAsFreshBuild(index);

    writeFileSync(added, '/* @asset */\nselect * from analytics.daily_trips join raw.zones using (id)\n');
    g = await index.updateFiles([added], []);
    assert.deepEqual(g.upstreamOf('analytics/weekly'), ['analytics/daily_trips', 'raw/zones']);
    sameAsFreshBuild(index);

    writeFileSync(added, '/* @asset */\nselect * from analytics.daily_trips where\n');
    g = await index.updateFiles([added], []);
    assert.ok(g.problems.some((p) => p.file === added && p.code === 'sql.syntax' && p.line === 3));
    sameAsFreshBuild(index);

    rmSync(join(root, 'assets/raw/zones.sql'));
    g = await index.updateFiles([], [join(root, 'assets/raw/zones.sql')]);
    assert.equal(g.nodes.get('raw/zones'), undefined);
    assert.equal(g.nodes.get('zones')!.definition.source, 'external');
    sameAsFreshBuild(index);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test('a missing dependency moves with its line when the file is edited', async () => {
  const root = mkdtempSync(join(tmpdir(), 'asset-studio-index-'));
  try {
    const file = join(root, 'a.sql');
    writeFileSync(file, '/* @asset\ndepends: [ghost]\n*/\nselect 1\n');
    const index = await WorkspaceIndex.open(root, { python: null });
    assert.deepEqual(index.graph.problems.map((p) => `${p.line}:${p.code}`), ['2:graph.missing-dependency']);
    writeFileSync(file, '/* @asset\ndescription: moved down\ndepends: [ghost]\n*/\nselect 1\n');
    const g = await index.updateFiles([file], []);
    assert.deepEqual(g.problems.map((p) => `${p.line}:${p.code}`), ['3:graph.missing-dependency']);
    sameAsFreshBuild(index);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test('a change of the project file reloads everything; excludes apply', async () => {
  const root = tempCopy('sql');
  try {
    const index = await WorkspaceIndex.open(root, { python: null });
    assert.ok(index.graph.nodes.has('raw/zones'));
    writeFileSync(join(root, 'asset-studio.yml'), 'exclude: [assets/raw/**]\n');
    const g = await index.updateFiles([join(root, 'asset-studio.yml')], []);
    // Now read by the SQL but defined nowhere: an external source.
    assert.equal(g.nodes.get('raw/taxi_trips')!.definition.source, 'external');
    assert.ok(!g.nodes.has('raw/zones'));
    assert.equal(g.nodes.get('helper_asset')!.definition.source, 'sql');
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test('binary, huge and non-UTF-8 files are skipped with a problem; node_modules is never read', async () => {
  const root = mkdtempSync(join(tmpdir(), 'asset-studio-index-'));
  try {
    writeFileSync(join(root, 'bin.sql'), Buffer.from([47, 42, 32, 64, 0, 1, 2, 3]));
    writeFileSync(join(root, 'latin1.sql'), Buffer.from('/* @asset\ndescription: caf\xe9\n*/\nselect 1\n', 'latin1'));
    writeFileSync(join(root, 'huge.sql'), '/* @asset */\nselect 1\n' + '-- padding\n'.repeat(110_000));
    mkdirSync(join(root, 'node_modules', 'pkg'), { recursive: true });
    writeFileSync(join(root, 'node_modules', 'pkg', 'x.sql'), '/* @asset */\nselect from\n');
    writeFileSync(join(root, 'ok.sql'), '/* @asset */\nselect 1\n');
    const g = await discoverWorkspace(root, { python: null });
    assert.deepEqual(
      g.problems.map((p) => `${p.file.slice(root.length + 1)}:${p.line}:${p.code}`),
      ['bin.sql:1:discovery.binary-file', 'huge.sql:1:discovery.file-too-large', 'latin1.sql:1:discovery.not-utf8'],
    );
    assert.deepEqual([...g.nodes.keys()], ['ok']);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test('a bad project file is a problem at its line and discovery goes on', async () => {
  const root = tempCopy('sql');
  try {
    writeFileSync(join(root, 'asset-studio.yml'), 'assets: [assets/**/*.sql]\ntargets:\n  dev:\n    type: duckdb\n    pth: x.duckdb\nsurprise: 1\n');
    const index = await WorkspaceIndex.open(root, { python: null });
    assert.deepEqual(
      index.graph.problems.map((p) => `${p.file.slice(root.length + 1)}:${p.line}:${p.code}`),
      ['asset-studio.yml:5:project.unknown-key', 'asset-studio.yml:6:project.unknown-key'],
    );
    assert.ok(index.graph.nodes.has('raw/taxi_trips'));
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

/** The Dagster, dbt and SQL fixtures side by side in one workspace folder. */
function mixedWorkspace(): string {
  const root = mkdtempSync(join(tmpdir(), 'asset-studio-index-'));
  cpSync(join(fixtures, 'dagster/taxi'), join(root, 'taxi'), { recursive: true });
  cpSync(join(fixtures, 'dbt/nyc_taxi_dbt'), join(root, 'nyc_taxi_dbt'), { recursive: true });
  cpSync(join(fixtures, 'sql/assets'), join(root, 'sql_assets'), { recursive: true });
  return root;
}

test('Dagster, dbt and SQL in one workspace: dbt sources fed by Dagster assets, @dbt_assets over the models', async () => {
  const root = mixedWorkspace();
  try {
    const index = await WorkspaceIndex.open(root);
    const g = index.graph;
    const sources = new Set([...g.nodes.values()].map((n) => n.definition.source));
    assert.deepEqual([...sources].sort(), ['dagster', 'dbt', 'external', 'sql']);
    // The dbt source raw.taxi_trips is the Dagster asset raw/taxi_trips: one node, no duplicate.
    assert.equal(g.nodes.get('raw/taxi_trips')!.definition.source, 'dagster');
    assert.ok(!g.problems.some((p) => p.code === 'graph.duplicate-key' && p.file.endsWith('_sources.yml')));
    assert.ok(g.upstreamOf('stg_trips').includes('raw/taxi_trips'));
    // @dbt_assets is the op that runs every dbt model, not a node.
    assert.equal([...g.nodes.values()].find((n) => n.definition.dagster?.dbtAssets), undefined);
    assert.deepEqual(g.dbtOps.map((o) => o.name), ['taxi_dbt_models']);
    assert.ok(g.dbtOps[0]!.models.includes('stg_trips'));
    assert.ok(g.dbtOps[0]!.models.includes('daily_trips'));
    // A dbt model edit re-reads that project and the graph equals a fresh build.
    const model = join(root, 'nyc_taxi_dbt/models/staging/stg_zones.sql');
    writeFileSync(model, "select * from {{ source('raw', 'taxi_zones') }} -- edited\n");
    await index.updateFiles([model], []);
    sameAsFreshBuild(index);
    // A Python edit that moves every line but keeps the definitions is patched in, as a reopen sees it.
    const py = join(root, 'taxi/taxi/ingest.py');
    writeFileSync(py, '# a comment on top\n\n' + readFileSync(py, 'utf8'));
    const moved = await index.updateFiles([py], []);
    assert.equal(moved.nodes.get('raw/taxi_trips')!.definition.location.line, 9);
    await sameAsReopened(index);
    // A Python edit that adds an asset re-resolves the workspace.
    writeFileSync(py, readFileSync(py, 'utf8') + '\n\n@asset\ndef added_later(daily_trips):\n    return daily_trips\n');
    const after = await index.updateFiles([py], []);
    assert.deepEqual(after.upstreamOf('added_later'), ['daily_trips']);
    await sameAsReopened(index);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test('one update saving a SQL file, a dbt model and a Python file that each keep their structure patches all three, as a reopen sees them', async () => {
  const root = mixedWorkspace();
  try {
    const index = await WorkspaceIndex.open(root);
    const before = index.graph;
    const sql = join(root, 'sql_assets/analytics/daily_trips.sql');
    const model = join(root, 'nyc_taxi_dbt/models/staging/stg_zones.sql');
    const py = join(root, 'taxi/taxi/aliases.py');
    for (const file of [sql, model, py]) writeFileSync(file, (file.endsWith('.py') ? '# moved\n\n' : '-- moved\n\n') + readFileSync(file, 'utf8'));
    const g = await index.updateFiles([sql, model, py], []);
    // A patched graph keeps the nodes of the files not saved; a new build makes every node again.
    const untouched = [...before.nodes.values()].find((n) => ![sql, model, py].includes(n.definition.location.file) && n.definition.source !== 'external')!;
    assert.equal(g.nodes.get(untouched.id), untouched, 'patched, not built anew');
    for (const id of ['bare_alias', 'analytics/daily_trips']) {
      assert.equal(g.nodes.get(id)!.definition.location.line, before.nodes.get(id)!.definition.location.line + 2, `${id} moved down`);
    }
    assert.notEqual(g.nodes.get('stg_zones')!.definition.definitionHash, before.nodes.get('stg_zones')!.definition.definitionHash);
    await sameAsReopened(index);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test('updates inside an excluded folder are ignored, as the walk ignores them; overlapping updates apply in order', async () => {
  const root = tempCopy('sql');
  try {
    writeFileSync(join(root, 'asset-studio.yml'), 'exclude: [scratch]\n');
    mkdirSync(join(root, 'scratch'));
    const scratch = join(root, 'scratch', 'wip.sql');
    writeFileSync(scratch, '/* @asset */\nselect from\n');
    const index = await WorkspaceIndex.open(root, { python: null });
    assert.ok(!index.graph.nodes.has('wip'));
    const g = await index.updateFiles([scratch], []);
    assert.ok(!g.nodes.has('wip'));
    assert.deepEqual(g.problems, []);

    const file = join(root, 'assets/raw/zones.sql');
    writeFileSync(file, '/* @asset\nname: raw.zones\n*/\nselect 1 as id\n');
    const first = index.updateFiles([file], []);
    writeFileSync(join(root, 'assets/raw/extra.sql'), '/* @asset */\nselect * from raw.zones\n');
    const second = index.updateFiles([join(root, 'assets/raw/extra.sql')], []);
    await Promise.all([first, second]);
    assert.deepEqual(index.graph.upstreamOf('extra'), ['raw/zones']);
    sameAsFreshBuild(index);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test('many saves of two files in turn are patched over shared maps and still match a fresh build', async () => {
  const root = tempCopy('sql');
  try {
    const index = await WorkspaceIndex.open(root, { python: null });
    const files = [join(root, 'assets/analytics/daily_trips.sql'), join(root, 'assets/raw/zones.sql')];
    const texts = files.map((f) => readFileSync(f, 'utf8'));
    for (let i = 0; i < 12; i++) {
      const k = i % 2;
      // A blank line more at the top of the body each time: the file's lines move down.
      writeFileSync(files[k]!, texts[k]!.replace('*/\n', `*/\n${'\n'.repeat(i + 1)}`));
      await index.updateFiles([files[k]!], []);
      sameAsFreshBuild(index);
      const fresh = buildAssetGraph(index.root, index.discoveries());
      for (const f of files) {
        assert.deepEqual(
          index.graph.assetsIn(f).map((n) => `${n.id}@${n.definition.location.line}`),
          fresh.assetsIn(f).map((n) => `${n.id}@${n.definition.location.line}`),
        );
      }
    }
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test('a check saved in another file than its asset moves in that asset\'s by-file view too', async () => {
  const root = mkdtempSync(join(tmpdir(), 'asset-studio-index-'));
  try {
    const assets = join(root, 'assets.py');
    const checks = join(root, 'checks.py');
    writeFileSync(assets, 'import dagster as dg\n\n\n@dg.asset\ndef orders():\n    return 1\n');
    const checkText = 'import dagster as dg\n\n\n@dg.asset_check(asset="orders")\ndef orders_not_empty():\n    return dg.AssetCheckResult(passed=True)\n';
    writeFileSync(checks, checkText);
    const index = await WorkspaceIndex.open(root, { workers: false });
    const lineIn = (g: AssetGraph) => g.assetsIn(assets)[0]?.checks.map((c) => c.location.line);
    assert.deepEqual(lineIn(index.graph), [4]);
    writeFileSync(checks, `# moved down\n${checkText}`);
    const g = await index.updateFiles([checks], []);
    assert.deepEqual(g.nodes.get('orders')!.checks.map((c) => c.location.line), [5]);
    assert.deepEqual(lineIn(g), [5]);
    sameAsFreshBuild(index);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test('symbolic links: followed while they stay inside the project, read once, loops walked once, links leaving it reported at the link', async () => {
  const root = mkdtempSync(join(tmpdir(), 'asset-studio-links-'));
  const outside = mkdtempSync(join(tmpdir(), 'asset-studio-outside-'));
  try {
    mkdirSync(join(root, 'assets'));
    writeFileSync(join(root, 'real_trips.sql'), '/* @asset\nname: raw.trips\n*/\nselect 1 as id\n');
    // A folder the walk never enters by itself (node_modules is excluded), reached through a link.
    mkdirSync(join(root, 'node_modules', 'lib'), { recursive: true });
    writeFileSync(join(root, 'node_modules', 'lib', 'events.sql'), '/* @asset\nname: raw.events\n*/\nselect 1 as id\n');
    writeFileSync(join(outside, 'secret.sql'), '/* @asset\nname: raw.outside\n*/\nselect 1 as id\n');
    mkdirSync(join(outside, 'more'));
    writeFileSync(join(outside, 'more', 'x.sql'), '/* @asset\nname: raw.x\n*/\nselect 1 as id\n');
    symlinkSync(join(root, 'real_trips.sql'), join(root, 'assets', 'trips.sql')); // a file also walked by its own path
    symlinkSync(join(root, 'node_modules', 'lib'), join(root, 'assets', 'lib'));
    symlinkSync('..', join(root, 'assets', 'loop')); // back to the root
    symlinkSync(join(outside, 'secret.sql'), join(root, 'assets', 'secret.sql'));
    symlinkSync(join(outside, 'more'), join(root, 'more'));
    const graph = await discoverWorkspace(root, { python: null, workers: false });
    assert.deepEqual([...graph.nodes.keys()].sort(), ['raw/events', 'raw/trips']);
    assert.equal(graph.nodes.get('raw/events')!.definition.location.file, join(root, 'assets', 'lib', 'events.sql'), 'located at the path the user sees');
    assert.deepEqual(graph.problems.filter((p) => p.code !== 'discovery.link-outside'), [], 'nothing read twice: no duplicate key');
    const outsideLinks = graph.problems.filter((p) => p.code === 'discovery.link-outside').map((p) => `${p.file.slice(root.length + 1)}:${p.line}:${p.severity}`).sort();
    assert.deepEqual(outsideLinks, ['assets/secret.sql:1:warning', 'more:1:warning']);
  } finally {
    rmSync(root, { recursive: true, force: true });
    rmSync(outside, { recursive: true, force: true });
  }
});

test('a dbt_project.yml created or deleted hands its folder to the dbt project or back to the SQL and Python sources, as a reopen sees it', async () => {
  const root = mkdtempSync(join(tmpdir(), 'asset-studio-index-'));
  try {
    cpSync(join(fixtures, 'dbt/nyc_taxi_dbt'), join(root, 'shop'), { recursive: true });
    const projectFile = join(root, 'shop/dbt_project.yml');
    const text = readFileSync(projectFile, 'utf8');
    rmSync(projectFile);
    // A plain SQL asset in the folder that becomes a dbt project.
    writeFileSync(join(root, 'shop/models/plain.sql'), '/* @asset\nname: plain\n*/\nselect 1 as id\n');
    const index = await WorkspaceIndex.open(root);
    assert.equal(index.graph.nodes.get('plain')?.definition.source, 'sql');
    writeFileSync(projectFile, text);
    await index.updateFiles([projectFile], []);
    assert.equal(index.graph.nodes.get('plain')?.definition.source, 'dbt');
    await sameAsReopened(index);
    rmSync(projectFile);
    await index.updateFiles([], [projectFile]);
    assert.ok(!index.graph.problems.some((p) => p.code.startsWith('dbt.')), JSON.stringify(index.graph.problems));
    assert.equal(index.graph.nodes.get('plain')?.definition.source, 'sql');
    await sameAsReopened(index);
    // `dbt deps` writes packages, each with its dbt_project.yml, into the excluded dbt_packages/: nothing is read again.
    const graph = index.graph;
    const pkg = join(root, 'dbt_packages/dbt_utils/dbt_project.yml');
    mkdirSync(join(root, 'dbt_packages/dbt_utils'), { recursive: true });
    writeFileSync(pkg, 'name: dbt_utils\n');
    assert.equal(await index.updateFiles([pkg], []), graph);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { appendFileSync, cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { WorkspaceIndex } from '../../src/core/discovery/workspaceIndex';
import type { AssetGraph } from '../../src/core/graph/assetGraph';

const fixture = resolve(__dirname, '../fixtures/dbt/nyc_taxi_dbt');

function project(): { root: string; dbt: string } {
  const root = mkdtempSync(join(tmpdir(), 'asset-studio-dbt-index-'));
  const dbt = join(root, 'transform');
  cpSync(fixture, dbt, { recursive: true });
  return { root, dbt };
}

function view(g: AssetGraph) {
  return {
    nodes: [...g.nodes.values()].map((n) => ({
      id: n.id,
      at: `${n.definition.location.file}:${n.definition.location.line}`,
      hash: n.definition.definitionHash,
      description: n.definition.description ?? null,
      kind: n.definition.kind ?? null,
      checks: n.checks.map((c) => `${c.name}@${c.location.line}`).sort(),
    })),
    edges: g.edges.map((e) => `${e.from}->${e.to}@${e.ref?.location?.line ?? ''}`),
    problems: g.problems.map((p) => `${p.file}:${p.line}:${p.column}:${p.code}`),
  };
}

async function sameAsReopened(index: WorkspaceIndex): Promise<void> {
  const fresh = await WorkspaceIndex.open(index.root, { python: null });
  assert.deepEqual(view(index.graph), view(fresh.graph));
  assert.deepEqual(index.discoveries(), fresh.discoveries());
}

test('a saved dbt model re-reads that file only, and the graph matches a fresh open', async () => {
  const { root, dbt } = project();
  try {
    const index = await WorkspaceIndex.open(root, { python: null });
    const model = join(dbt, 'models', 'marts', 'daily_trips.sql');
    const other = join(dbt, 'models', 'marts', 'trips_by_zone.sql');
    const otherText = readFileSync(other, 'utf8');
    // Changed on disk but not reported: a re-read of the whole project would see it.
    writeFileSync(other, `-- moved down\n${otherText}`);
    writeFileSync(model, `-- a comment line\n\n${readFileSync(model, 'utf8')}`);
    const g = await index.updateFiles([model], []);
    const edge = g.edges.find((e) => e.ref?.location?.file === model);
    assert.equal(edge?.ref?.location?.line, 7, 'the saved model moved down two lines');
    const otherEdges = g.edges.filter((e) => e.ref?.location?.file === other);
    assert.ok(otherEdges.length > 0);
    const before = view((await WorkspaceIndex.open(root, { python: null })).graph);
    assert.notDeepEqual(view(g), before, 'the unreported file was not read again');
    // Once reported, it is.
    await index.updateFiles([other], []);
    await sameAsReopened(index);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test('a saved model that changes its refs, a saved YAML file, a new model and dbt_project.yml match a fresh open', async () => {
  const { root, dbt } = project();
  try {
    const index = await WorkspaceIndex.open(root, { python: null });
    const model = join(dbt, 'models', 'marts', 'daily_trips.sql');
    writeFileSync(model, `select * from {{ ref('stg_zones') }}\n`);
    await index.updateFiles([model], []);
    await sameAsReopened(index);

    const yml = join(dbt, 'models', 'marts', 'schema.yml');
    writeFileSync(yml, readFileSync(yml, 'utf8').replace('Trips and revenue per pickup zone.', 'Edited description.'));
    const g = await index.updateFiles([yml], []);
    assert.ok([...g.nodes.values()].some((n) => n.definition.description === 'Edited description.'));
    await sameAsReopened(index);

    const added = join(dbt, 'models', 'marts', 'weekly_trips.sql');
    writeFileSync(added, `select 1 from {{ ref('daily_trips') }}\n`);
    await index.updateFiles([added], []);
    await sameAsReopened(index);

    rmSync(added);
    await index.updateFiles([], [added]);
    await sameAsReopened(index);

    appendFileSync(join(dbt, 'dbt_project.yml'), '\nmodels:\n  nyc_taxi:\n    marts:\n      +materialized: table\n');
    await index.updateFiles([join(dbt, 'dbt_project.yml')], []);
    await sameAsReopened(index);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test('a saved properties YAML file patches the graph when keys and sources hold, else builds it anew; both match a fresh open', async () => {
  const { root, dbt } = project();
  try {
    const index = await WorkspaceIndex.open(root, { python: null });
    const yml = join(dbt, 'models', 'marts', 'schema.yml');
    const text = readFileSync(yml, 'utf8');
    const save = async (next: string) => {
      writeFileSync(yml, next);
      const before = index.graph;
      const after = await index.updateFiles([yml], []);
      await sameAsReopened(index);
      // A patched graph keeps the nodes it did not change; a new build makes every node again.
      return { patched: after.nodes.get('stg_zones') === before.nodes.get('stg_zones'), g: after };
    };

    // Lines move (every test below moves down), a description and a materialization change.
    let r = await save(
      `# two lines\n# more\n${text}`
        .replace('Trips and revenue per pickup zone.', 'Per zone.')
        .replace('  - name: daily_trips\n', '  - name: daily_trips\n    config:\n      materialized: table\n'),
    );
    assert.ok(r.patched, 'descriptions, materializations and moved tests patch the graph');
    assert.equal(r.g.nodes.get('trips_by_zone')!.definition.description, 'Per zone.');
    assert.equal(r.g.nodes.get('daily_trips')!.definition.kind, 'table');
    assert.deepEqual(r.g.nodes.get('daily_trips')!.checks.map((c) => c.location.line).sort((a, b) => a - b), [18, 23]);

    // A description taken out again is gone (the file's earlier patches do not linger).
    r = await save(text.replace('  - name: daily_trips\n', '  - name: daily_trips\n    description: Soon gone.\n'));
    assert.equal(r.g.nodes.get('daily_trips')!.definition.description, 'Soon gone.');
    r = await save(text);
    assert.ok(r.patched);
    assert.equal(r.g.nodes.get('daily_trips')!.definition.description, undefined);

    // Two files patch one model: the later file's description wins, also when the earlier one is saved.
    const more = join(dbt, 'models', 'marts', 'zz_more.yml');
    writeFileSync(more, 'version: 2\nmodels:\n  - name: daily_trips\n    description: From zz.\n');
    await index.updateFiles([more], []);
    r = await save(text.replace('  - name: daily_trips\n', '  - name: daily_trips\n    description: From schema.\n'));
    assert.ok(r.patched);
    assert.equal(r.g.nodes.get('daily_trips')!.definition.description, 'From zz.');
    r = await save(text);
    assert.ok(r.patched);
    rmSync(more);
    await index.updateFiles([], [more]);
    await sameAsReopened(index);

    // A key given by meta.dagster.asset_key reaches every ref of the model: built anew.
    r = await save(text.replace('  - name: daily_trips\n', '  - name: daily_trips\n    meta:\n      dagster:\n        asset_key: ["marts", "daily"]\n'));
    assert.ok(!r.patched);
    assert.ok(r.g.nodes.has('marts/daily'));

    // Back to the original text (the key changes back), then a disabled model: built anew.
    r = await save(text);
    assert.ok(!r.patched);
    r = await save(text.replace('  - name: trips_by_zone\n', '  - name: trips_by_zone\n    config:\n      enabled: false\n'));
    assert.ok(!r.patched);
    assert.ok(!r.g.nodes.has('trips_by_zone'));

    // A file with sources: built anew (a source folds into the asset feeding it, elsewhere).
    const sources = join(dbt, 'models', 'staging', '_sources.yml');
    writeFileSync(sources, `# moved\n${readFileSync(sources, 'utf8')}`);
    await index.updateFiles([sources], []);
    await sameAsReopened(index);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

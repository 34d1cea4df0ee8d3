import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { discoverWorkspace } from '../../src/core/discovery/workspaceIndex';
import type { AssetGraph } from '../../src/core/graph/assetGraph';
import { assetReferenceAt, assetReferencesTo } from '../../src/core/language/assetReferences';
import type { TextPosition, TextRange } from '../../src/core/language/assetReferences';

const fixtures = resolve(__dirname, '../fixtures');
const graphs = new Map<string, Promise<AssetGraph>>();

/** Real discovery (DuckDB's parser for SQL, tree-sitter's Python grammar), once per fixture folder. */
function graphOf(folder: string): Promise<AssetGraph> {
  let g = graphs.get(folder);
  if (!g) graphs.set(folder, (g = discoverWorkspace(join(fixtures, folder))));
  return g;
}

/** The position `delta` characters into the `nth` occurrence of `needle`. */
function positionOf(text: string, needle: string, delta = 0, nth = 1): TextPosition {
  let at = -1;
  for (let i = 0; i < nth; i++) {
    at = text.indexOf(needle, at + 1);
    assert.ok(at >= 0, `'${needle}' (occurrence ${nth}) is in the fixture`);
  }
  const offset = at + delta;
  const before = text.slice(0, offset);
  const line = before.split('\n').length;
  return { line, column: offset - before.lastIndexOf('\n') };
}

/** The text a range covers. */
function textIn(text: string, r: TextRange): string {
  const lines = text.split('\n');
  if (r.line === r.endLine) return lines[r.line - 1]!.slice(r.column - 1, r.endColumn - 1);
  return [lines[r.line - 1]!.slice(r.column - 1), ...lines.slice(r.line, r.endLine - 1), lines[r.endLine - 1]!.slice(0, r.endColumn - 1)].join('\n');
}

function fileText(file: string): string {
  return readFileSync(file, 'utf8');
}

test('SQL asset: a relation read by the SQL names the asset that defines it, with the exact span of the name', async () => {
  const g = await graphOf('sql');
  const file = join(fixtures, 'sql/assets/analytics/zone_revenue.sql');
  const text = fileText(file);
  const ref = assetReferenceAt(g, file, text, positionOf(text, 'raw.taxi_trips t', 5));
  assert.ok(ref, 'a reference under the cursor');
  assert.equal(ref.target.id, 'raw/taxi_trips');
  assert.equal(ref.owner?.id, 'analytics/zone_revenue');
  assert.equal(ref.origin, 'sql-table');
  assert.equal(textIn(text, ref.range), 'raw.taxi_trips');
  assert.equal(ref.target.definition.location.file, join(fixtures, 'sql/assets/raw/taxi_trips.sql'));
  // The last part alone (`zones`) reaches raw.zones as the graph inferred it.
  const zones = assetReferenceAt(g, file, text, positionOf(text, 'join zones', 6));
  assert.equal(zones?.target.id, 'raw/zones');
  assert.equal(textIn(text, zones!.range), 'zones');
  // A keyword or an alias is no reference.
  assert.equal(assetReferenceAt(g, file, text, positionOf(text, 'union all', 2)), undefined);
  assert.equal(assetReferenceAt(g, file, text, positionOf(text, 'z.name', 0)), undefined);
});

test('SQL header: a key in depends: names its asset', async () => {
  const g = await graphOf('sql');
  const file = join(fixtures, 'sql/assets/analytics/zone_revenue.sql');
  const text = fileText(file);
  const ref = assetReferenceAt(g, file, text, positionOf(text, 'analytics.daily_trips', 12));
  assert.equal(ref?.target.id, 'analytics/daily_trips');
  assert.equal(ref?.origin, 'header');
  assert.equal(textIn(text, ref!.range), 'analytics.daily_trips');
});

test('SQL table function: read_csv(...) names its external source node', async () => {
  const g = await graphOf('sql');
  const file = join(fixtures, 'sql/assets/raw/zones.sql');
  const text = fileText(file);
  const ref = assetReferenceAt(g, file, text, positionOf(text, 'read_csv', 3));
  assert.equal(ref?.target.definition.source, 'external');
  assert.equal(ref?.target.id, "read_csv('data/taxi_zones.csv')");
  assert.equal(textIn(text, ref!.range), "read_csv('data/taxi_zones.csv')");
});

test('SQL typed since the save: a second mention of a table the asset reads still names it, lines moved and all', async () => {
  const g = await graphOf('sql');
  const file = join(fixtures, 'sql/assets/analytics/zone_revenue.sql');
  const edited = fileText(file).replace('union all', 'union all\nselect 1 from "raw".taxi_trips\nunion all');
  const ref = assetReferenceAt(g, file, edited, positionOf(edited, '"raw".taxi_trips', 9));
  assert.equal(ref?.target.id, 'raw/taxi_trips');
  assert.equal(textIn(edited, ref!.range), '"raw".taxi_trips');
  // A table the asset does not read is not guessed at.
  const other = edited.replace('"raw".taxi_trips', 'raw.elsewhere');
  assert.equal(assetReferenceAt(g, file, other, positionOf(other, 'raw.elsewhere', 5)), undefined);
});

test('dbt model: ref() and source() name the model and the source table', async () => {
  const g = await graphOf('dbt/nyc_taxi_dbt');
  const daily = join(fixtures, 'dbt/nyc_taxi_dbt/models/marts/daily_trips.sql');
  const dailyText = fileText(daily);
  const ref = assetReferenceAt(g, daily, dailyText, positionOf(dailyText, "'stg_trips'", 3));
  assert.equal(ref?.target.id, 'stg_trips');
  assert.equal(ref?.origin, 'dbt-ref');
  assert.equal(ref?.target.definition.location.file, join(fixtures, 'dbt/nyc_taxi_dbt/models/staging/stg_trips.sql'));
  // The ref inside a Jinja comment is not one.
  assert.equal(assetReferenceAt(g, daily, dailyText, positionOf(dailyText, 'not_a_dependency', 2)), undefined);
  const stg = join(fixtures, 'dbt/nyc_taxi_dbt/models/staging/stg_trips.sql');
  const stgText = fileText(stg);
  const source = assetReferenceAt(g, stg, stgText, positionOf(stgText, "'taxi_trips'", 2));
  assert.equal(source?.origin, 'dbt-source');
  assert.equal(source?.target.id, 'raw/taxi_trips');
  assert.equal(textIn(stgText, source!.range), "source('raw', 'taxi_trips')");
});

test('dbt YAML: ref() as a test argument names the model', async () => {
  const g = await graphOf('dbt/nyc_taxi_dbt');
  const file = join(fixtures, 'dbt/nyc_taxi_dbt/models/staging/schema.yml');
  const text = fileText(file);
  const ref = assetReferenceAt(g, file, text, positionOf(text, "ref('stg_zones')", 6));
  assert.equal(ref?.target.id, 'stg_zones');
  assert.equal(ref?.origin, 'yaml-ref');
  assert.equal(textIn(text, ref!.range), "ref('stg_zones')");
  assert.equal(assetReferenceAt(g, file, text, positionOf(text, 'field: zone_id', 9)), undefined);
});

test('Dagster: deps, AssetDep, ins/AssetIn and parameters name their assets', async () => {
  const g = await graphOf('dagster/taxi');
  const file = join(fixtures, 'dagster/taxi/taxi/lineage.py');
  const text = fileText(file);
  const cases: [string, number, string, string][] = [
    ['dg.AssetDep("raw/weather")', 14, 'raw/weather', 'deps'],
    ['holidays, "taxi_zones"', 2, 'raw/holidays', 'deps'],
    ['"taxi_zones"]', 3, 'raw/taxi_zones', 'deps'],
    ['dg.AssetIn(key="raw/taxi_trips")', 20, 'raw/taxi_trips', 'ins'],
    ['daily_trips) ->', 3, 'daily_trips', 'parameter'],
  ];
  for (const [needle, delta, id, origin] of cases) {
    const ref = assetReferenceAt(g, file, text, positionOf(text, needle, delta));
    assert.equal(ref?.target.id, id, needle);
    assert.equal(ref?.origin, origin, needle);
  }
  assert.equal(textIn(text, assetReferenceAt(g, file, text, positionOf(text, 'daily_trips) ->', 3))!.range), 'daily_trips');
  // The asset's own key and the decorator's other arguments are not references.
  assert.equal(assetReferenceAt(g, file, text, positionOf(text, 'group_name="analytics"', 3)), undefined);
});

test('references to an asset are its dependents\' reference sites', async () => {
  const g = await graphOf('sql');
  const refs = assetReferencesTo(g, 'raw/taxi_trips', fileText);
  const sites = refs.map((r) => `${r.owner?.id}:${r.range.line}:${textIn(fileText(r.file), r.range)}`).sort();
  assert.deepEqual(
    sites,
    [...g.downstreamOf('raw/taxi_trips')].map((id) => {
      const file = g.nodes.get(id)!.definition.location.file;
      const text = fileText(file);
      return `${id}:${positionOf(text, 'from raw.taxi_trips', 5).line}:raw.taxi_trips`;
    }).sort(),
  );
  assert.equal(refs.length, 2);
  const dbt = await graphOf('dbt/nyc_taxi_dbt');
  const stg = assetReferencesTo(dbt, 'stg_zones').map((r) => `${r.owner?.id}:${r.origin}`).sort();
  assert.deepEqual(stg, ['trips_by_zone:dbt-ref', 'zones_snapshot:dbt-ref']);
  assert.deepEqual(assetReferencesTo(dbt, 'no/such/asset'), []);
});

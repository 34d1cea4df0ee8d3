// Dagster discovery on fixtures written in the styles of the Dagster docs,
// read with the real tree-sitter Python grammar.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { AssetDefinition, FileDiscovery } from '../../src/core/asset';
import { loadPythonParser } from '../../src/core/discovery/python/pythonParser';
import type { PythonParser } from '../../src/core/discovery/python/pythonParser';
import { readPythonFile } from '../../src/core/discovery/python/readPythonFile';
import type { PythonFileDiscovery } from '../../src/core/discovery/python/pythonFileDiscovery';
import { resolvePythonWorkspace } from '../../src/core/discovery/python/resolvePythonWorkspace';

const DIR = join(__dirname, '..', 'fixtures', 'dagster', 'taxi', 'taxi');

let parser: PythonParser;
let read: Map<string, PythonFileDiscovery>;
let resolved: Map<string, FileDiscovery>;

before(async () => {
  parser = await loadPythonParser();
  read = new Map();
  for (const name of readdirSync(DIR).filter((f) => f.endsWith('.py')).sort()) {
    const file = join(DIR, name);
    read.set(name, readPythonFile(parser, file, readFileSync(file, 'utf8')));
  }
  resolved = new Map(resolvePythonWorkspace([...read.values()]).map((f) => [f.file.slice(DIR.length + 1), f]));
});

function fileOf(name: string): FileDiscovery {
  const f = resolved.get(name);
  assert.ok(f, `${name} was read`);
  return f;
}

function asset(name: string, key: string): AssetDefinition {
  const a = fileOf(name).assets.find((x) => x.key.join('/') === key);
  assert.ok(a, `${name} defines ${key}; found ${fileOf(name).assets.map((x) => x.key.join('/')).join(', ')}`);
  return a;
}

/** `key origin line:column` for each dependency, in order. */
function deps(a: AssetDefinition): string[] {
  return a.deps.map((d) => `${d.key.join('/')} ${d.origin} ${d.location?.line}:${d.location?.column}`);
}

function keys(name: string): string[] {
  return fileOf(name).assets.map((a) => a.key.join('/'));
}

test('loading the parser twice gives the same parser', async () => {
  assert.equal(await loadPythonParser(), parser);
});

test('assets naming upstream parameters; context, config and resources are not dependencies', () => {
  assert.deepEqual(keys('ingest.py'), ['raw/taxi_trips', 'raw/taxi_zones', 'daily_trips']);
  const trips = asset('ingest.py', 'raw/taxi_trips');
  assert.deepEqual(deps(trips), []); // context: AssetExecutionContext, duckdb: DuckDBResource
  assert.equal(trips.source, 'dagster');
  assert.deepEqual([trips.location.line, trips.location.column], [7, 1]);
  assert.equal(trips.group, 'ingest');
  assert.deepEqual(trips.dagster?.kinds, ['duckdb', 'python']);
  assert.equal(trips.kind, 'duckdb');
  assert.equal(trips.description, 'The raw trips.\n\nLoaded from the monthly parquet files.');
  assert.equal(trips.dagster?.file, join(DIR, 'ingest.py'));
  assert.equal(trips.dagster?.module, 'taxi.definitions');
  // `warehouse: Warehouse` is a ConfigurableResource subclass defined in resources.py.
  assert.deepEqual(deps(asset('ingest.py', 'raw/taxi_zones')), []);
  assert.deepEqual(asset('ingest.py', 'raw/taxi_zones').dagster?.kinds, ['python']);
  const daily = asset('ingest.py', 'daily_trips');
  // config: TripsConfig (name) and store: ReadOnlyWarehouse (a subclass of a subclass) are left out.
  assert.deepEqual(deps(daily), ['taxi_trips parameter 24:17', 'taxi_zones parameter 24:29']);
  assert.equal(daily.description, 'Trips per day.');
});

test('a resource annotation is only dropped once the workspace is resolved', () => {
  const before = read.get('ingest.py')!.assets.find((a) => a.key.join('/') === 'daily_trips')!;
  assert.deepEqual(
    before.deps.map((d) => d.key.join('/')),
    ['taxi_trips', 'taxi_zones', 'store'],
  );
});

test('deps with AssetDep, specs, strings and names; partitions and automation', () => {
  const a = asset('lineage.py', 'trips_with_weather');
  assert.deepEqual(deps(a), [
    'raw/taxi_trips deps 12:11', // AssetDep(taxi_trips): the name imported from ingest.py, with its key prefix
    'raw/weather deps 12:36',
    'raw/holidays deps 12:64', // an AssetSpec variable
    'taxi_zones deps 12:74',
  ]);
  assert.equal(a.group, 'analytics');
  assert.deepEqual(a.dagster?.kinds, ['duckdb']);
  assert.equal(a.dagster?.partitioned, true);
  assert.equal(a.dagster?.automationCondition, 'dg.AutomationCondition.eager()');
  assert.deepEqual([a.location.line, a.location.column], [11, 1]);
});

test('ins with AssetIn(key=...) and AssetIn(key_prefix=...), required_resource_keys', () => {
  const a = asset('lineage.py', 'marts/revenue');
  assert.deepEqual(deps(a), ['raw/taxi_trips ins 24:10', 'raw/zones ins 24:53', 'daily_trips parameter 27:48']);
  assert.deepEqual(deps(asset('lineage.py', 'marts/summary')), ['raw/events deps 31:56', 'raw/venues deps 31:56']);
});

test('module-level AssetSpec are external assets', () => {
  const weather = asset('lineage.py', 'raw/weather');
  assert.equal(weather.dagster?.external, true);
  assert.equal(weather.group, 'external');
  assert.equal(weather.description, 'Weather from NOAA.');
  assert.deepEqual([weather.location.line, weather.location.column], [6, 11]);
  assert.deepEqual(asset('lineage.py', 'raw/holidays').dagster?.kinds, ['csv']);
  assert.deepEqual(
    ['raw/events', 'raw/venues'].map((k) => asset('lineage.py', k).location.line),
    [8, 8],
  );
  assert.equal(asset('lineage.py', 'marts/revenue').dagster?.external, undefined);
});

test('multi_asset with specs and with outs', () => {
  assert.deepEqual(keys('multi.py'), ['fares', 'finance/tips', 'zones/pickups', 'zones/dropoff_counts', 'unused']);
  const fares = asset('multi.py', 'fares');
  assert.equal(fares.group, 'finance');
  assert.deepEqual(deps(fares), ['raw/taxi_trips spec 6:56']);
  assert.equal(fares.dagster?.external, undefined); // a spec of a multi_asset is materialized by it
  const tips = asset('multi.py', 'finance/tips');
  assert.equal(tips.group, 'billing');
  assert.deepEqual(tips.dagster?.kinds, ['pandas']);
  assert.equal(tips.location.line, 4);
  const pickups = asset('multi.py', 'zones/pickups');
  assert.equal(pickups.group, 'geo');
  assert.deepEqual(deps(pickups), ['raw/taxi_zones deps 21:11', 'taxi_trips parameter 23:17']);
  assert.equal(asset('multi.py', 'zones/dropoff_counts').description, 'Drop-offs per zone.');
  assert.equal(asset('multi.py', 'zones/dropoff_counts').location.line, 15);
  assert.equal(
    asset('multi.py', 'fares').definitionHash,
    asset('multi.py', 'finance/tips').definitionHash,
    'one decorated function, one definition',
  );
});

test('import aliases: asset as a, AssetKey as Key, import dagster; other decorators are ignored', () => {
  assert.deepEqual(keys('aliases.py'), ['bare_alias', 'aliased/called', 'mod/plain_module', 'called_empty']);
  assert.equal(asset('aliases.py', 'bare_alias').description, 'A bare decorator through an alias.');
  assert.deepEqual(deps(asset('aliases.py', 'aliased/called')), ['bare_alias parameter 12:18']);
  assert.deepEqual([asset('aliases.py', 'mod/plain_module').location.line], [16]);
  assert.deepEqual(keys('unrelated.py'), []); // its own `asset` function, no dagster import
});

test('asset checks and multi_asset_check specs, at their lines', () => {
  const checks = (fileOf('checks.py').detachedChecks ?? []).map(
    (c) => `${c.asset.join('/')} ${c.check.name} ${c.check.type} ${c.check.severity} ${c.check.blocking} ${c.check.location.line}`,
  );
  assert.deepEqual(checks, [
    'marts/revenue revenue_is_positive dagster error true 6', // asset=revenue, imported: key from lineage.py
    'daily_trips has_rows dagster error false 11',
    'raw/taxi_trips trips_unique dagster error false 16',
    'raw/taxi_zones zones_not_null dagster error false 23',
    'raw/taxi_zones zones_unique dagster error true 24',
  ]);
  assert.deepEqual(fileOf('checks.py').assets, []);
});

test('@dbt_assets stands for the dbt models', () => {
  const dbt = asset('dbt.py', 'taxi_dbt_models');
  assert.equal(dbt.dagster?.dbtAssets, true);
  assert.deepEqual(deps(dbt), []);
  assert.deepEqual([dbt.location.line, dbt.location.column], [9, 1]);
});

test('jobs and schedules are recorded on the assets they select', () => {
  assert.deepEqual(asset('ingest.py', 'raw/taxi_trips').dagster?.jobs, ['ingest_job']);
  assert.deepEqual(asset('ingest.py', 'raw/taxi_trips').dagster?.schedules, ['ingest_job_schedule']);
  assert.deepEqual(asset('ingest.py', 'raw/taxi_zones').dagster?.jobs, ['ingest_job']);
  assert.deepEqual(asset('ingest.py', 'daily_trips').dagster?.jobs, ['analytics_job']);
  assert.deepEqual(asset('ingest.py', 'daily_trips').dagster?.schedules, ['hourly_analytics']);
  assert.deepEqual(asset('lineage.py', 'marts/revenue').dagster?.jobs, ['analytics_job']);
  assert.deepEqual(asset('multi.py', 'finance/tips').dagster?.schedules, ['tips_refresh']);
  assert.equal(asset('multi.py', 'fares').dagster?.schedules, undefined);
  assert.deepEqual(
    (fileOf('jobs.py').unseen ?? []).map((u) => u.slice(DIR.length + 1)),
    ['jobs.py:16: job odd_job: its selection is not statically visible; its assets are not marked'],
  );
});

test('dynamic definitions are skipped and said, static ones beside them still read', () => {
  assert.deepEqual(keys('dynamic.py'), ['still_read']);
  assert.deepEqual(
    (fileOf('dynamic.py').unseen ?? []).map((u) => u.slice(DIR.length + 1)),
    [
      'dynamic.py:5: assets built in a loop are not shown',
      'dynamic.py:12: assets built in a comprehension are not shown',
      'dynamic.py:15: assets built inside function build_asset() are not shown',
      'dynamic.py:23: translator Translator may rename dbt assets; its keys are not shown',
      'dynamic.py:32: assets built in a comprehension are not shown',
      'dynamic.py:32: assets from build_asset(...) are built at run time and are not shown',
    ],
  );
  // The translator's keys are a guess: a problem at the class says so in list, validate and the editor.
  assert.deepEqual(
    fileOf('dynamic.py').problems.map((p) => [p.line, p.column, p.severity, p.code]),
    [[23, 7, 'warning', 'dagster.dbt-translator']],
  );
  assert.match(fileOf('dynamic.py').problems[0]!.message, /Translator subclasses DagsterDbtTranslator and may rename the dbt assets' keys/);
});

test('a syntax error skips its region; a file with nothing readable gets one problem', () => {
  assert.deepEqual(keys('broken.py'), ['before_error', 'after_error']);
  assert.deepEqual(deps(asset('broken.py', 'after_error')), ['before_error parameter 14:17']);
  assert.deepEqual(fileOf('broken.py').problems, []);
  const problems = fileOf('hopeless.py').problems;
  assert.equal(problems.length, 1);
  assert.equal(problems[0]!.code, 'python.syntax');
  assert.equal(problems[0]!.severity, 'warning');
  assert.equal(problems[0]!.file, join(DIR, 'hopeless.py'));
  assert.equal(problems[0]!.line, 3);
});

test('definition hashes follow the definition text, decorator included', () => {
  const file = join(DIR, 'x.py');
  const one = readPythonFile(parser, file, 'import dagster as dg\n\n@dg.asset\ndef a():\n    return 1\n');
  const same = readPythonFile(parser, file, 'import dagster as dg\n# moved down\n\n@dg.asset\ndef a():\n    return 1\n');
  const body = readPythonFile(parser, file, 'import dagster as dg\n\n@dg.asset\ndef a():\n    return 2\n');
  const decorator = readPythonFile(parser, file, 'import dagster as dg\n\n@dg.asset(group_name="g")\ndef a():\n    return 1\n');
  const hashOf = (f: FileDiscovery): string => f.assets[0]!.definitionHash;
  assert.equal(hashOf(one), hashOf(same));
  assert.notEqual(hashOf(one), hashOf(body));
  assert.notEqual(hashOf(one), hashOf(decorator));
});

test('never throws on odd input', () => {
  const file = join(DIR, 'odd.py');
  const inputs = [
    '',
    'dagster',
    'import dagster as dg\n@dg.asset(',
    'import dagster as dg\n"""unterminated',
    'import dagster as dg\n@dg.asset(key=compute())\ndef x(): pass\n',
    'from dagster import *\n@asset(deps=[f(x) for x in y])\ndef star(): pass\n',
    '\u0000\uffff import dagster \r\n@dagster.asset\r\ndef crlf(up):\r\n    pass\r\n',
    'import dagster as dg\n' + '('.repeat(5000),
  ];
  for (const text of inputs) {
    const result = readPythonFile(parser, file, text);
    assert.ok(Array.isArray(result.assets));
  }
  const star = readPythonFile(parser, file, inputs[5]!);
  assert.deepEqual(star.assets.map((a) => a.key.join('/')), ['star']);
  assert.equal(star.unseen?.length, 1);
  const computed = readPythonFile(parser, file, inputs[4]!);
  assert.deepEqual(computed.assets, []);
  assert.deepEqual(computed.unseen, [`${file}:2: asset x: its key is computed; not shown`]);
  const crlf = readPythonFile(parser, file, inputs[6]!);
  assert.deepEqual(crlf.assets.map((a) => `${a.key.join('/')} ${a.location.line} ${deps(a).join(',')}`), [
    'crlf 2 up parameter 3:10',
  ]);
});

test('a name bound to different keys in two files is left as written', () => {
  const a = readPythonFile(parser, '/ws/a.py', 'import dagster as dg\n@dg.asset(key_prefix="a")\ndef trips(): ...\n');
  const b = readPythonFile(parser, '/ws/b.py', 'import dagster as dg\n@dg.asset(key_prefix="b")\ndef trips(): ...\n');
  const c = readPythonFile(
    parser,
    '/ws/c.py',
    'import dagster as dg\nzones = dg.AssetSpec("raw/zones").with_io_manager_key("io")\n@dg.asset(deps=[trips, zones, weather])\ndef uses(): ...\n',
  );
  const d = readPythonFile(parser, '/ws/d.py', 'import dagster as dg\n@dg.asset(key_prefix="w")\ndef weather(): ...\n');
  const out = resolvePythonWorkspace([a, b, c, d]);
  const uses = out[2]!.assets.find((x) => x.key.join('/') === 'uses')!;
  assert.deepEqual(
    uses.deps.map((x) => x.key.join('/')),
    ['trips', 'raw/zones', 'w/weather'],
  );
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { AssetDefinition, CheckDefinition } from '../../src/core/asset';
import type { AssetNode } from '../../src/core/graph/assetGraph';
import type { TargetConfig } from '../../src/core/project/targetConfig';
import type { EngineEvent } from '../../src/core/engine/engineEvents';
import { createDelegatedRunner } from '../../src/core/engine/delegated/delegatedAssetRunner';
import { discoverDbtProject } from '../../src/core/discovery/dbt/dbtProject';

/*
 * Dagster and dbt cannot be installed here. These tests put a stand-in
 * executable where the real tool would be: it records its command line and
 * environment and replays a recorded output (test/fixtures/recorded/). What
 * is exercised for real: the command, the environment, the child process,
 * reading run_results.json from the project's target/ folder, and the mapping
 * to check results.
 */

const RECORDED = path.resolve(__dirname, '../fixtures/recorded');
const TAXI = path.resolve(__dirname, '../fixtures/dbt/nyc_taxi_dbt');

const target: TargetConfig = {
  name: 'dev',
  type: 'duckdb',
  path: '/tmp/dev.duckdb',
  schema: 'analytics',
  threads: 1,
  env: { DBT_TARGET: 'dev', DUCKDB_PATH: '/tmp/dev.duckdb' },
  protected: false,
  from: 'dbt-profile',
};

function standIn(dir: string, name: string, body: string): string {
  const file = path.join(dir, name);
  fs.writeFileSync(file, `#!/bin/sh\n${body}\n`, { mode: 0o755 });
  return file;
}

/** A virtual environment in `dir` as Python makes one (`.venv` with a pyvenv.cfg); returns its bin folder. */
function workspaceVenv(dir: string): string {
  const bin = path.join(dir, '.venv', 'bin');
  fs.mkdirSync(bin, { recursive: true });
  fs.writeFileSync(path.join(dir, '.venv', 'pyvenv.cfg'), 'home = /usr/bin\n');
  return bin;
}

async function dbtNodes(projectDir: string): Promise<Map<string, AssetNode>> {
  const d = await discoverDbtProject(projectDir);
  const defs = d.discoveries.flatMap((f) => f.assets);
  const checks = d.discoveries.flatMap((f) => f.detachedChecks ?? []);
  const nodes = new Map<string, AssetNode>();
  for (const def of defs) {
    const id = def.key.join('/');
    nodes.set(id, { id, definition: def, checks: checks.filter((c) => c.asset.join('/') === id).map((c) => c.check) });
  }
  return nodes;
}

test('dbt asset: dbt build with the target, run_results.json read into check results, failing test fails the asset', async () => {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'deleg-dbt-'));
  const project = path.join(work, 'nyc_taxi_dbt');
  fs.cpSync(TAXI, project, { recursive: true });
  const venv = path.join(work, 'venv', 'bin');
  fs.mkdirSync(venv, { recursive: true });
  const python = standIn(venv, 'python', 'exit 0');
  // dbt next to the interpreter: writes the recorded results as dbt build does, prints, exits 1 (a test failed).
  standIn(
    venv,
    'dbt',
    [
      'echo "$@" > "$PWD/args.txt"',
      'echo "DBT_TARGET=$DBT_TARGET DUCKDB_PATH=$DUCKDB_PATH" > "$PWD/env.txt"',
      'mkdir -p target',
      `sed 's/2025-01-14T09:12:41.761524Z/'"$(date -u +%Y-%m-%dT%H:%M:%S.000000Z)"'/' '${RECORDED}/dbt-duckdb-1.9-build-run_results.json' > target/run_results.json`,
      `cp '${RECORDED}/dbt-duckdb-1.9-manifest-excerpt.json' target/manifest.json`,
      'echo "09:12:41  1 of 11 START sql view model analytics.stg_trips ........ [RUN]"',
      'echo "09:12:41  Done. PASS=6 WARN=1 ERROR=1 SKIP=2 TOTAL=11" >&2',
      'exit 1',
    ].join('\n'),
  );
  const nodes = await dbtNodes(project);
  const events: EngineEvent[] = [];
  const r = await createDelegatedRunner({ python })(nodes.get('stg_trips')!, { target, projectRoot: work, onEvent: (e) => events.push(e) });

  assert.equal(fs.readFileSync(path.join(project, 'args.txt'), 'utf8').trim(), `build --select stg_trips --target dev --project-dir ${project}`);
  assert.equal(fs.readFileSync(path.join(project, 'env.txt'), 'utf8').trim(), 'DBT_TARGET=dev DUCKDB_PATH=/tmp/dev.duckdb');
  assert.equal(r.status, 'failed');
  assert.match(r.error!, /dbt test failed: unique_stg_trips_trip_id \(4 rows\); dbt keeps the model it built/);
  const byName = new Map(r.checks.map((c) => [c.name, c]));
  assert.deepEqual(
    r.checks.map((c) => [c.name, c.passed, c.severity, c.failingRows]).sort(),
    [
      ['accepted_values_stg_trips_payment_type__1__2__3__4__5__6', false, 'warn', 2],
      ['assert_no_negative_fares', true, 'error', 0],
      ['not_null_stg_trips_trip_id', true, 'error', 0],
      ['relationships_stg_trips_pickup_zone_id__zone_id__ref_stg_zones_', true, 'error', 0],
      ['unique_stg_trips_trip_id', false, 'error', 4],
    ],
  );
  // Each result carries the check's own YAML line from discovery.
  assert.equal(byName.get('unique_stg_trips_trip_id')!.location!.line, 10);
  assert.equal(path.basename(byName.get('unique_stg_trips_trip_id')!.location!.file), 'schema.yml');
  const logs = events.filter((e) => e.type === 'log').map((e) => (e as { message: string }).message);
  assert.ok(logs.some((l) => l.includes('Done. PASS=6 WARN=1 ERROR=1')), 'the tool output reaches the run log');
});

test('dbt asset: run_results.json left by an earlier run is not taken for this one', async () => {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'deleg-stale-'));
  const project = path.join(work, 'p');
  fs.cpSync(TAXI, project, { recursive: true });
  fs.mkdirSync(path.join(project, 'target'));
  fs.copyFileSync(path.join(RECORDED, 'dbt-duckdb-1.9-build-run_results.json'), path.join(project, 'target/run_results.json'));
  const dbt = standIn(work, 'fake-dbt', 'echo "Encountered an error: Runtime Error  Could not find profile named nyc_taxi"; exit 2');
  const nodes = await dbtNodes(project);
  const r = await createDelegatedRunner({ dbtExecutable: dbt })(nodes.get('stg_zones')!, { target, projectRoot: work, onEvent: () => undefined });
  assert.equal(r.status, 'failed');
  assert.match(r.error!, /Could not find profile named nyc_taxi/);
  assert.deepEqual(r.checks, []);
});

test('dbt asset: no dbt anywhere gives the install message', async () => {
  const nodes = await dbtNodes(TAXI);
  const r = await createDelegatedRunner({ dbtExecutable: '/nonexistent/dbt' })(nodes.get('stg_zones')!, { target, projectRoot: TAXI, onEvent: () => undefined });
  assert.equal(r.status, 'failed');
  assert.match(r.error!, /dbt was not found .*pip install dbt-duckdb/);
});

function dagsterNode(file: string, checks: CheckDefinition[]): AssetNode {
  const definition: AssetDefinition = {
    key: ['raw', 'taxi_trips'],
    source: 'dagster',
    location: { file, line: 12, column: 1 },
    deps: [],
    checks: [],
    definitionHash: 'h',
    dagster: { file },
  };
  return { id: 'raw/taxi_trips', definition, checks };
}

test('Dagster asset: python -m dagster asset materialize, check evaluations from its log', async () => {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'deleg-dg-'));
  const defs = path.join(work, 'defs.py');
  fs.writeFileSync(defs, '');
  const python = standIn(work, 'python', [`echo "$@" > '${work}/args.txt'`, `echo "$DBT_TARGET" > '${work}/env.txt'`, `cat '${RECORDED}/dagster-1.10-asset-materialize-failure.log' >&2`, 'exit 1'].join('\n'));
  const check: CheckDefinition = { name: 'no_negative_fares', type: 'dagster', severity: 'warn', blocking: false, location: { file: defs, line: 30, column: 1 } };
  const r = await createDelegatedRunner({ python })(dagsterNode(defs, [check]), { target, projectRoot: work, onEvent: () => undefined });
  assert.equal(fs.readFileSync(path.join(work, 'args.txt'), 'utf8').trim(), `-m dagster asset materialize --select raw/taxi_trips -f ${defs}`);
  assert.equal(fs.readFileSync(path.join(work, 'env.txt'), 'utf8').trim(), 'dev');
  // The asset itself materialized; the run failed on another step (taxi_zones).
  assert.equal(r.status, 'failed');
  assert.match(r.error!, /IOException: IO Error: No files found/);
  assert.deepEqual(r.checks.map((c) => [c.asset, c.name, c.passed, c.severity, c.location?.line]), [['raw/taxi_trips', 'no_negative_fares', false, 'warn', 30]]);

  const ok = standIn(work, 'python-ok', `cat '${RECORDED}/dagster-1.10-asset-materialize-success.log' >&2`);
  const r2 = await createDelegatedRunner({ python: ok })(dagsterNode(defs, [check]), { target, projectRoot: work, onEvent: () => undefined });
  assert.equal(r2.status, 'success');
  assert.deepEqual(r2.checks.map((c) => [c.name, c.passed]), [['no_negative_fares', true]]);
});

test('Dagster asset with no interpreter chosen: the workspace .venv, else python3 on PATH, else a message that says what to do', async () => {
  const node = dagsterNode('/x/defs.py', []);
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'deleg-nopy-'));
  const run = (env: Record<string, string>) => {
    const events: EngineEvent[] = [];
    return createDelegatedRunner({})(node, { target, projectRoot: work, env, onEvent: (e) => events.push(e) }).then((r) => ({ r, events }));
  };
  // No venv, nothing on PATH.
  const empty = fs.mkdtempSync(path.join(os.tmpdir(), 'deleg-emptypath-'));
  const none = await run({ PATH: empty });
  assert.match(none.r.error!, /No Python interpreter: .*no \.venv.*Choose one with "Python: Select Interpreter"/);
  // python3 on PATH: the machine's real one, which lacks Dagster.
  const onPath = await run({ PATH: process.env.PATH ?? '' });
  assert.equal(onPath.r.status, 'failed');
  assert.match(onPath.r.error!, /Dagster is not installed .*pip install dagster dagster-duckdb/);
  assert.ok(onPath.events.some((e) => e.type === 'log' && /No Python interpreter chosen: using \S*python3? \(from PATH\)/.test(e.message)));
  // A .venv in the project wins over PATH.
  const venvBin = workspaceVenv(work);
  standIn(venvBin, 'python3', `echo "$@" > '${work}/args.txt'; cat '${RECORDED}/dagster-1.10-asset-materialize-success.log' >&2`);
  const venv = await run({ PATH: empty });
  assert.equal(venv.r.status, 'success');
  assert.match(fs.readFileSync(path.join(work, 'args.txt'), 'utf8'), /^-m dagster asset materialize --select raw\/taxi_trips -f \/x\/defs.py/);
});

test('dbt with no interpreter chosen runs the dbt of the workspace .venv', async () => {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'deleg-dbtvenv-'));
  const project = path.join(work, 'nyc_taxi_dbt');
  fs.cpSync(TAXI, project, { recursive: true });
  const venvBin = workspaceVenv(work);
  standIn(venvBin, 'python3', 'exit 0');
  standIn(venvBin, 'dbt', `echo "$@" > '${work}/args.txt'; exit 2`);
  const nodes = await dbtNodes(project);
  await createDelegatedRunner({})(nodes.get('stg_zones')!, { target, projectRoot: work, env: { PATH: '/nonexistent' }, onEvent: () => undefined });
  assert.match(fs.readFileSync(path.join(work, 'args.txt'), 'utf8'), /^build --select stg_zones --target dev/);
});

test('a MotherDuck target hands the stored token to the tool in its environment only, never in the log', async () => {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'deleg-md-'));
  const secret = 'md-secret-token-123';
  const dbt = standIn(work, 'fake-dbt', `echo "$MOTHERDUCK_TOKEN" > '${work}/token.txt'; echo "$@"; exit 2`);
  const nodes = await dbtNodes(TAXI);
  const prod: TargetConfig = { name: 'prod', type: 'motherduck', database: 'prod_analytics', tokenEnv: 'AS_TEST_UNSET_TOKEN_VAR', schema: 'analytics', threads: 1, env: { DBT_TARGET: 'prod' }, protected: true, from: 'dbt-profile' };
  const events: EngineEvent[] = [];
  const r = await createDelegatedRunner({ dbtExecutable: dbt, motherDuckToken: secret })(nodes.get('stg_zones')!, { target: prod, projectRoot: work, onEvent: (e) => events.push(e) });
  assert.equal(fs.readFileSync(path.join(work, 'token.txt'), 'utf8').trim(), secret);
  assert.equal(r.status, 'failed');
  assert.ok(!JSON.stringify(events).includes(secret) && !JSON.stringify(r).includes(secret), 'the token never appears in events or results');
  // A local target never receives it.
  await createDelegatedRunner({ dbtExecutable: dbt, motherDuckToken: secret })(nodes.get('stg_zones')!, { target, projectRoot: work, onEvent: () => undefined });
  assert.equal(fs.readFileSync(path.join(work, 'token.txt'), 'utf8').trim(), process.env.MOTHERDUCK_TOKEN ?? '');
});

test("a MotherDuck target's token_env is passed on as MOTHERDUCK_TOKEN, which DuckDB reads", async () => {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'deleg-md2-'));
  const dbt = standIn(work, 'fake-dbt', `echo "$MOTHERDUCK_TOKEN" > '${work}/token.txt'; exit 2`);
  const nodes = await dbtNodes(TAXI);
  const prod: TargetConfig = { name: 'prod', type: 'motherduck', database: 'p', tokenEnv: 'PROD_MD_TOKEN', schema: 'main', threads: 1, env: { PROD_MD_TOKEN: 'from-token-env' }, protected: true, from: 'project' };
  await createDelegatedRunner({ dbtExecutable: dbt, motherDuckToken: 'stored' })(nodes.get('stg_zones')!, { target: prod, projectRoot: work, onEvent: () => undefined });
  assert.equal(fs.readFileSync(path.join(work, 'token.txt'), 'utf8').trim(), 'from-token-env');
});

test('two dbt assets of one project asked at once run one after the other (run_results.json and the file lock are shared)', async () => {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'deleg-serial-'));
  const log = path.join(work, 'log.txt');
  // Each run notes its start and end; overlapping runs would interleave them.
  const dbt = standIn(work, 'fake-dbt', `echo "start $3" >> '${log}'; sleep 0.3; echo "end $3" >> '${log}'; exit 2`);
  const nodes = await dbtNodes(TAXI);
  const runner = createDelegatedRunner({ dbtExecutable: dbt });
  const ctx = { target, projectRoot: work, onEvent: () => undefined };
  await Promise.all([runner(nodes.get('stg_zones')!, ctx), runner(nodes.get('stg_trips')!, ctx)]);
  assert.deepEqual(fs.readFileSync(log, 'utf8').trim().split('\n'), ['start stg_zones', 'end stg_zones', 'start stg_trips', 'end stg_trips']);
});

test('an asset-studio.yml target names its dbt output with env DBT_TARGET; a DuckDB target passes DUCKDB_PATH', async () => {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'deleg-tgt-'));
  const dbt = standIn(work, 'fake-dbt', `echo "$@ | $DUCKDB_PATH" > '${work}/seen.txt'; exit 2`);
  const nodes = await dbtNodes(TAXI);
  const local: TargetConfig = { name: 'local', type: 'duckdb', path: '/data/local.duckdb', schema: 'main', threads: 1, env: { DBT_TARGET: 'dev' }, protected: false, from: 'project' };
  await createDelegatedRunner({ dbtExecutable: dbt })(nodes.get('stg_zones')!, { target: local, projectRoot: work, onEvent: () => undefined });
  assert.equal(fs.readFileSync(path.join(work, 'seen.txt'), 'utf8').trim(), `build --select stg_zones --target dev --project-dir ${TAXI} | /data/local.duckdb`);
});

test("the MotherDuck token comes from the run's env (the CLI's), not only process.env, else the run's saved token — and is never logged", async () => {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'deleg-md3-'));
  const dbt = standIn(work, 'fake-dbt', `echo "$MOTHERDUCK_TOKEN" > '${work}/token.txt'; echo "$@"; exit 2`);
  const nodes = await dbtNodes(TAXI);
  const varName = 'AS_TEST_CLI_ONLY_MD_TOKEN';
  assert.equal(process.env[varName], undefined);
  const cloud: TargetConfig = { name: 'cloud', type: 'motherduck', database: 'c', tokenEnv: varName, schema: 'main', threads: 1, env: {}, protected: true, from: 'project' };
  const events: EngineEvent[] = [];
  const seen = async (ctx: { env?: Record<string, string>; token?: string }, saved?: string) => {
    await createDelegatedRunner({ dbtExecutable: dbt, ...(saved ? { motherDuckToken: saved } : {}) })(nodes.get('stg_zones')!, {
      target: cloud,
      projectRoot: work,
      onEvent: (e) => events.push(e),
      ...ctx,
    });
    return fs.readFileSync(path.join(work, 'token.txt'), 'utf8').trim();
  };
  assert.equal(await seen({ env: { [varName]: 'cli-env-token' } }, 'saved-token'), 'cli-env-token');
  assert.equal(await seen({ env: {} }, 'saved-token'), 'saved-token');
  assert.equal(await seen({ env: {}, token: 'run-token' }), 'run-token');
  assert.equal(await seen({ env: {} }), process.env.MOTHERDUCK_TOKEN ?? '');
  const logged = JSON.stringify(events);
  for (const t of ['cli-env-token', 'saved-token', 'run-token']) assert.ok(!logged.includes(t), `${t} is never logged`);
});

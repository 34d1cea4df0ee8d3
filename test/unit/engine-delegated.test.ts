import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { AssetDefinition } from '../../src/core/asset';
import { createDelegatedRunner } from '../../src/core/engine/delegatedAssetRunner';
import type { EngineEvent } from '../../src/core/engine/engineEvents';
import { duckTarget, tempDir, testGraph } from './engineFixtures';

function dbtModel(projectDir: string): AssetDefinition {
  return {
    key: ['orders'],
    source: 'dbt',
    location: { file: join(projectDir, 'models', 'orders.sql'), line: 1, column: 1 },
    deps: [],
    checks: [
      { name: 'not_null_orders_id', type: 'dbt', severity: 'error', blocking: false, location: { file: join(projectDir, 'models', 'schema.yml'), line: 7, column: 11 } },
    ],
    definitionHash: 'm1',
    dbt: { projectDir, projectName: 'shop', resourceType: 'model', selector: 'orders' },
  };
}

test('a dbt model runs with the workspace dbt; its result and tests come from run_results.json', async () => {
  const { dir, cleanup } = tempDir('engine-dbt-');
  try {
    const projectDir = join(dir, 'shop');
    mkdirSync(join(projectDir, 'models'), { recursive: true });
    // A stand-in dbt: prints a line, writes run_results.json like dbt 1.8 does, exits 1 (a test failed).
    const fakeDbt = join(dir, 'dbt');
    writeFileSync(
      fakeDbt,
      `#!${process.execPath}
const fs = require('node:fs');
const args = process.argv.slice(2);
console.log('Running with dbt=1.8.0 ' + args.join(' '));
fs.mkdirSync('target', { recursive: true });
fs.writeFileSync('target/run_results.json', JSON.stringify({
  metadata: { dbt_schema_version: 'https://schemas.getdbt.com/dbt/run-results/v6.json', generated_at: new Date().toISOString() },
  results: [
    { unique_id: 'model.shop.orders', status: 'success', execution_time: 0.2, message: 'OK', adapter_response: { rows_affected: 12 } },
    { unique_id: 'test.shop.not_null_orders_id.5a1b2c3d4e', status: 'fail', failures: 3, execution_time: 0.1, message: 'Got 3 results' },
  ],
}));
process.exit(1);
`,
    );
    chmodSync(fakeDbt, 0o755);
    const graph = testGraph(dir, [dbtModel(projectDir)]);
    const events: EngineEvent[] = [];
    const runner = createDelegatedRunner({ dbtExecutable: fakeDbt });
    const target = duckTarget(dir, { env: { DBT_TARGET: 'dev_profile' } });
    const r = await runner(graph.nodes.get('orders')!, { target, projectRoot: dir, onEvent: (e) => events.push(e) });
    assert.equal(r.status, 'success', r.error);
    assert.equal(r.rows, 12);
    assert.deepEqual(
      r.checks.map((c) => [c.name, c.passed, c.failingRows, c.location?.line]),
      [['not_null_orders_id', false, 3, 7]],
    );
    const logs = events.filter((e) => e.type === 'log').map((e) => (e as { message: string }).message);
    assert.ok(logs.some((l) => l.includes('--select orders --target dev_profile')), logs.join('\n'));
    assert.ok(logs.some((l) => l.startsWith('Running with dbt=1.8.0')));
  } finally {
    cleanup();
  }
});

test('a missing Python/Dagster says so plainly, without a stack trace', async () => {
  const { dir, cleanup } = tempDir('engine-dagster-');
  try {
    const def: AssetDefinition = {
      key: ['py_asset'],
      source: 'dagster',
      location: { file: join(dir, 'defs.py'), line: 1, column: 1 },
      deps: [],
      checks: [],
      definitionHash: 'p',
      dagster: { file: join(dir, 'defs.py') },
    };
    const graph = testGraph(dir, [def]);
    const runner = createDelegatedRunner({ python: join(dir, 'no-such-python') });
    const r = await runner(graph.nodes.get('py_asset')!, { target: duckTarget(dir), projectRoot: dir, onEvent: () => undefined });
    assert.equal(r.status, 'failed');
    assert.ok(r.error && r.error.length > 0);
    assert.doesNotMatch(r.error!, /\n\s+at /);
    assert.match(r.error!, /no-such-python|Python|install/i);
  } finally {
    cleanup();
  }
});

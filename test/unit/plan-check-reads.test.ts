import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadWorkspace } from '../../src/core/engine/materializeWorkspace';
import { planMaterialization } from '../../src/core/engine/materializationPlan';
import { parseSelection } from '../../src/core/engine/selection';
import { tempDir } from './engineFixtures';

function waits(root: string) {
  return loadWorkspace(root).then(({ graph }) => new Map(planMaterialization(graph, parseSelection('*')).assets.map((a) => [a.id, [...a.waitsFor, ...a.checksRead]])));
}

test('an asset whose relationships check reads another asset of the plan waits for it (dbt test and SQL check alike)', async () => {
  const { dir, cleanup } = tempDir('plan-reads-');
  try {
    // jaffle_shop's shape: orders and customers do not depend on each other, but orders' test reads customers.
    const dbt = join(dir, 'shop');
    mkdirSync(join(dbt, 'models'), { recursive: true });
    writeFileSync(join(dbt, 'dbt_project.yml'), 'name: shop\nprofile: shop\nmodel-paths: [models]\n');
    writeFileSync(join(dbt, 'models', 'customers.sql'), 'select 1 as customer_id\n');
    writeFileSync(join(dbt, 'models', 'orders.sql'), 'select 1 as order_id, 1 as customer_id\n');
    writeFileSync(
      join(dbt, 'models', 'schema.yml'),
      "version: 2\nmodels:\n  - name: orders\n    columns:\n      - name: customer_id\n        tests:\n          - relationships:\n              to: ref('customers')\n              field: customer_id\n",
    );
    mkdirSync(join(dir, 'sql'));
    writeFileSync(join(dir, 'sql', 'zones.sql'), '/* @asset\nname: raw.zones\n*/\nselect 1 as id\n');
    writeFileSync(join(dir, 'sql', 'trips.sql'), '/* @asset\nname: raw.trips\nchecks:\n  - relationships: { column: zone_id, to: raw.zones, field: id }\n*/\nselect 1 as zone_id\n');
    const w = await waits(dir);
    assert.deepEqual(w.get('orders'), ['customers']);
    assert.deepEqual(w.get('raw/trips'), ['raw/zones']);
    assert.deepEqual(w.get('customers'), []);
  } finally {
    cleanup();
  }
});

test('a check reading an asset downstream of its own does not make a cycle', async () => {
  const { dir, cleanup } = tempDir('plan-reads-');
  try {
    writeFileSync(join(dir, 'a.sql'), '/* @asset\nname: a\nchecks:\n  - relationships: { column: x, to: b, field: x }\n*/\nselect 1 as x\n');
    writeFileSync(join(dir, 'b.sql'), '/* @asset\nname: b\n*/\nselect x from a\n');
    const w = await waits(dir);
    assert.deepEqual(w.get('a'), []);
    assert.deepEqual(w.get('b'), ['a']);
  } finally {
    cleanup();
  }
});

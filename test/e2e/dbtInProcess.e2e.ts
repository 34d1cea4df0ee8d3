// dbt models in a real VS Code (code-server) with the packaged extension and no
// dbt installed: ▶ Materialize above a model renders it and builds it in-process
// on DuckDB with its upstream; a failing dbt test rolls the model back and is a
// problem at its own YAML line; the SQL lens shows what the model compiles to.
import * as assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { eventually, startEditor, type Editor } from './harness/editor';
import { countRows } from '../support/duckdbFileRead';

let editor: Editor;
const ORDERS = 'models/marts/orders.sql';

before(async () => {
  editor = await startEditor({ workspace: 'test/fixtures/dbt/shop_duckdb', label: 'dbt-in-process' });
});

after(async () => {
  await editor?.close();
});

function lens(text: string | RegExp) {
  return editor.page.locator('.codelens-decoration a', { hasText: text }).first();
}

test('+ upstream above a dbt model builds it and its seeds and views in-process, with its tests passing', { timeout: 300_000 }, async () => {
  // customers' upstream holds orders and stg_customers, which orders' relationships test reads.
  await editor.openFile('models/marts/customers.sql');
  await editor.waitForCodeLens('+ upstream', 120_000);
  await editor.clearNotifications();
  await lens('+ upstream').click();
  const toast = await editor.waitForNotification(/Materialized \d+ assets on 'dev'/, 120_000);
  assert.match(toast, /checks passed/);
  // profiles.yml names shop.duckdb in the project; +schema: marts makes main_marts.
  assert.equal(await countRows(join(editor.workspaceDir, 'shop.duckdb'), 'main_marts', 'orders'), 4);
  await editor.waitForExtensionLog(/orders: dbt table, rendered and run in-process/, 30_000);
  assert.equal(await countRows(join(editor.workspaceDir, 'shop.duckdb'), 'main_marts', 'customers'), 3);
  // The state lens (text without a command: no link) says who built the model's data.
  await editor.page.locator('.codelens-decoration', { hasText: /3 rows · .* · in-process/ }).first().waitFor({ timeout: 60_000 });
  await editor.screenshot('dbt-in-process-materialized');
});

test('a failing dbt test keeps the previous table and is a problem at its YAML line', { timeout: 300_000 }, async () => {
  const seed = join(editor.workspaceDir, 'seeds/raw_orders.csv');
  writeFileSync(seed, readFileSync(seed, 'utf8').replace('4,1,2018-01-05,placed', '4,1,2018-01-05,lost'));
  const yaml = readFileSync(join(editor.workspaceDir, 'models/marts/schema.yml'), 'utf8').split('\n');
  const testLine = yaml.findIndex((l) => l.includes('- accepted_values:')) + 1;
  await editor.openFile(ORDERS);
  await editor.clearNotifications();
  await lens('+ upstream').click();
  await editor.waitForNotification(/\borders failed on 'dev'/, 120_000);
  const failing = await eventually(async () => {
    const found = (await editor.problems()).filter((p) => p.code === 'check.failed');
    assert.equal(found.length, 1, JSON.stringify(found));
    return found[0]!;
  }, 30_000);
  assert.match(failing.file, /schema\.yml$/);
  assert.equal(failing.line, testLine);
  assert.match(failing.message, /accepted_values_orders_status/);
  // The previous table: no 'lost' order landed.
  assert.equal(await countRows(join(editor.workspaceDir, 'shop.duckdb'), 'main_marts', 'orders'), 4);
  await editor.screenshot('dbt-in-process-failing-test');
});

test('the SQL lens opens the compiled SQL beside the model', { timeout: 300_000 }, async () => {
  await editor.openFile(ORDERS);
  await lens(/^SQL$/).click();
  const compiled = editor.page.locator('.editor-instance .view-lines', { hasText: '__dbt__cte__int_order_payments' }).first();
  await compiled.waitFor({ timeout: 60_000 });
  assert.match(await compiled.innerText(), /"shop"\."main"\."stg_orders"/);
  await editor.screenshot('dbt-compiled-sql');
});

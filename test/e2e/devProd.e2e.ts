// Dev ⇄ prod as a workflow in a real VS Code: prod is built, dev has nothing; the target
// picker defers dev to prod, ▶ Materialize builds one changed asset on dev against prod's
// upstream (prod untouched), and Compare with Target… draws the rows it changed in the data panel.
import * as assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { eventually, startEditor, type Editor } from './harness/editor';
import { materializeSelection } from '../../src/core/engine/materializeWorkspace';
import { queryFile } from '../unit/engineFixtures';

let editor: Editor;
const DAILY = 'assets/analytics/daily_trips.sql';

before(async () => {
  editor = await startEditor({ workspace: 'examples/nyc_taxi', label: 'dev-prod' });
});

after(async () => {
  await editor?.close();
});

function digest(path: string): string {
  return createHash('sha256').update(readFileSync(path)).digest('hex');
}

test('defer dev to prod, materialize one changed asset, compare it with prod row by row', { timeout: 600_000 }, async () => {
  const root = editor.workspaceDir;
  const prodFile = join(root, '.asset-studio', 'prod.duckdb');
  const built = await materializeSelection(root, ['*'], { target: 'prod', confirm: 'prod', env: {} });
  assert.ok(built.result.runs.every((r) => r.status === 'success'), JSON.stringify(built.result.runs));
  const prodBefore = digest(prodFile);
  // Whole dollars on dev, keyed by day (a unique check): how many days that changes, read from prod itself.
  const expected = Number((await queryFile(prodFile, 'SELECT count(*) AS n FROM analytics.daily_trips WHERE revenue IS DISTINCT FROM round(revenue, 0)'))[0]!['n']);
  assert.ok(expected > 0);
  const file = join(root, DAILY);
  writeFileSync(
    file,
    readFileSync(file, 'utf8')
      .replace('round(sum(total_amount), 2) as revenue', 'round(sum(total_amount), 0) as revenue')
      .replace('checks:\n', 'checks:\n  - unique: pickup_date\n'),
  );

  await editor.openFile(DAILY);
  await editor.statusBarItem().click();
  const deferRow = editor.page.locator('.quick-input-list .monaco-list-row', { hasText: 'dev, deferring to prod' }).first();
  await deferRow.waitFor({ timeout: 60_000 });
  await deferRow.click();
  await eventually(async () => assert.equal(await editor.statusBarText(), 'dev ⇢ prod'), 30_000);

  await editor.clearNotifications();
  await (await editor.waitForCodeLens('▶ Materialize', 120_000)).click();
  await editor.waitForNotification("Materialized analytics/daily_trips on 'dev'", 180_000);
  await editor.waitForExtensionLog(/analytics\/daily_trips: reads raw\.taxi_trips from prod:raw\.taxi_trips \(deferred: not built on dev\)/, 60_000);
  assert.equal(digest(prodFile), prodBefore, 'prod is not written');
  const devTables = await queryFile(join(root, '.asset-studio', 'dev.duckdb'), "SELECT schema_name || '.' || table_name AS t FROM duckdb_tables() WHERE schema_name <> '_asset_studio'");
  assert.deepEqual(devTables, [{ t: 'analytics.daily_trips' }], 'only the changed asset was built on dev');

  // Through the palette by hand: the command opens a quick pick, which runCommand would wait to close.
  const input = editor.page.locator('.quick-input-widget .quick-input-box input');
  await editor.page.keyboard.press('F1');
  await input.fill('>Asset Studio: Compare with Target');
  await editor.page.locator('.quick-input-list .quick-input-list-entry', { hasText: 'Compare with Target' }).first().click();
  const prodRow = editor.page.locator('.quick-input-list .monaco-list-row', { hasText: /^\s*prod/ }).first();
  await prodRow.waitFor({ timeout: 60_000 });
  await prodRow.click();

  // The diff is drawn in the data panel: counts, the changed column, samples old → new.
  const panel = editor.webview();
  const diffShown = async () => {
    assert.match(await panel.locator('.compare-head .title').innerText(), /analytics\/daily_trips: dev → prod/);
    assert.match(await panel.locator('.compare').innerText(), /rows matched on pickup_date/);
    assert.match(await panel.locator('.compare-headline').innerText(), new RegExp(`${expected} rows? changed`));
    const revenue = panel.locator('.compare-columns tr', { hasText: 'revenue' }).first();
    assert.equal((await revenue.locator('td.number').innerText()).replace(/[^0-9]/g, ''), String(expected));
    assert.ok((await panel.locator('.compare-sample.diff-changed').count()) > 0, 'changed rows sampled');
    assert.match(await panel.locator('.compare-sample.diff-changed').first().innerText(), /revenue: .+ → .+/);
  };
  await eventually(diffShown, 180_000);
  await editor.screenshot('dev-prod-compare');
  assert.equal(digest(prodFile), prodBefore, 'the compare wrote nothing');

  // While deferring, the asset built on dev has a Compare lens: it compares with prod without asking.
  await panel.locator('button', { hasText: 'Rows on dev' }).click();
  await panel.locator('.grid-rows .row').first().waitFor({ timeout: 120_000 });
  await editor.openFile(DAILY);
  await (await editor.waitForCodeLens(/^Compare$/, 60_000)).click();
  await eventually(diffShown, 180_000);
  assert.equal(await editor.page.locator('.quick-input-widget .quick-input-list').isVisible(), false, 'no target was asked for');
});

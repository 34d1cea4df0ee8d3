// The data panel in a real VS Code (code-server) with the packaged extension:
// Materialize, then the Preview lens shows the rows; sort by a header; filter and remove the filter; the
// Profile tab; Run Query on a scratch .sql file; the protected target read with no prompt;
// Ctrl+C copies cells and rows; Export writes a CSV file; the panel comes back after a reload.
import * as assert from 'node:assert/strict';
import { copyFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { eventually, startEditor, type Editor } from './harness/editor';

let editor: Editor;
const ZONES = 'assets/raw/zones.sql';

before(async () => {
  editor = await startEditor({ workspace: 'examples/nyc_taxi', label: 'data' });
});

after(async () => {
  await editor?.close();
});

function lensText(text: string | RegExp) {
  return editor.page.locator('.codelens-decoration', { hasText: text }).first();
}

/** The first data cell of each drawn row in a column (1-based, after the row number). */
async function columnTexts(column: number): Promise<string[]> {
  return editor.webview().locator(`.grid-rows .row .cell:nth-child(${column + 1})`).allInnerTexts();
}

test('Materialize, then Preview shows the rows with their columns and the SQL that ran', { timeout: 420_000 }, async () => {
  await editor.openFile(ZONES);
  await lensText('never materialized').waitFor({ timeout: 120_000 });
  assert.ok(!(await editor.codeLenses()).includes('Preview'), 'nothing to preview before the first materialization');
  await (await editor.waitForCodeLens('▶ Materialize', 120_000)).click();
  await editor.waitForNotification("Materialized raw/zones on 'dev'", 120_000);
  await (await editor.waitForCodeLens('Preview', 60_000)).click();
  const panel = editor.webview();
  await panel.locator('.grid-rows .row .cell.text', { hasText: 'Manhattan' }).first().waitFor({ timeout: 120_000 });
  assert.match(await panel.locator('.count').innerText(), /^20 rows/);
  const heads = await panel.locator('.grid-header .cell.head .name').allInnerTexts();
  assert.deepEqual(heads, ['id', 'borough', 'zone']);
  assert.match(await panel.locator('.grid-header').innerText(), /INTEGER/);
  assert.match(await panel.locator('code.sql').innerText(), /FROM "raw"\."zones"/);
  assert.deepEqual((await columnTexts(1)).slice(0, 3), ['1', '2', '3']);
  // The panel reports when the first rows were on screen; the log says how long after the command.
  const drawn = await editor.waitForExtensionLog(/Data: \d+ rows of raw\/zones on 'dev' drawn (\d+) ms after the command/, 30_000);
  console.log(`first rows drawn: ${/drawn (\d+) ms/.exec(drawn)?.[1]} ms after Preview`);
  await editor.screenshot('data-preview');
});

test('a header click sorts in DuckDB', { timeout: 180_000 }, async () => {
  const panel = editor.webview();
  const idHead = panel.locator('.grid-header .cell.head', { hasText: 'id' }).first();
  await idHead.click();
  await eventually(async () => assert.match(await panel.locator('code.sql').innerText(), /ORDER BY "id" ASC/), 60_000);
  await idHead.click();
  await eventually(async () => {
    assert.match(await panel.locator('code.sql').innerText(), /ORDER BY "id" DESC NULLS LAST/);
    assert.deepEqual((await columnTexts(1)).slice(0, 2), ['20', '19']);
  }, 60_000);
  await editor.screenshot('data-sorted');
});

test('the filter button of a header filters in DuckDB, and the filter chip removes the filter', { timeout: 180_000 }, async () => {
  const panel = editor.webview();
  await panel.locator('.grid-header .cell.head', { hasText: 'borough' }).first().locator('button.filter').click();
  // A text column's filter is 'contains' (any case) unless another operator is picked.
  assert.equal(await panel.locator('.filter-form select').inputValue(), 'contains');
  await panel.locator('.filter-form input').fill('queens');
  await panel.locator('.filter-form button[type=submit]').click();
  await eventually(async () => {
    assert.match(await panel.locator('.count').innerText(), /^5 rows/);
    assert.match(await panel.locator('code.sql').innerText(), /WHERE contains\(lower\(CAST\("borough" AS VARCHAR\)\)/);
    // The sort of the previous test stays.
    assert.deepEqual(await columnTexts(1), ['14', '13', '12', '11', '10']);
  }, 60_000);
  assert.equal(await panel.locator('.filters .chip').innerText(), 'borough contains "queens"');
  await panel.locator('.filters .chip button').click();
  await eventually(async () => {
    assert.match(await panel.locator('.count').innerText(), /^20 rows/);
    assert.equal(await panel.locator('.filters .chip').count(), 0);
    assert.deepEqual((await columnTexts(1)).slice(0, 2), ['20', '19']);
  }, 60_000);
  // A filter nothing matches says so; removing it brings the rows back and the sentence goes.
  await panel.locator('.grid-header .cell.head', { hasText: 'borough' }).first().locator('button.filter').click();
  await panel.locator('.filter-form input').fill('no such borough');
  await panel.locator('.filter-form button[type=submit]').click();
  await eventually(async () => assert.equal(await panel.locator('.status').innerText(), 'No rows match the filters.'), 60_000);
  await panel.locator('.filters .chip button').click();
  await eventually(async () => {
    assert.match(await panel.locator('.count').innerText(), /^20 rows/);
    assert.equal((await panel.locator('.status').innerText()).trim(), '');
  }, 60_000);
});

test('the Profile tab summarizes each column with a histogram for numbers', { timeout: 180_000 }, async () => {
  const panel = editor.webview();
  await panel.locator('button.tab', { hasText: 'Profile' }).click();
  const borough = panel.locator('.profile-table tr', { hasText: 'borough' }).first();
  await borough.waitFor({ timeout: 120_000 });
  const id = panel.locator('.profile-table tr', { hasText: 'INTEGER' }).first();
  await id.locator('svg.histogram rect').first().waitFor({ timeout: 30_000 });
  assert.match(await panel.locator('code.sql').innerText(), /SUMMARIZE/);
  await editor.screenshot('data-profile');
  await panel.locator('button.tab', { hasText: 'Data' }).click();
});

test('Run Query on a scratch .sql file shows its rows in the same panel', { timeout: 240_000 }, async () => {
  mkdirSync(join(editor.workspaceDir, 'scratch'), { recursive: true });
  writeFileSync(join(editor.workspaceDir, 'scratch', 'boroughs.sql'), 'select borough, count(*) as zones\nfrom raw.zones\ngroup by all\norder by zones desc, borough;\n');
  await editor.openFile('scratch/boroughs.sql');
  await editor.runCommand('Asset Studio: Run Query');
  const panel = editor.webview();
  await eventually(async () => {
    assert.deepEqual(await panel.locator('.grid-header .cell.head .name').allInnerTexts(), ['borough', 'zones']);
    assert.equal((await columnTexts(1))[0], 'Manhattan');
  }, 120_000);
  assert.match(await panel.locator('code.sql').innerText(), /FROM \(\s*select borough.*\) AS "query"/);
  await editor.screenshot('data-query');
});

test('the protected target is read with no prompt (reads never write)', { timeout: 240_000 }, async () => {
  const dir = join(editor.workspaceDir, '.asset-studio');
  // prod as a copy of dev: the point is that reading it asks nothing.
  copyFileSync(join(dir, 'dev.duckdb'), join(dir, 'prod.duckdb'));
  await editor.openFile(ZONES);
  await (await editor.waitForCodeLens('Preview', 60_000)).click();
  const panel = editor.webview();
  await panel.locator('.grid-rows .row .cell.text', { hasText: 'Manhattan' }).first().waitFor({ timeout: 120_000 });
  await panel.locator('.toolbar select').selectOption('prod');
  await eventually(async () => {
    assert.equal(await panel.locator('.toolbar select').inputValue(), 'prod');
    assert.match(await panel.locator('.count').innerText(), /^20 rows/);
  }, 60_000);
  assert.equal(await editor.page.locator('.monaco-dialog-box').count(), 0, 'no confirmation dialog');
  assert.match(await editor.statusBarText(), /dev/, 'the workspace target is unchanged');
  await editor.screenshot('data-prod');
});

test('Ctrl+C copies the selected cell, and Shift-selected rows as TSV with a header', { timeout: 180_000 }, async () => {
  await editor.page.context().grantPermissions(['clipboard-read', 'clipboard-write'], { origin: new URL(editor.page.url()).origin });
  const panel = editor.webview();
  const firstRow = panel.locator('.grid-rows .row').first();
  await firstRow.locator('.cell.text', { hasText: 'Manhattan' }).first().waitFor({ timeout: 60_000 });
  const zone = (await firstRow.locator('.cell').nth(3).innerText()).trim();
  await firstRow.locator('.cell').nth(3).click();
  await editor.page.keyboard.press('Control+c');
  await eventually(async () => assert.equal(await editor.page.evaluate<string>('navigator.clipboard.readText()'), zone), 30_000);
  await editor.page.keyboard.press('Shift+ArrowDown');
  await editor.page.keyboard.press('Control+c');
  await eventually(async () => {
    const lines = (await editor.page.evaluate<string>('navigator.clipboard.readText()')).split('\n');
    assert.deepEqual(lines[0]!.split('\t'), ['id', 'borough', 'zone']);
    assert.equal(lines.length, 3);
    assert.equal(lines[1]!.split('\t')[2], zone);
  }, 30_000);
});

test('Export writes the view to the CSV file picked in the save dialog', { timeout: 180_000 }, async () => {
  const out = join(editor.workspaceDir, 'zones-export.csv');
  await editor.clearNotifications();
  await editor.webview().locator('button.export', { hasText: 'CSV' }).click();
  // The editor's own save dialog (a path box in the browser): type the file and accept.
  const input = editor.page.locator('.quick-input-widget .quick-input-box input');
  await input.waitFor({ state: 'visible', timeout: 60_000 });
  // The dialog proposes the asset's name beside the workspace; it fills the box a moment after it shows.
  await eventually(async () => assert.match(await input.inputValue(), /raw_zones\.csv$/), 30_000);
  await input.fill(out);
  await eventually(async () => assert.equal(await input.inputValue(), out), 10_000);
  await editor.page.keyboard.press('Enter');
  await editor.waitForNotification(/exported 20 rows to .*zones-export\.csv/, 60_000);
  assert.ok(existsSync(out));
  const lines = readFileSync(out, 'utf8').trim().split('\n');
  assert.equal(lines[0], 'id,borough,zone');
  assert.equal(lines.length, 21);
});

test('after a window reload the panel comes back showing the same asset and target', { timeout: 300_000 }, async () => {
  await editor.runCommand('Developer: Reload Window');
  await editor.page.locator('.monaco-workbench .part.statusbar').waitFor({ timeout: 120_000 });
  await editor.page.locator('.tab', { hasText: 'Data: raw/zones' }).first().click({ timeout: 120_000 });
  const panel = editor.webview();
  await panel.locator('.grid-rows .row .cell.text', { hasText: 'Manhattan' }).first().waitFor({ timeout: 120_000 });
  assert.equal(await panel.locator('.toolbar select').inputValue(), 'prod', 'the target chosen in the panel is kept');
  assert.match(await panel.locator('.count').innerText(), /^20 rows/);
  await editor.screenshot('data-after-reload');
});

// The data panel in a real VS Code (code-server) with the packaged extension:
// Materialize, then the Preview lens shows the rows; sort by a header; the
// Profile tab; Run Query on a scratch .sql file; the protected target read with no prompt.
import * as assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
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

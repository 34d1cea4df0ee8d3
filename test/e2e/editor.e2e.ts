// The three daily actions in a real VS Code (code-server) with the packaged
// extension: click ▶ Materialize above an asset and find the table in the
// DuckDB file; break a check and read it in Problems at its line with the
// previous data kept, fix it and see the problem go; switch to the protected
// `prod` target through the status bar (confirming by name) and materialize there.
import * as assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { eventually, startEditor, type Editor } from './harness/editor';
import { countRows, hasTable } from '../support/duckdbFileRead';

let editor: Editor;
const ZONES = 'assets/raw/zones.sql';

before(async () => {
  editor = await startEditor({ workspace: 'examples/nyc_taxi', label: 'editor' });
});

after(async () => {
  await editor?.close();
});

async function clearNotifications(): Promise<void> {
  await editor.runCommand('Notifications: Clear All Notifications');
}

async function waitForNotification(text: string | RegExp, timeout = 120_000): Promise<string> {
  const toast = editor.page.locator('.notification-toast', { hasText: text }).first();
  await toast.waitFor({ state: 'visible', timeout });
  return (await toast.innerText()).trim();
}

/** A lens by its text, whether a link or a plain label (the state lens has no command). */
function lensText(text: string | RegExp) {
  return editor.page.locator('.codelens-decoration', { hasText: text }).first();
}

async function clickMaterialize(): Promise<void> {
  await (await editor.waitForCodeLens('▶ Materialize', 120_000)).click();
}

test('▶ Materialize above an asset writes its table into the DuckDB file', { timeout: 300_000 }, async () => {
  await editor.openFile(ZONES);
  await lensText('never materialized').waitFor({ timeout: 120_000 });
  await eventually(async () => {
    const lenses = await editor.codeLenses();
    for (const expected of ['▶ Materialize', '+ upstream', 'Lineage']) assert.ok(lenses.includes(expected), `lenses: ${lenses.join(' | ')}`);
  }, 30_000);

  await clickMaterialize();
  const message = await waitForNotification("Materialized raw/zones on 'dev'");
  const rows = await countRows(join(editor.workspaceDir, '.asset-studio', 'dev.duckdb'), 'raw', 'zones');
  assert.ok(rows > 0);
  assert.match(message, new RegExp(`${rows} rows`));
  // The lens now says what landed, and that the checks passed.
  await lensText(new RegExp(`${rows} rows · `)).waitFor({ timeout: 30_000 });
  await editor.waitForCodeLens(/^✓ \d+ checks$/, 30_000);
  await editor.screenshot('editor-codelens');
});

test('the Assets view lists assets by group with their state on the current target', { timeout: 300_000 }, async () => {
  await editor.runCommand('Asset Studio: Focus on Assets View');
  const view = editor.page.locator('.pane', { has: editor.page.locator('.pane-header', { hasText: /Assets/i }) });
  for (const group of ['analytics', 'raw']) await view.locator('.monaco-list-row', { hasText: new RegExp(`^\\s*${group}`) }).first().waitFor({ timeout: 60_000 });
  const zones = view.locator('.monaco-list-row', { hasText: 'raw/zones' }).first();
  await zones.waitFor();
  await eventually(async () => assert.match(await zones.innerText(), /\d+ rows/), 30_000);
  assert.match(await view.locator('.monaco-list-row', { hasText: 'analytics/daily_trips' }).first().innerText(), /never materialized/);
  await editor.screenshot('editor-assets-view');
});

test('the Testing view lists each asset with its checks and runs one asset\'s checks', { timeout: 300_000 }, async () => {
  await editor.runCommand('Testing: Focus on Test Explorer View');
  const row = editor.page.locator('.test-explorer .monaco-list-row', { hasText: 'raw/zones' }).first();
  await row.waitFor({ timeout: 60_000 });
  for (const key of ['raw/taxi_trips', 'analytics/daily_trips']) {
    await editor.page.locator('.test-explorer .monaco-list-row', { hasText: key }).first().waitFor();
  }
  await clearNotifications();
  await row.hover();
  await row.locator('.action-label[aria-label^="Run Test"]').click();
  await waitForNotification("Checked raw/zones on 'dev'");
  await row.locator('.codicon-testing-passed-icon').waitFor({ timeout: 30_000 });
  await editor.screenshot('editor-testing-view');
  await editor.runCommand('View: Show Explorer');
  await editor.openFile(ZONES);
});

test('a failing check shows in Problems at its own line, keeps the previous data, and clears once fixed', { timeout: 300_000 }, async () => {
  const file = join(editor.workspaceDir, ZONES);
  const dbFile = join(editor.workspaceDir, '.asset-studio', 'dev.duckdb');
  const before = await countRows(dbFile, 'raw', 'zones');
  const original = readFileSync(file, 'utf8');
  const checksBefore = Number(/(\d+) checks/.exec((await editor.codeLenses()).join(' '))?.[1]);
  assert.ok(checksBefore > 0);
  // Only Manhattan allowed: the other boroughs fail this new check.
  const broken = original.replace('checks:\n', 'checks:\n  - accepted_values: { column: borough, values: [Manhattan] }\n');
  assert.notEqual(broken, original);
  const checkLine = broken.split('\n').findIndex((l) => l.includes('values: [Manhattan]')) + 1;
  try {
    writeFileSync(file, broken);
    await lensText(`${checksBefore + 1} checks`).waitFor({ timeout: 60_000 });

    await clearNotifications();
    await clickMaterialize();
    await waitForNotification(/raw\/zones failed on 'dev'/);
    const failing = await eventually(async () => {
      const found = (await editor.problems()).filter((p) => p.code === 'check.failed');
      assert.equal(found.length, 1, JSON.stringify(found));
      return found[0]!;
    }, 30_000);
    assert.equal(failing.line, checkLine);
    assert.equal(failing.severity, 'error');
    assert.match(failing.message, /accepted_values_borough/);
    assert.match(failing.file, /zones\.sql/);
    assert.equal(await countRows(dbFile, 'raw', 'zones'), before, 'the previous data is kept');
    // Focus is in Problems now: the lens must still follow the run.
    await lensText(/✗ 1 of \d+ checks/).waitFor({ timeout: 30_000 });
    await editor.screenshot('editor-problems');
  } finally {
    // Whatever failed above, the next tests start from the example as written.
    writeFileSync(file, original);
  }
  await lensText(new RegExp(`(^|\\s)${checksBefore} checks`)).waitFor({ timeout: 60_000 });
  await clearNotifications();
  await clickMaterialize();
  await waitForNotification("Materialized raw/zones on 'dev'");
  await eventually(async () => {
    assert.deepEqual((await editor.problems()).filter((p) => p.code === 'check.failed'), []);
  }, 30_000);
});

test('a long run shows progress and Cancel stops it, writing nothing', { timeout: 300_000 }, async () => {
  const rel = 'assets/raw/slow_sum.sql';
  const file = join(editor.workspaceDir, rel);
  // Tens of billions of rows: minutes of work, so only the cancellation can end it in time.
  writeFileSync(file, '/* @asset\nname: raw.slow_sum\n*/\nselect sum(a.range * b.range) as total from range(200000) a, range(200000) b\n');
  try {
    await editor.openFile(rel);
    await clearNotifications();
    await clickMaterialize();
    const progress = editor.page.locator('.notification-toast', { hasText: "Materializing raw/slow_sum on 'dev'" }).first();
    await progress.waitFor({ state: 'visible', timeout: 60_000 });
    await editor.waitForExtensionLog(/raw\/slow_sum: CREATE OR REPLACE TABLE/, 60_000);
    await progress.locator('.monaco-button', { hasText: 'Cancel' }).click();
    await waitForNotification(/Cancelled on 'dev': raw\/slow_sum/, 60_000);
    assert.equal(await hasTable(join(editor.workspaceDir, '.asset-studio', 'dev.duckdb'), 'slow_sum'), false, 'nothing half-written');
  } finally {
    const { rmSync } = await import('node:fs');
    rmSync(file, { force: true });
  }
  await editor.openFile(ZONES);
});

test('switching to prod asks by name, colours the status bar, and every run there asks again', { timeout: 300_000 }, async () => {
  const prodFile = join(editor.workspaceDir, '.asset-studio', 'prod.duckdb');
  await editor.statusBarItem().click();
  const prodRow = editor.page.locator('.quick-input-list .monaco-list-row', { hasText: /^\s*prod/ }).first();
  await prodRow.waitFor();
  await prodRow.click();
  const dialog = editor.page.locator('.monaco-dialog-box');
  await dialog.waitFor({ state: 'visible' });
  assert.match(await dialog.innerText(), /protected target 'prod'/);
  await dialog.locator('.monaco-button', { hasText: 'Switch to prod' }).click();
  await eventually(async () => assert.equal(await editor.statusBarText(), 'prod'), 30_000);
  assert.match((await editor.statusBarItem().getAttribute('class')) ?? '', /warning-kind/);
  await lensText('never materialized').waitFor({ timeout: 30_000 });

  await clearNotifications();
  await clickMaterialize();
  await dialog.waitFor({ state: 'visible' });
  assert.match(await dialog.innerText(), /Materialize raw\/zones on the protected target 'prod'/);
  await editor.screenshot('editor-prod-confirmation');
  await dialog.locator('.monaco-button', { hasText: 'Run on prod' }).click();
  await waitForNotification("Materialized raw/zones on 'prod'");
  assert.ok((await countRows(prodFile, 'raw', 'zones')) > 0);
  await lensText(/\d+ rows · /).waitFor({ timeout: 30_000 });
  await editor.screenshot('editor-prod');

  // The choice is the workspace's: it survives a reload of the window.
  await editor.runCommand('Developer: Reload Window');
  await editor.page.locator('.monaco-workbench .part.statusbar').waitFor({ timeout: 120_000 });
  await eventually(async () => assert.equal(await editor.statusBarText('assetStudio.target', 120_000), 'prod'), 120_000);
  assert.match((await editor.statusBarItem().getAttribute('class')) ?? '', /warning-kind/);
  await editor.openFile(ZONES);
  await lensText(/\d+ rows · /).waitFor({ timeout: 120_000 });
});

test('the Lineage lens opens the lineage panel', { timeout: 300_000 }, async () => {
  await (await editor.waitForCodeLens(/^Lineage$/, 60_000)).click();
  await editor.page.locator('.tab', { hasText: 'Asset Lineage' }).first().waitFor({ timeout: 60_000 });
  // The panel opens on the neighbourhood of the asset whose lens was clicked.
  await editor.webview().locator('g.node.focused', { hasText: 'zones' }).first().waitFor({ timeout: 60_000 });
  await editor.screenshot('editor-lineage-from-lens');
});

test('the MotherDuck token goes to secret storage only: never in settings, the log or a message', { timeout: 300_000 }, async () => {
  const token = `md-e2e-${Date.now()}-secret`;
  // Through the palette by hand: the command opens an input box, which the harness' runCommand would wait to close.
  const input = editor.page.locator('.quick-input-widget .quick-input-box input');
  await editor.page.keyboard.press('F1');
  await input.fill('>Asset Studio: Set MotherDuck Token');
  await editor.page.locator('.quick-input-list .quick-input-list-entry', { hasText: 'Set MotherDuck Token' }).first().click();
  await eventually(async () => assert.equal(await input.getAttribute('type'), 'password'), 30_000);
  await input.fill(token);
  await editor.page.keyboard.press('Enter');
  await waitForNotification('MotherDuck token saved in secret storage');

  // Switch to the MotherDuck target and try to run there: offline here, so it could not run (not 'failed'), saying why.
  await editor.statusBarItem().click();
  const row = editor.page.locator('.quick-input-list .monaco-list-row', { hasText: /^\s*cloud/ }).first();
  await row.waitFor();
  await row.click();
  const dialog = editor.page.locator('.monaco-dialog-box');
  await dialog.waitFor({ state: 'visible' });
  await dialog.locator('.monaco-button', { hasText: 'Switch to cloud' }).click();
  await eventually(async () => assert.equal(await editor.statusBarText(), 'cloud'), 30_000);
  await clearNotifications();
  await clickMaterialize();
  await dialog.waitFor({ state: 'visible' });
  await dialog.locator('.monaco-button', { hasText: 'Run on cloud' }).click();
  const failure = await waitForNotification(/Target 'cloud'.*MotherDuck/, 120_000);
  assert.match(failure, /md:nyc_taxi/);
  assert.doesNotMatch(failure, new RegExp(token));
  assert.match(failure, /could not run/);
  await editor.waitForExtensionLog(/Materialize raw\/zones could not run on 'cloud'/);
  assert.doesNotMatch(editor.extensionLog(), /Materialize raw\/zones on 'cloud' failed/);

  const { readdirSync, statSync } = await import('node:fs');
  const everyFile = (dir: string): string[] =>
    readdirSync(dir).flatMap((name) => {
      const p = join(dir, name);
      return statSync(p).isDirectory() ? everyFile(p) : [p];
    });
  assert.doesNotMatch(editor.extensionLog(), new RegExp(token), 'the log never holds the token');
  assert.doesNotMatch(readFileSync(join(editor.userDataDir, 'User', 'settings.json'), 'utf8'), new RegExp(token));
  for (const f of everyFile(editor.workspaceDir).filter((f) => !f.endsWith('.parquet') && !f.endsWith('.duckdb'))) {
    assert.doesNotMatch(readFileSync(f, 'utf8'), new RegExp(token), `${f} does not hold the token`);
  }
  await editor.screenshot('editor-motherduck-offline');
});

test('an untrusted workspace gets lenses and problems but refuses to materialize, saying why', { timeout: 300_000 }, async () => {
  const untrusted = await startEditor({ workspace: 'examples/nyc_taxi', label: 'editor-untrusted', trusted: false });
  try {
    const page = untrusted.page;
    // Restricted mode may ask first: stay untrusted.
    const dontTrust = page.locator('.monaco-dialog-box .monaco-button', { hasText: /No, I don.t trust/ });
    if (await dontTrust.isVisible({ timeout: 15_000 }).catch(() => false)) await dontTrust.click();
    await untrusted.openFile(ZONES);
    const lens = await untrusted.waitForCodeLens('▶ Materialize', 120_000);
    await lens.click();
    const toast = page.locator('.notification-toast', { hasText: 'not trusted' }).first();
    await toast.waitFor({ state: 'visible', timeout: 60_000 });
    assert.match(await toast.innerText(), /materializing is disabled because this workspace is not trusted/);
    await untrusted.screenshot('editor-untrusted');
    const { existsSync } = await import('node:fs');
    assert.equal(existsSync(join(untrusted.workspaceDir, '.asset-studio', 'dev.duckdb')), false, 'nothing was written');
  } finally {
    await untrusted.close();
  }
});

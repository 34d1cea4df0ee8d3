// Go to definition and hover on an asset reference, in a real VS Code
// (code-server) with the packaged extension and the example project: F12 on
// `from raw.taxi_trips` opens the file that defines raw/taxi_trips, and a
// hover on it shows the asset's key with its state and links.
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { eventually, startEditor, type Editor } from './harness/editor';

let editor: Editor;
const DAILY = 'assets/analytics/daily_trips.sql';

before(async () => {
  editor = await startEditor({ workspace: 'examples/nyc_taxi', label: 'language-features' });
});

after(async () => {
  await editor?.close();
});

/** Puts the cursor on a 1-based line and column through Quick Open's `:line:column`. */
async function goTo(line: number, column: number): Promise<void> {
  const input = editor.page.locator('.quick-input-widget .quick-input-box input');
  await editor.page.keyboard.press('Control+P');
  await input.waitFor({ state: 'visible' });
  await input.fill(`:${line}:${column}`);
  await editor.page.keyboard.press('Enter');
  await input.waitFor({ state: 'hidden' });
}

/** Where `raw.taxi_trips` is read in the example's daily_trips.sql, in the middle of the name. */
function referencePosition(): { line: number; column: number } {
  const lines = readFileSync(join(editor.workspaceDir, DAILY), 'utf8').split('\n');
  const line = lines.findIndex((l) => /^\s*from raw\.taxi_trips\b/.test(l));
  assert.ok(line >= 0, 'daily_trips.sql reads from raw.taxi_trips');
  return { line: line + 1, column: lines[line]!.indexOf('raw.taxi_trips') + 6 };
}

test('F12 on `from raw.taxi_trips` opens the file that defines raw/taxi_trips', { timeout: 300_000 }, async () => {
  await editor.openFile(DAILY);
  // The lenses appear once discovery has read the workspace: the graph the provider answers from.
  await editor.waitForCodeLens('Lineage', 120_000);
  const at = referencePosition();
  await eventually(async () => {
    await goTo(at.line, at.column);
    await editor.page.keyboard.press('F12');
    await editor.activeEditorFor('assets/raw/taxi_trips.sql').waitFor({ timeout: 5_000 });
  }, 60_000);
  const tab = editor.page.locator('.tabs-container .tab.active');
  assert.match((await tab.innerText()).replace(/\s/g, ''), /^taxi_trips\.sql/);
  await editor.screenshot('language-features-definition');
});

test('a hover on the reference shows the asset key, its state and its links', { timeout: 300_000 }, async () => {
  await editor.openFile(DAILY);
  const at = referencePosition();
  const hover = editor.page.locator('.monaco-hover', { hasText: 'raw/taxi_trips' }).first();
  const text = await eventually(async () => {
    await goTo(at.line, at.column);
    await editor.page.keyboard.press('Control+K');
    await editor.page.keyboard.press('Control+I');
    await hover.waitFor({ state: 'visible', timeout: 5_000 });
    return hover.innerText();
  }, 60_000);
  assert.match(text, /raw\/taxi_trips/);
  assert.match(text, /SQL asset/);
  assert.match(text, /never materialized/);
  assert.match(text, /Materialize/);
  assert.match(text, /Lineage/);
  await editor.screenshot('language-features-hover');
});

// Dagster and dbt assets in a real VS Code (code-server) with the packaged
// extension: they get the same lenses as SQL assets, and ▶ Materialize runs
// them through the delegated path — the workspace's own Dagster or dbt.
// Neither tool can be installed on this machine (no Python package index),
// so the run must end in the message that says what to install and where,
// with the command line in the log; that is what is checked here.
import * as assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { startEditor, type Editor } from './harness/editor';

const editors: Editor[] = [];

after(async () => {
  for (const e of editors) await e.close();
});

async function lensesAbove(editor: Editor, file: string): Promise<string[]> {
  await editor.openFile(file);
  await editor.waitForCodeLens('▶ Materialize', 120_000);
  return editor.codeLenses();
}

async function materializeAndReadFailure(editor: Editor, expected: RegExp): Promise<string> {
  await editor.clearNotifications();
  await (await editor.waitForCodeLens('▶ Materialize', 60_000)).click();
  // A missing tool is one notification the user can act on (Select Interpreter, Open Terminal), not a hang or a crash.
  const toast = await editor.waitForNotification(expected, 180_000);
  return toast;
}

test('a Dagster asset gets the lenses above its decorator, and Materialize runs Dagster (here: says it is not installed)', { timeout: 420_000 }, async () => {
  const editor = await startEditor({ workspace: 'test/fixtures/dagster/taxi', label: 'dagster' });
  editors.push(editor);
  const lenses = await lensesAbove(editor, 'taxi/ingest.py');
  for (const expected of ['▶ Materialize', '+ upstream', 'Lineage']) assert.ok(lenses.includes(expected), `lenses: ${lenses.join(' | ')}`);
  // Said before any run (checked when the window opened): a notification with its actions, and the status bar.
  const early = await editor.waitForNotification(/Dagster is not installed|Python interpreter '[^']+' was not found/, 120_000);
  assert.match(early, /Select Interpreter/, early);
  assert.match(await editor.statusBarText('assetStudio.environment', 60_000), /^(Dagster|Python interpreter) missing$/);
  await editor.screenshot('delegated-dagster-before-run');
  const toast = await materializeAndReadFailure(editor, /Dagster is not installed|Python interpreter '[^']+' was not found/);
  assert.match(toast, /Select Interpreter/, toast);
  assert.match(toast, /pip install dagster/, toast);
  // The log shows what was run: Dagster's own command line for this asset.
  await editor.waitForExtensionLog(/dagster asset materialize/, 60_000);
  await editor.screenshot('delegated-dagster');
});

test('a dbt model gets the lenses on its first line, and Materialize runs dbt build (here: says dbt is not installed)', { timeout: 420_000 }, async () => {
  // dbt models run in-process by default; this test is about the path through the workspace's own dbt.
  const editor = await startEditor({ workspace: 'test/fixtures/dbt/nyc_taxi_dbt', label: 'dbt', settings: { 'assetStudio.dbtRunner': 'dbt' } });
  editors.push(editor);
  const lenses = await lensesAbove(editor, 'models/staging/stg_trips.sql');
  for (const expected of ['▶ Materialize', '+ upstream', 'Lineage']) assert.ok(lenses.includes(expected), `lenses: ${lenses.join(' | ')}`);
  const toast = await materializeAndReadFailure(editor, /dbt was not found|dbt is not installed|Python interpreter '[^']+' was not found/);
  assert.match(toast, /Select Interpreter/, toast);
  assert.match(toast, /pip install dbt-duckdb/, toast);
  await editor.waitForExtensionLog(/dbt\S* build .*--select stg_trips/, 60_000);
  await editor.screenshot('delegated-dbt');
});

// An `@dbt_assets` function in a real VS Code with the packaged extension: it
// is the Dagster op that runs the dbt models, not an asset, so the lens above
// it says so and offers no Materialize of its own.
import * as assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { startEditor, type Editor } from './harness/editor';

let editor: Editor | undefined;

after(async () => {
  await editor?.close();
});

test('the lens above @dbt_assets names it as the op that runs the dbt models, with no Materialize', { timeout: 300_000 }, async () => {
  editor = await startEditor({ workspace: 'test/fixtures/dagster/taxi', label: 'dbt-op' });
  await editor.openFile('taxi/dbt.py');
  // The fixture's Dagster workspace holds no dbt project: the op runs no model found here.
  // A lens with no command renders as text, not a link: look for it in any lens decoration.
  await editor.page.locator('.codelens-decoration', { hasText: /dbt op: runs dbt models \(none in this workspace\)/ }).first().waitFor({ state: 'visible', timeout: 120_000 });
  const lenses = await editor.codeLenses();
  assert.ok(!lenses.includes('▶ Materialize'), `lenses: ${lenses.join(' | ')}`);
  await editor.screenshot('dbt-op-lens');
});

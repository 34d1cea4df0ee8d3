// The lineage panel in a real VS Code (code-server) with the packaged extension:
// every asset of the example is a node with the right edges, a click lands on
// the definition, and materializing from the panel turns the node fresh.
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { join, resolve } from 'node:path';
import { after, before, test } from 'node:test';
import { eventually, startEditor, type Editor } from './harness/editor';

let editor: Editor;
const repo = resolve(import.meta.dirname, '../..');

interface Listed {
  assets: { key: string; deps: { key: string }[] }[];
}

before(async () => {
  editor = await startEditor({ workspace: 'examples/nyc_taxi', label: 'lineage' });
});

after(async () => {
  await editor?.close();
});

/** What the CLI discovers in the same copy: the truth the panel must draw. */
function listed(): Listed {
  const out = execFileSync(process.execPath, [join(repo, 'dist/cli.js'), 'list', '--json', '--root', editor.workspaceDir], {
    encoding: 'utf8',
  });
  return JSON.parse(out) as Listed;
}

async function drawnNodes(): Promise<Map<string, string>> {
  const nodes = editor.webview().locator('g.node');
  const keys = await nodes.evaluateAll((els) => els.map((e) => [e.getAttribute('data-key') ?? '', e.getAttribute('class') ?? ''] as const));
  return new Map(keys);
}

async function drawnEdges(): Promise<Set<string>> {
  const edges = await editor
    .webview()
    .locator('path.edge')
    .evaluateAll((els) => els.map((e) => `${e.getAttribute('data-from')}>${e.getAttribute('data-to')}`));
  return new Set(edges);
}

test('the panel shows every asset as a node with the right edges', { timeout: 300_000 }, async () => {
  await editor.openFile('assets/raw/taxi_trips.sql');
  await editor.runCommand('Asset Studio: Show Lineage');
  const panel = editor.webview();
  await panel.locator('g.node').first().waitFor({ timeout: 120_000 });
  await panel.locator('#whole').click();
  const { assets } = listed();
  const keys = new Set(assets.map((a) => a.key));
  const expectedEdges = new Set(assets.flatMap((a) => a.deps.filter((d) => keys.has(d.key)).map((d) => `${d.key}>${a.key}`)));
  await eventually(async () => {
    const nodes = await drawnNodes();
    for (const key of keys) assert.ok(nodes.has(key), `node ${key} drawn`);
    const edges = await drawnEdges();
    const betweenAssets = new Set([...edges].filter((e) => keys.has(e.split('>')[0]!) && keys.has(e.split('>')[1]!)));
    assert.deepEqual([...betweenAssets].sort(), [...expectedEdges].sort());
  }, 60_000);
  await editor.screenshot('lineage-panel');
});

test('clicking a node opens its definition', { timeout: 180_000 }, async () => {
  await editor.webview().locator('g.node[data-key="analytics/daily_trips"]').click();
  await editor.activeEditorFor('assets/analytics/daily_trips.sql').waitFor({ timeout: 60_000 });
});

test('materialize from the panel and the node turns fresh', { timeout: 420_000 }, async () => {
  // Opening the definition may have covered the panel: bring it back.
  await editor.runCommand('Asset Studio: Show Lineage');
  const panel = editor.webview();
  await panel.locator('#whole').click();
  const zones = panel.locator('g.node[data-key="raw/zones"]');
  const before = (await drawnNodes()).get('raw/zones') ?? '';
  assert.doesNotMatch(before, /status-fresh/, 'raw/zones starts not fresh in a fresh copy');
  await zones.click({ button: 'right' });
  await panel.locator('#menu button[data-action="Materialize"]').click();
  await eventually(async () => {
    const cls = (await drawnNodes()).get('raw/zones') ?? '';
    assert.match(cls, /status-(fresh|checks-failing)/);
  }, 300_000);
  await editor.screenshot('lineage-after-materialize');
});

test('an open panel comes back after the window reloads, with the graph drawn, and the start reads no unchanged file', { timeout: 300_000 }, async () => {
  await editor.page.locator('.tab', { hasText: 'Asset Lineage' }).first().waitFor({ timeout: 60_000 });
  await editor.runCommand('Developer: Reload Window');
  await editor.page.locator('.monaco-workbench .part.statusbar').waitFor({ timeout: 120_000 });
  await editor.page.locator('.tab', { hasText: 'Asset Lineage' }).first().click({ timeout: 120_000 });
  // Drawn again by the restored panel, not left as an empty tab.
  await editor.webview().locator('g.node[data-key="raw/zones"]').waitFor({ timeout: 120_000 });
  await editor.screenshot('lineage-after-reload');
  // The second start took the unchanged files from the discovery cache the first one wrote.
  await editor.waitForExtensionLog(/Discovered \d+ assets .*; 0 files read, [1-9]\d* unchanged since the last start/, 60_000);
});

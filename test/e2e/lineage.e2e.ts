// The lineage panel in a real VS Code (code-server) with the packaged extension,
// in a 1500 × 950 window: every asset of the example is a node with the right
// edges, node labels are no smaller than the editor's font, a click opens the
// definition beside the panel (once) and leaves the graph as it was, and
// materializing from the panel turns the node fresh.
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { join, resolve } from 'node:path';
import { after, before, test } from 'node:test';
import { eventually, startEditor, type Editor } from './harness/editor';

let editor: Editor;
const repo = resolve(import.meta.dirname, '../..');

/** What the test reads in the page (this project has no DOM types). */
interface PageGlobals {
  getComputedStyle(el: unknown): { fontSize: string };
}

interface Listed {
  assets: { key: string; deps: { key: string }[] }[];
}

before(async () => {
  editor = await startEditor({ workspace: 'examples/nyc_taxi', label: 'lineage', viewport: { width: 1500, height: 950 } });
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

test('the panel shows every asset as a node with the right edges', { timeout: 300_000 }, async (t) => {
  await editor.openFile('assets/raw/taxi_trips.sql');
  const asked = Date.now();
  await editor.runCommand('Asset Studio: Show Lineage');
  const panel = editor.webview();
  await panel.locator('g.node').first().waitFor({ timeout: 120_000 });
  t.diagnostic(`first node drawn ${Date.now() - asked} ms after the command was chosen (first open in the window)`);
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

test('at its default size the panel draws node labels no smaller than the editor font', { timeout: 120_000 }, async (t) => {
  const editorFontPx = await editor.page
    .locator('.editor-instance .monaco-editor .view-lines')
    .first()
    .evaluate((el) => Number.parseFloat((globalThis as unknown as PageGlobals).getComputedStyle(el).fontSize));
  assert.ok(editorFontPx >= 10, `editor font ${editorFontPx}px`);
  const panel = editor.webview();
  await panel.locator('#fit').click();
  await eventually(async () => {
    // The label's font size in graph units times the scale the SVG is drawn at: what the eye sees.
    const sizes = await panel.locator('g.node text.label').evaluateAll((els) =>
      els.map(
        (el) =>
          Number.parseFloat((globalThis as unknown as PageGlobals).getComputedStyle(el).fontSize) *
          ((el as unknown as { getScreenCTM(): { a: number } | null }).getScreenCTM()?.a ?? 0),
      ),
    );
    assert.ok(sizes.length > 0, 'labels drawn');
    for (const px of sizes) assert.ok(px >= editorFontPx - 0.01, `label drawn at ${px.toFixed(2)}px, editor font ${editorFontPx}px`);
    t.diagnostic(`labels drawn at ${Math.min(...sizes).toFixed(2)} px, the editor's font ${editorFontPx} px`);
  }, 30_000);
  await editor.screenshot('lineage-readable');
});

test('clicking a node opens its definition beside the panel, once, and leaves the graph as it was', { timeout: 180_000 }, async () => {
  const panel = editor.webview();
  const viewportBefore = await panel.locator('g.viewport').getAttribute('transform');
  const nodesBefore = [...(await drawnNodes()).keys()].sort();
  const daily = panel.locator('g.node[data-key="analytics/daily_trips"]');
  await daily.click();
  await editor.activeEditorFor('assets/analytics/daily_trips.sql').waitFor({ timeout: 60_000 });
  // The panel is still on screen, in its own group, with the same nodes at the same place.
  await panel.locator('g.node[data-key="analytics/daily_trips"]').waitFor({ state: 'visible', timeout: 10_000 });
  // Longer than the panel's follow-the-editor delay: following its own click must not move it.
  await editor.page.waitForTimeout(1500);
  assert.equal(await panel.locator('g.viewport').getAttribute('transform'), viewportBefore);
  assert.deepEqual([...(await drawnNodes()).keys()].sort(), nodesBefore);
  const lineageGroup = editor.page.locator('.editor-group-container', { has: editor.page.locator('.tab', { hasText: 'Asset Lineage' }) });
  assert.equal(await lineageGroup.locator('.tab', { hasText: 'daily_trips.sql' }).count(), 0, 'not opened over the panel');
  // A second click goes to the same tab.
  await daily.click();
  await editor.page.waitForTimeout(1000);
  assert.equal(await editor.page.locator('.tab', { hasText: 'daily_trips.sql' }).count(), 1, 'one tab for the file');
  assert.equal(await panel.locator('g.viewport').getAttribute('transform'), viewportBefore);
  await editor.screenshot('lineage-after-open-definition');
  // The click also showed the asset's details (tested below); close them so they cover nothing.
  await panel.locator('#details .details-close').click();
});

test('materialize from the panel and the node turns fresh', { timeout: 420_000 }, async () => {
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

test('a warn-level check failing is yellow everywhere: node, Problems, gutter — no red', { timeout: 420_000 }, async () => {
  const panel = editor.webview();
  // daily_trips' freshness check (severity warn, 30 days) fails on the example's 2022 data.
  await panel.locator('g.node[data-key="analytics/daily_trips"]').click({ button: 'right' });
  await panel.locator('#menu button[data-action="Materialize with Upstream"]').click();
  await eventually(async () => {
    const cls = (await drawnNodes()).get('analytics/daily_trips') ?? '';
    assert.match(cls, /status-checks-warning/);
  }, 300_000);
  const daily = panel.locator('g.node[data-key="analytics/daily_trips"]');
  assert.equal(await daily.locator('.badge.failing').count(), 0, 'no red badge');
  assert.equal(await daily.locator('.badge.warning').count(), 1, 'a yellow badge');
  assert.match((await daily.locator('text.sub').textContent()) ?? '', /checks warn · 60 rows · /);
  const problems = (await editor.problems()).filter((p) => p.file.endsWith('daily_trips.sql'));
  const freshness = problems.find((p) => p.message.includes('freshness_pickup_date'));
  assert.ok(freshness, `a freshness problem among ${JSON.stringify(problems)}`);
  assert.equal(freshness.severity, 'warning');
  assert.match(freshness.message, /newest data is .+ old \(.+\), limit 30 days/);
  assert.deepEqual(problems.filter((p) => p.severity === 'error'), []);
  // The file is open beside the panel since the click above; the Explorer would open it over the panel.
  const source = editor.activeEditorFor('assets/analytics/daily_trips.sql');
  await source.locator('.codicon-testing-passed-icon').first().waitFor({ timeout: 30_000 });
  assert.equal(await source.locator('.codicon-testing-failed-icon, .codicon-testing-error-icon').count(), 0, 'no red test icon in the gutter');
  assert.equal(await source.locator('.squiggly-error').count(), 0, 'no red squiggle');
  await editor.screenshot('lineage-warn-check');
  // Problems took half the height: the graph no longer fits at a readable scale, so the overview shows.
  await panel.locator('#overview').waitFor({ state: 'visible', timeout: 10_000 });
  await editor.runCommand('View: Hide Panel');
  // With the height back, it fits again, and the overview has nothing to add.
  await panel.locator('#overview').waitFor({ state: 'hidden', timeout: 10_000 });
  await editor.screenshot('lineage-warn-check-panel');
});

test('a click shows the asset\'s details in the panel: checks with their results, neighbours, last runs, actions', { timeout: 180_000 }, async () => {
  await editor.runCommand('Asset Studio: Show Lineage');
  const panel = editor.webview();
  await panel.locator('g.node[data-key="analytics/daily_trips"]').click();
  const details = panel.locator('#details');
  await details.waitFor({ state: 'visible', timeout: 30_000 });
  await eventually(async () => {
    const text = await details.innerText();
    assert.match(text, /analytics\/daily_trips/);
    assert.match(text, /Relation\s+analytics\.daily_trips/);
    assert.match(text, /freshness_pickup_date\s+warned/);
    assert.match(text, /newest data is .+ old .*limit 30 days/);
    assert.match(text, /Upstream \(1\)\s+raw\/taxi_trips/);
    assert.match(text, /Last runs on dev\s+success · 60 rows/);
  }, 30_000);
  for (const action of ['Materialize', 'Run Checks', 'Open Definition', 'Preview', 'Compare…']) {
    assert.equal(await details.locator(`button[data-action="${action}"]`).count(), 1, action);
  }
  await editor.screenshot('lineage-details');
  // Compare asks which target to compare dev with (Compare with Target… on this asset).
  await details.locator('button[data-action="Compare…"]').click();
  const picker = editor.page.locator('.quick-input-widget', { hasText: 'Compare dev with' });
  await picker.waitFor({ state: 'visible', timeout: 30_000 });
  assert.equal(await picker.locator('.quick-input-list .monaco-list-row', { hasText: /^\s*prod/ }).count(), 1, 'prod offered');
  await editor.page.keyboard.press('Escape');
  await picker.waitFor({ state: 'hidden' });
  // A neighbour's name selects it.
  await details.locator('button.details-link', { hasText: 'raw/taxi_trips' }).click();
  await eventually(async () => assert.match(await details.innerText(), /^raw\/taxi_trips/), 30_000);
  await details.locator('.details-close').click();
  await details.waitFor({ state: 'hidden' });
  // The node's menu offers Compare with Target… too.
  await panel.locator('g.node[data-key="analytics/daily_trips"]').click({ button: 'right' });
  assert.equal(await panel.locator('#menu button[data-action="Compare with Target…"]').count(), 1, 'Compare on the node menu');
  await editor.page.keyboard.press('Escape');
  await panel.locator('#menu').waitFor({ state: 'hidden' });
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

test('a MotherDuck target without a token is said at the switch, with the action that fixes it, before any run is confirmed', { timeout: 300_000 }, async () => {
  await editor.clearNotifications();
  await editor.statusBarItem().click();
  const row = editor.page.locator('.quick-input-list .monaco-list-row', { hasText: /^\s*cloud/ }).first();
  await row.waitFor();
  await row.click();
  const dialog = editor.page.locator('.monaco-dialog-box');
  await dialog.waitFor({ state: 'visible' });
  await dialog.locator('.monaco-button', { hasText: 'Switch to cloud' }).click();
  const notice = editor.page.locator('.notification-toast', { hasText: /Target 'cloud' \(MotherDuck md:nyc_taxi\) has no token/ }).first();
  await notice.waitFor({ state: 'visible', timeout: 60_000 });
  assert.equal(await notice.locator('.monaco-button', { hasText: 'Set MotherDuck Token' }).count(), 1);
  await editor.screenshot('lineage-motherduck-no-token');
  // A run there says it again at once, instead of asking to confirm a run that cannot connect.
  await editor.clearNotifications();
  await editor.runCommand('Asset Studio: Show Lineage');
  await editor.webview().locator('g.node[data-key="raw/zones"]').click({ button: 'right' });
  await editor.webview().locator('#menu button[data-action="Materialize"]').click();
  await notice.waitFor({ state: 'visible', timeout: 60_000 });
  assert.equal(await dialog.isVisible(), false, 'no confirmation was asked');
  // Back to dev for whatever runs next.
  await editor.statusBarItem().click();
  await editor.page.locator('.quick-input-list .monaco-list-row', { hasText: /^\s*dev/ }).first().click();
  await eventually(async () => assert.equal(await editor.statusBarText(), 'dev'), 30_000);
});

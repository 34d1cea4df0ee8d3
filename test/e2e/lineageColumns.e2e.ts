// Column lineage in the lineage panel, in a real VS Code (code-server) with the
// packaged extension: expand a node to its columns, select one, and its
// upstream columns — in another asset and in the file it is read from — are
// highlighted (their nodes expanded on their own) with how they feed it;
// Escape clears it all.
import * as assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { eventually, startEditor, type Editor } from './harness/editor';

let editor: Editor;

before(async () => {
  editor = await startEditor({ workspace: 'examples/nyc_taxi', label: 'lineage-columns', viewport: { width: 1500, height: 950 } });
});

after(async () => {
  await editor?.close();
});

/** Each drawn column row of a node: its name and classes (`col-row role-upstream via-copy`). */
async function rows(key: string): Promise<Map<string, string>> {
  const found = await editor
    .webview()
    .locator(`g.node[data-key="${key}"] g.col-row`)
    .evaluateAll((els) => els.map((e) => [e.getAttribute('data-column') ?? '', e.getAttribute('class') ?? ''] as const));
  return new Map(found);
}

test('expand a node to its columns, select one: its upstream columns are highlighted across the graph', { timeout: 300_000 }, async (t) => {
  await editor.openFile('assets/analytics/trips_by_borough.sql');
  await editor.runCommand('Asset Studio: Show Lineage');
  const panel = editor.webview();
  await panel.locator('g.node').first().waitFor({ timeout: 120_000 });
  await panel.locator('#whole').click();
  const borough = panel.locator('g.node[data-key="analytics/trips_by_borough"]');
  await borough.waitFor({ timeout: 60_000 });

  // Its chevron expands it; the columns come from the extension (DuckDB's parse of the query).
  await borough.locator('.col-toggle').click();
  await eventually(async () => assert.deepEqual([...(await rows('analytics/trips_by_borough')).keys()], ['borough', 'trips', 'avg_fare']), 60_000);
  assert.equal(await panel.locator('g.node[data-key="raw/taxi_trips"] g.col-row').count(), 0, 'only the node asked for is expanded');

  await borough.locator('g.col-row[data-column="avg_fare"]').click();
  await eventually(async () => {
    const own = await rows('analytics/trips_by_borough');
    assert.match(own.get('avg_fare') ?? '', /role-selected/);
    assert.doesNotMatch(own.get('borough') ?? '', /role-/, 'an unrelated column of the same asset stays plain');
    // avg(fare_amount): taxi_trips, expanded by the trace, shows its fare_amount as an upstream transformed into it.
    const trips = await rows('raw/taxi_trips');
    assert.match(trips.get('fare_amount') ?? '', /role-upstream.*via-transformation/);
    assert.doesNotMatch(trips.get('tip_amount') ?? '', /role-/);
    // And further up, the Parquet files it is copied from.
    const parquet = await panel.locator('g.node[data-key^="read_parquet("] g.col-row[data-column="fare_amount"]').getAttribute('class');
    assert.match(parquet ?? '', /role-upstream/);
  }, 60_000);
  const links = await panel.locator('path.col-link').evaluateAll((els) => els.map((e) => e.getAttribute('class')));
  assert.ok(links.includes('col-link transformation'), `column links drawn: ${links.join(', ')}`);
  assert.match((await panel.locator('#status').textContent()) ?? '', /column avg_fare: 2 upstream, 0 downstream/);
  await editor.screenshot('lineage-columns');
  t.diagnostic(`column links drawn: ${links.length}`);

  // Escape clears the highlight and folds the nodes the trace opened; the node the user opened stays open.
  await panel.locator('#status').click();
  await editor.page.keyboard.press('Escape');
  await eventually(async () => {
    assert.equal(await panel.locator('g.col-row[class*="role-"]').count(), 0);
    assert.equal(await panel.locator('g.node[data-key="raw/taxi_trips"] g.col-row').count(), 0);
    assert.equal((await rows('analytics/trips_by_borough')).size, 3);
  }, 30_000);
});

/** What the edge check reads in the page (this project has no DOM types). */
interface SvgPath {
  getAttribute(name: string): string | null;
  getTotalLength(): number;
  getPointAtLength(at: number): { matrixTransform(m: unknown): { x: number; y: number } };
  getScreenCTM(): unknown;
  closest(selector: string): SvgPath | null;
  getBoundingClientRect(): { left: number; right: number; top: number; bottom: number };
  querySelectorAll(selector: string): ArrayLike<SvgPath>;
}

test('no edge is drawn behind a node it does not connect (read_parquet → taxi_trips goes around zones); a source lists the columns read from it', { timeout: 180_000 }, async () => {
  const panel = editor.webview();
  await panel.locator('#whole').click();
  await panel.locator('#fit').click();
  await panel.locator('g.node[data-key="raw/zones"]').waitFor();
  // Edges are routed once the fit's animation ends: what counts is the picture it settles on.
  await eventually(async () => {
    const behind = await panel.locator('svg#graph').evaluate((svgEl) => {
      const svg = svgEl as unknown as SvgPath;
      const boxes = Array.from(svg.querySelectorAll('g.node')).map((n) => {
        const r = n.querySelectorAll('.node-box')[0]!.getBoundingClientRect();
        return { key: n.getAttribute('data-key'), r };
      });
      const found: string[] = [];
      for (const p of Array.from(svg.querySelectorAll('g.edges path.edge'))) {
        const ends = [p.getAttribute('data-from'), p.getAttribute('data-to')];
        const m = p.getScreenCTM();
        const length = p.getTotalLength();
        for (let at = 0; at <= length; at += 3) {
          const pt = p.getPointAtLength(at).matrixTransform(m);
          const hit = boxes.find((b) => !ends.includes(b.key) && pt.x > b.r.left + 1 && pt.x < b.r.right - 1 && pt.y > b.r.top + 1 && pt.y < b.r.bottom - 1);
          if (hit) {
            found.push(`${ends.join(' → ')} behind ${hit.key}`);
            break;
          }
        }
      }
      return found;
    });
    assert.deepEqual(behind, []);
  }, 30_000);
  assert.equal(await panel.locator('g.edges path.edge[data-from^="read_parquet("][data-to="raw/taxi_trips"]').count(), 1);

  const csv = panel.locator('g.node[data-key^="read_csv("]');
  await csv.click({ button: 'right' });
  await panel.locator('#menu button[data-action="Show or Hide Columns"]').click();
  await eventually(async () => {
    const names = await csv.locator('g.col-row').evaluateAll((els) => els.map((e) => e.getAttribute('data-column')));
    assert.ok(names.includes('borough') && names.includes('id'), `columns of the zones CSV: ${names.join(', ')}`);
  }, 60_000);
  await editor.screenshot('lineage-columns-source');
});

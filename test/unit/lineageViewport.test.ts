import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  allVisible,
  chooseDirection,
  contentInView,
  fitTransform,
  labelScreenPx,
  MIN_TEXT_PX,
  overviewFrame,
  overviewViewport,
  panToOverviewPoint,
  parseFontPx,
  readableScale,
  SUB_FONT_PX,
  zoomBy,
  zoomToScale,
} from '../../webview/src/model/lineageViewport';
import { layoutLineage } from '../../webview/src/layout/layeredLayout';
import type { LayoutInput } from '../../webview/src/layout/layeredLayout';

const node = { width: 200, height: 44 };

test('the editor font size is read from the theme variable, with 14px when it is missing or not in pixels', () => {
  assert.equal(parseFontPx('14px'), 14);
  assert.equal(parseFontPx(' 16.5px '), 16.5);
  assert.equal(parseFontPx(''), 14);
  assert.equal(parseFontPx('1em'), 14);
  assert.equal(parseFontPx(undefined), 14);
});

test('the readable scale puts labels at the editor font and never the second line under the minimum', () => {
  for (const font of [10, 12, 13, 14, 20]) {
    const k = readableScale(font);
    assert.ok(labelScreenPx({ k, x: 0, y: 0 }) >= font - 1e-9, `label at ${font}px`);
    assert.ok(SUB_FONT_PX * k >= MIN_TEXT_PX - 1e-9, `second line at least ${MIN_TEXT_PX}px`);
  }
});

test('a graph that fits at a readable scale is shown whole and centred', () => {
  const view = { width: 700, height: 800 };
  const content = { width: 420, height: 300 };
  const minScale = readableScale(14);
  const t = fitTransform(view, content, { minScale });
  assert.ok(t.k >= minScale);
  // centred on both axes
  assert.ok(Math.abs(t.x - (view.width - content.width * t.k) / 2) < 1e-9);
  assert.ok(Math.abs(t.y - (view.height - content.height * t.k) / 2) < 1e-9);
  assert.ok(allVisible(view, t, [{ x: 100, y: 22 }, { x: 320, y: 278 }], node));
});

test('a graph too big to fit keeps the readable scale instead of shrinking its text, centred on the focused asset', () => {
  // The 0.30 scale seen for an 11-node graph: 3,000 × 600 in a 700 × 800 panel.
  const view = { width: 700, height: 800 };
  const content = { width: 3000, height: 600 };
  const minScale = readableScale(14);
  const focus = { x: 1500, y: 300 };
  const t = fitTransform(view, content, { minScale, focus });
  assert.equal(t.k, minScale);
  assert.ok(labelScreenPx(t) >= 14);
  // the focus sits at the centre of the view horizontally
  assert.ok(Math.abs(focus.x * t.k + t.x - view.width / 2) < 1e-9);
  assert.ok(allVisible(view, t, [focus], node));
});

test('without a focus an oversized graph starts where the flow starts; near an edge the view stops at the margin', () => {
  const view = { width: 700, height: 800 };
  const content = { width: 3000, height: 600 };
  const minScale = readableScale(14);
  const start = fitTransform(view, content, { minScale, margin: 24 });
  assert.equal(start.x, 24);
  const nearStart = fitTransform(view, content, { minScale, focus: { x: 100, y: 300 }, margin: 24 });
  assert.equal(nearStart.x, 24, 'no empty space left of the graph');
  const nearEnd = fitTransform(view, content, { minScale, focus: { x: 2950, y: 300 }, margin: 24 });
  assert.ok(Math.abs(nearEnd.x + content.width * nearEnd.k - (view.width - 24)) < 1e-9, 'no empty space right of the graph');
});

test('a two-node graph is not blown up to fill the panel', () => {
  const t = fitTransform({ width: 1400, height: 900 }, { width: 200, height: 100 }, { minScale: readableScale(14) });
  assert.ok(t.k <= 1.25 + 1e-9);
});

test('a panel taller than wide lays out top to bottom unless the user chose a direction', () => {
  assert.equal(chooseDirection({ width: 700, height: 820 }, 'auto'), 'tb');
  assert.equal(chooseDirection({ width: 1400, height: 820 }, 'auto'), 'lr');
  assert.equal(chooseDirection({ width: 700, height: 820 }, 'lr'), 'lr');
  assert.equal(chooseDirection({ width: 1400, height: 820 }, 'tb'), 'tb');
});

test('zoom steps keep the point under the centre of the view, and 100% goes to the readable scale', () => {
  const view = { width: 600, height: 400 };
  const t = { k: 1, x: -100, y: 50 };
  const centreBefore = { x: (300 - t.x) / t.k, y: (200 - t.y) / t.k };
  const zin = zoomBy(view, t, 1.25);
  assert.equal(zin.k, 1.25);
  assert.ok(Math.abs((300 - zin.x) / zin.k - centreBefore.x) < 1e-9);
  assert.ok(Math.abs((200 - zin.y) / zin.k - centreBefore.y) < 1e-9);
  assert.ok(zoomBy(view, { k: 3.9, x: 0, y: 0 }, 2).k <= 4);
  assert.ok(zoomBy(view, { k: 0.021, x: 0, y: 0 }, 0.5).k >= 0.02);
  const hundred = zoomToScale(view, { k: 0.3, x: 10, y: 10 }, readableScale(14));
  assert.ok(labelScreenPx(hundred) >= 14 - 1e-9);
});

test('the example-sized graph laid out top to bottom fits a panel beside the editor at a readable scale', () => {
  // Six assets in three groups, as examples/nyc_taxi: raw → staging → analytics.
  const W = 200;
  const H = 44;
  const input = (direction: 'lr' | 'tb'): LayoutInput => ({
    direction,
    nodes: [
      { id: 'raw/taxi_trips', width: W, height: H, cluster: 'raw' },
      { id: 'raw/zones', width: W, height: H, cluster: 'raw' },
      { id: 'staging/trips', width: W, height: H, cluster: 'staging' },
      { id: 'analytics/daily_trips', width: W, height: H, cluster: 'analytics' },
      { id: 'analytics/zone_revenue', width: W, height: H, cluster: 'analytics' },
      { id: 'analytics/summary', width: W, height: H, cluster: 'analytics' },
    ],
    edges: [
      { from: 'raw/taxi_trips', to: 'staging/trips' },
      { from: 'raw/zones', to: 'analytics/zone_revenue' },
      { from: 'staging/trips', to: 'analytics/daily_trips' },
      { from: 'staging/trips', to: 'analytics/zone_revenue' },
      { from: 'analytics/daily_trips', to: 'analytics/summary' },
    ],
  });
  const tb = layoutLineage(input('tb'));
  const at = new Map(tb.nodes.map((n) => [n.id, n]));
  for (const e of input('tb').edges) assert.ok(at.get(e.from)!.y < at.get(e.to)!.y, `${e.from} above ${e.to}`);
  // About half of a 1500 × 950 window, below the panel's toolbar.
  const panel = { width: 720, height: 800 };
  const t = fitTransform(panel, tb, { minScale: readableScale(14) });
  assert.ok(labelScreenPx(t) >= 14);
  assert.ok(allVisible(panel, t, tb.nodes, node), 'every node in view');
  const lr = layoutLineage(input('lr'));
  const lat = new Map(lr.nodes.map((n) => [n.id, n]));
  for (const e of input('lr').edges) assert.ok(lat.get(e.from)!.x < lat.get(e.to)!.x, `${e.from} left of ${e.to}`);
});

test('the overview holds the whole graph, shows where the view is, and a click there centres the view on that point', () => {
  const box = { width: 160, height: 110 };
  const content = { width: 3000, height: 600 };
  const frame = overviewFrame(box, content);
  assert.ok(content.width * frame.scale <= box.width && content.height * frame.scale <= box.height);
  const view = { width: 700, height: 800 };
  const t = fitTransform(view, content, { minScale: readableScale(14), focus: { x: 1500, y: 300 } });
  assert.equal(contentInView(view, content, t), false);
  const r = overviewViewport(frame, view, t);
  // The focus is under the middle of the view rectangle.
  assert.ok(Math.abs(r.x + r.width / 2 - (frame.x + 1500 * frame.scale)) < 1e-6);
  // Clicking the overview at the graph's start brings the start to the view's centre, at the same scale.
  const moved = panToOverviewPoint(frame, view, t, frame.x, frame.y + 300 * frame.scale);
  assert.equal(moved.k, t.k);
  assert.ok(Math.abs(moved.x - view.width / 2) < 1e-6);
  assert.ok(Math.abs(300 * moved.k + moved.y - view.height / 2) < 1e-6);
  assert.equal(contentInView({ width: 700, height: 800 }, { width: 300, height: 200 }, fitTransform({ width: 700, height: 800 }, { width: 300, height: 200 }, { minScale: 1 })), true);
});

test('a graph too big for the view opens on its first node in reading order, not on an empty corner', async () => {
  const { flowStart } = await import('../../webview/src/model/lineageViewport');
  const nodes = [
    { id: 'late', x: 900, y: 10 },
    { id: 'low', x: 116, y: 2017 },
    { id: 'first', x: 116, y: 1702 },
  ];
  assert.equal(flowStart(nodes, 'lr')?.id, 'first');
  assert.equal(flowStart(nodes, 'tb')?.id, 'late');
  assert.equal(flowStart([], 'lr'), undefined);
  const t = fitTransform({ width: 800, height: 600 }, { width: 15872, height: 4000 }, { minScale: 1, focus: flowStart(nodes, 'lr')! });
  // The node is on screen: its centre maps inside the view.
  const sx = 116 * t.k + t.x;
  const sy = 1702 * t.k + t.y;
  assert.ok(sx > 0 && sx < 800 && sy > 0 && sy < 600, `${sx},${sy}`);
});

test('a node that moves in a new layout stays where it was on screen', async () => {
  const { keepInPlace } = await import('../../webview/src/model/lineageViewport');
  const t = { k: 2, x: 10, y: -40 };
  const before = { x: 100, y: 50 };
  const after = { x: 160, y: 20 };
  const kept = keepInPlace(t, before, after);
  assert.equal(kept.k, 2);
  assert.deepEqual([after.x * kept.k + kept.x, after.y * kept.k + kept.y], [before.x * t.k + t.x, before.y * t.k + t.y]);
});

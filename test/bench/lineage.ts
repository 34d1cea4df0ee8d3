/**
 * npm run bench:lineage — the built lineage panel in headless Chromium, with
 * the extension's own page and CSP, fed generated graphs of 500 and 5,000
 * assets. Prints time until laid out and drawn (as the panel reports it) and
 * frame times while panning and zooming with the mouse, and how long the page
 * is blocked (longest task, key delay) while 5,000 nodes are laid out again,
 * in the layout worker and on the page's own thread. Budget (README, Benchmarks): 500 in
 * under 300 ms, 5,000 in under 2 s, panning smooth.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join, resolve } from 'node:path';
import { randomBytes } from 'node:crypto';
import { chromium } from 'playwright-core';
import type { Page } from 'playwright-core';
import { lineageHtml } from '../../src/extension/lineage/lineageHtml';
import { generateLineageSnapshot } from './lineageSnapshotGenerator';
import type { RenderedMessage } from '../../src/protocol/lineageMessages';

const root = resolve(import.meta.dirname, '../..');
const webviewDir = join(root, 'dist/webview');
const chromiumPath = '/usr/bin/chromium';

// Stands in for VS Code in this page only: records what the panel posts, and gives it theme colours.
const prelude = `
window.__posted = [];
window.acquireVsCodeApi = () => ({
  postMessage: (m) => window.__posted.push(m),
  getState: () => undefined,
  setState: () => {},
});
const vars = {
  '--vscode-editor-background': '#1e1e1e', '--vscode-editor-foreground': '#d4d4d4', '--vscode-foreground': '#cccccc',
  '--vscode-descriptionForeground': '#9d9d9d', '--vscode-disabledForeground': '#6b6b6b', '--vscode-testing-iconPassed': '#73c991',
  '--vscode-testing-iconFailed': '#f14c4c', '--vscode-editorWarning-foreground': '#cca700', '--vscode-editorError-foreground': '#f14c4c',
  '--vscode-progressBar-background': '#0e70c0', '--vscode-panel-border': '#80808059', '--vscode-editorWidget-background': '#252526',
  '--vscode-focusBorder': '#007fd4', '--vscode-badge-background': '#4d4d4d', '--vscode-badge-foreground': '#ffffff',
  '--vscode-font-family': 'sans-serif', '--vscode-font-size': '13px',
};
for (const [k, v] of Object.entries(vars)) document.documentElement.style.setProperty(k, v);
window.__startFrames = () => {
  window.__frames = [];
  window.__recording = true;
  let last = performance.now();
  const tick = (now) => {
    window.__frames.push(now - last);
    last = now;
    if (window.__recording) requestAnimationFrame(tick);
  };
  requestAnimationFrame(tick);
};
window.__stopFrames = () => {
  window.__recording = false;
  return window.__frames.slice(1);
};
// While a graph is laid out again: the page's long tasks, and how late each key press was handled.
window.addEventListener('keydown', (e) => {
  if (window.__delays) window.__delays.push(performance.now() - e.timeStamp);
}, true);
window.__startWatch = () => {
  window.__tasks = [];
  window.__delays = [];
  window.__observer = new PerformanceObserver((list) => {
    for (const e of list.getEntries()) window.__tasks.push(e.duration);
  });
  window.__observer.observe({ type: 'longtask' });
};
window.__stopWatch = () => {
  for (const e of window.__observer.takeRecords()) window.__tasks.push(e.duration);
  window.__observer.disconnect();
  const watched = { tasks: window.__tasks, delays: window.__delays };
  window.__delays = undefined;
  return watched;
};
`;

/** The page's globals set by the prelude, seen from here (no DOM types in this project). */
interface BenchPage {
  __posted: { type: string }[];
  __startFrames(): void;
  __stopFrames(): number[];
  __startWatch(): void;
  __stopWatch(): { tasks: number[]; delays: number[] };
  postMessage(message: unknown, origin: string): void;
}


function serve(): Promise<{ origin: string; close: () => void }> {
  const types: Record<string, string> = { '.js': 'text/javascript', '.css': 'text/css', '.ttf': 'font/ttf' };
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (url.pathname === '/favicon.ico') {
      res.writeHead(204).end();
      return;
    }
    if (url.pathname === '/') {
      const origin = `http://${req.headers.host}`;
      const html = lineageHtml({
        cspSource: origin,
        nonce: randomBytes(16).toString('base64'),
        scriptUri: `${origin}/lineage.js`,
        // ?workers=0: no worker script, so the panel lays out on its own thread (as when the worker fails).
        workerUri: url.searchParams.get('workers') === '0' ? '' : `${origin}/layout-worker.js`,
        styleUri: `${origin}/lineage.css`,
        codiconUri: `${origin}/codicon.css`,
        preludeScript: prelude,
      });
      res.writeHead(200, { 'content-type': 'text/html' }).end(html);
      return;
    }
    const file = join(webviewDir, url.pathname.replace(/^\/+/, ''));
    if (!file.startsWith(webviewDir) || !existsSync(file)) {
      res.writeHead(404).end();
      return;
    }
    const ext = file.slice(file.lastIndexOf('.'));
    res.writeHead(200, { 'content-type': types[ext] ?? 'application/octet-stream' }).end(readFileSync(file));
  });
  return new Promise((done) => {
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      done({ origin: `http://127.0.0.1:${port}`, close: () => server.close() });
    });
  });
}

async function renderOnce(page: Page, origin: string, count: number, seed: number, workers = true): Promise<RenderedMessage> {
  await page.goto(`${origin}/${workers ? '' : '?workers=0'}`);
  await page.waitForFunction(() => (globalThis as unknown as BenchPage).__posted.some((m) => m.type === 'ready'));
  const snapshot = generateLineageSnapshot(count, seed);
  await page.evaluate((s) => (globalThis as unknown as BenchPage).postMessage({ type: 'snapshot', snapshot: s }, '*'), snapshot);
  const handle = await page.waitForFunction(
    () => (globalThis as unknown as BenchPage).__posted.find((m) => m.type === 'rendered'),
    undefined,
    { timeout: 120_000 },
  );
  return (await handle.jsonValue()) as RenderedMessage;
}

/**
 * Expands a drawn node to its columns as a user would (its chevron), answers
 * with twelve columns, and returns the render that follows: expanding lays
 * out only the node's cluster again.
 */
async function expandOnce(page: Page): Promise<RenderedMessage> {
  // At the readable size, where node text (and the chevron) is drawn.
  await page.locator('#zoomReset').click();
  await page.waitForTimeout(500);
  const before = await page.evaluate(() => (globalThis as unknown as BenchPage).__posted.length);
  // A chevron inside the view (the DOM also holds nodes a little beyond it).
  const found = await page.evaluate(() => {
    const doc = (globalThis as unknown as { document: { querySelectorAll(s: string): ArrayLike<BenchElement>; getElementById(id: string): BenchElement } }).document;
    const area = doc.getElementById('graph').getBoundingClientRect();
    for (const el of Array.from(doc.querySelectorAll('g.node .col-toggle'))) {
      const r = el.getBoundingClientRect();
      if (r.left > area.left && r.right < area.right && r.top > area.top && r.bottom < area.bottom) {
        return { key: el.closest('g.node')!.getAttribute('data-key')!, x: r.left + r.width / 2, y: r.top + r.height / 2 };
      }
    }
    return undefined;
  });
  if (!found) throw new Error('no node in view to expand');
  const { key } = found;
  await page.mouse.click(found.x, found.y);
  await page.waitForFunction((n) => (globalThis as unknown as BenchPage).__posted.slice(n).some((m) => m.type === 'columns'), before);
  const columns = { key, columns: Array.from({ length: 12 }, (_, i) => ({ name: `column_${i}`, kind: i % 3 ? 'copy' : 'transformation', sources: [] })) };
  const asked = await page.evaluate(() => (globalThis as unknown as BenchPage).__posted.length);
  await page.evaluate((c) => (globalThis as unknown as BenchPage).postMessage({ type: 'columns', columns: c }, '*'), columns);
  const handle = await page.waitForFunction(
    (n) => (globalThis as unknown as BenchPage).__posted.slice(n).find((m) => m.type === 'rendered'),
    asked,
    { timeout: 60_000 },
  );
  return (await handle.jsonValue()) as RenderedMessage;
}

interface Responsiveness {
  rendered: RenderedMessage;
  longestTaskMs: number;
  /** Sum over long tasks of their time beyond 50 ms (what the Web's "total blocking time" counts). */
  blockingMs: number;
  keys: number;
  maxKeyDelayMs: number;
}

/**
 * Does `act` (which lays the drawn graph out again) and, until the render that
 * follows, presses a key every ~30 ms as someone typing would: how long the
 * page's longest task was, and the longest any key press waited to be handled.
 */
async function whileLaidOutAgain(page: Page, act: () => Promise<void>): Promise<Responsiveness> {
  await page.waitForTimeout(300);
  const before = await page.evaluate(() => (globalThis as unknown as BenchPage).__posted.length);
  await page.evaluate(() => (globalThis as unknown as BenchPage).__startWatch());
  let typing = true;
  const keys = (async () => {
    while (typing) {
      await page.keyboard.press('Shift');
      await page.waitForTimeout(30);
    }
  })();
  await page.waitForTimeout(100);
  await act();
  const handle = await page.waitForFunction(
    (n) => (globalThis as unknown as BenchPage).__posted.slice(n).find((m) => m.type === 'rendered'),
    before,
    { timeout: 60_000 },
  );
  typing = false;
  await keys;
  const rendered = (await handle.jsonValue()) as RenderedMessage;
  const { tasks, delays } = await page.evaluate(() => (globalThis as unknown as BenchPage).__stopWatch());
  return {
    rendered,
    longestTaskMs: Math.max(0, ...tasks),
    blockingMs: tasks.reduce((sum, t) => sum + Math.max(0, t - 50), 0),
    keys: delays.length,
    maxKeyDelayMs: Math.max(0, ...delays),
  };
}

interface BenchElement {
  getBoundingClientRect(): { left: number; right: number; top: number; bottom: number; width: number; height: number };
  closest(selector: string): BenchElement | null;
  getAttribute(name: string): string | null;
}

interface FrameStats {
  frames: number;
  medianMs: number;
  p95Ms: number;
  maxMs: number;
  over33: number;
}

async function panFrames(page: Page, zoomSteps: number): Promise<FrameStats> {
  const box = (await page.locator('#graph').boundingBox())!;
  const cx = box.x + box.width / 2;
  const cy = box.y + box.height / 2;
  await page.mouse.move(cx, cy);
  for (let i = 0; i < zoomSteps; i++) await page.mouse.wheel(0, -240);
  await page.waitForTimeout(300);
  await page.evaluate(() => (globalThis as unknown as BenchPage).__startFrames());
  // Two seconds of dragging around a circle, one mouse step per ~16 ms as a hand would.
  await page.mouse.down();
  const steps = 120;
  for (let i = 0; i <= steps; i++) {
    const a = (i / steps) * Math.PI * 2;
    await page.mouse.move(cx + Math.cos(a) * 200 - 200, cy + Math.sin(a) * 150);
    await page.waitForTimeout(16);
  }
  await page.mouse.up();
  const frames = await page.evaluate(() => (globalThis as unknown as BenchPage).__stopFrames());
  const sorted = [...frames].sort((a, b) => a - b);
  const at = (q: number): number => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0;
  return { frames: frames.length, medianMs: at(0.5), p95Ms: at(0.95), maxMs: sorted[sorted.length - 1] ?? 0, over33: frames.filter((f) => f > 33.4).length };
}

const fmt = (n: number): string => n.toFixed(0).padStart(5);

async function main(): Promise<void> {
  execFileSync(process.execPath, ['esbuild.mjs'], { cwd: root, stdio: 'inherit' });
  if (!existsSync(chromiumPath)) throw new Error(`${chromiumPath} not found: install chromium (apt-get install chromium)`);
  const server = await serve();
  const browser = await chromium.launch({
    executablePath: chromiumPath,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  try {
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    page.on('console', (m) => {
      if (m.type() === 'error' || m.type() === 'warning') errors.push(m.text());
    });
    console.log(`lineage panel in headless Chromium (${chromiumPath}), ${(await import('node:os')).cpus().length} cores, load ${(await import('node:os')).loadavg()[0]!.toFixed(1)}`);
    console.log('assets  edges  run  layout_ms  draw_ms  total_ms  worker  budget_ms');
    for (const [count, budget] of [[500, 300], [5000, 2000]] as const) {
      for (let run = 1; run <= 3; run++) {
        const r = await renderOnce(page, server.origin, count, run);
        if (run === 1) await page.screenshot({ path: join(root, `test-results/lineage-bench-${count}.png`) });
        console.log(`${String(count).padStart(6)} ${String(r.edges).padStart(6)} ${String(run).padStart(4)} ${fmt(r.layoutMs).padStart(10)} ${fmt(r.drawMs).padStart(8)} ${fmt(r.totalMs).padStart(9)}  ${String(r.inWorker).padStart(6)} ${String(budget).padStart(10)}`);
      }
    }
    console.log('\nexpanding a node to its 12 columns (its cluster laid out again, the rest kept)');
    console.log('assets  run  layout_ms  draw_ms  total_ms');
    for (const count of [500, 5000]) {
      for (let run = 1; run <= 3; run++) {
        await renderOnce(page, server.origin, count, run);
        const r = await expandOnce(page);
        console.log(`${String(count).padStart(6)} ${String(run).padStart(4)} ${fmt(r.layoutMs).padStart(10)} ${fmt(r.drawMs).padStart(8)} ${fmt(r.totalMs).padStart(9)}`);
      }
    }
    console.log("\n5,000 assets laid out again while keys are pressed (worker: in the layout worker; page: on the page's own thread)");
    console.log('change                 layout  run  laid_out_ms  total_ms  longest_task_ms  blocking_ms  keys  max_key_delay_ms');
    const changes: [string, (page: Page) => Promise<void>][] = [
      ['direction → top-down', (p) => p.selectOption('#direction', 'tb').then(() => undefined)],
      ['search "asset_1"', (p) => p.fill('#search', 'asset_1')],
    ];
    for (const [name, act] of changes) {
      for (const workers of [true, false]) {
        for (let run = 1; run <= 3; run++) {
          await renderOnce(page, server.origin, 5000, run, workers);
          const r = await whileLaidOutAgain(page, () => act(page));
          console.log(
            `${name.padEnd(22)} ${(workers ? 'worker' : 'page').padStart(7)} ${String(run).padStart(4)} ${fmt(r.rendered.layoutMs).padStart(12)} ${fmt(r.rendered.totalMs).padStart(9)} ${fmt(r.longestTaskMs).padStart(16)} ${fmt(r.blockingMs).padStart(12)} ${String(r.keys).padStart(5)} ${fmt(r.maxKeyDelayMs).padStart(17)}`,
          );
        }
      }
    }
    console.log('\npanning 5,000 assets (mouse drag, 2 s): frame times');
    console.log('zoom           frames  median_ms  p95_ms  max_ms  frames>33ms');
    for (const [name, zoomSteps] of [['fit (far)', 0], ['close (x8)', 6]] as const) {
      await renderOnce(page, server.origin, 5000, 1);
      const f = await panFrames(page, zoomSteps);
      console.log(`${name.padEnd(14)} ${String(f.frames).padStart(6)} ${fmt(f.medianMs).padStart(10)} ${fmt(f.p95Ms).padStart(7)} ${fmt(f.maxMs).padStart(7)} ${String(f.over33).padStart(12)}`);
    }
    // The page without a worker script says once that it lays out on its own thread; that is the point there.
    errors.splice(0, errors.length, ...errors.filter((e) => !e.startsWith('Lineage: laying out on the UI thread')));
    if (errors.length > 0) console.log(`\npage errors/warnings:\n${errors.join('\n')}`);
  } finally {
    await browser.close();
    server.close();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});

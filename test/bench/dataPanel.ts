/**
 * npm run bench:data-panel — the built data panel in headless Chromium, with
 * the extension's own page and CSP, reading the 10,000,000-row table of
 * bench:data through the same core session the extension uses. Measures what
 * the user sees: from the `show` message to the first rows drawn, and from a
 * jump of the scrollbar to the rows there drawn (no `…` left on screen), in
 * the table's own order and sorted by a text column (rows scattered on disk).
 * Run `npm run bench:data` once first: it builds the table.
 */
import { existsSync, readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { randomBytes } from 'node:crypto';
import { chromium } from 'playwright-core';
import { dataHtml } from '../../src/extension/data/dataHtml';
import { DataReadSession, SkippedRead } from '../../src/core/data/dataReadSession';
import { parseDataPanelMessage } from '../../src/protocol/parseDataPanelMessage';
import type { DataExtensionToWebviewMessage } from '../../src/protocol/dataMessages';
import type { TargetConfig } from '../../src/core/project/targetConfig';

const root = resolve(import.meta.dirname, '../..');
const webviewDir = join(root, 'dist/webview');
const file = join(tmpdir(), 'asset-studio-bench-data', 'wide_10000000.duckdb');

// Stands in for VS Code in this page only: what the panel posts goes to the bench (Node), with theme colours.
const prelude = `
window.acquireVsCodeApi = () => ({ postMessage: (m) => window.__toHost(m), getState: () => undefined, setState: () => {} });
const vars = { '--vscode-editor-background': '#1e1e1e', '--vscode-foreground': '#cccccc', '--vscode-descriptionForeground': '#9d9d9d',
  '--vscode-panel-border': '#80808059', '--vscode-font-family': 'sans-serif', '--vscode-font-size': '13px',
  '--vscode-editor-font-family': 'monospace', '--vscode-editor-font-size': '13px' };
for (const [k, v] of Object.entries(vars)) document.documentElement.style.setProperty(k, v);
// Timed in the page itself, free of the harness's round trips: the grid's scroll event, and the first
// change of the rows after it that leaves the new rows on screen all drawn (none still '…'); the paint
// follows in the same frame.
window.__jump = { scrollAt: 0, drawnAt: 0 };
const firstRow = () => document.querySelector('.grid-rows .row .cell.rownum')?.textContent ?? '';
let jumpedFrom;
new MutationObserver(() => {
  if (jumpedFrom === undefined || window.__jump.drawnAt) return;
  if (firstRow() !== jumpedFrom && document.querySelectorAll('.grid-rows .row').length > 0 && document.querySelectorAll('.grid-rows .cell.loading').length === 0) window.__jump.drawnAt = performance.now();
}).observe(document.documentElement, { childList: true, subtree: true });
document.addEventListener('scroll', (e) => {
  if (!e.target.classList || !e.target.classList.contains('grid-scroll')) return;
  window.__jump = { scrollAt: performance.now(), drawnAt: 0 };
  jumpedFrom = firstRow();
}, true);
`;

function serve(): Promise<{ origin: string; close: () => void }> {
  const types: Record<string, string> = { '.js': 'text/javascript', '.css': 'text/css', '.ttf': 'font/ttf' };
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (url.pathname === '/') {
      const origin = `http://${req.headers.host}`;
      const html = dataHtml({ cspSource: origin, nonce: randomBytes(16).toString('base64'), scriptUri: `${origin}/data.js`, styleUri: `${origin}/data.css`, codiconUri: `${origin}/codicon.css`, preludeScript: prelude });
      res.writeHead(200, { 'content-type': 'text/html' }).end(html);
      return;
    }
    const path = join(webviewDir, url.pathname.replace(/^\/+/, ''));
    if (!path.startsWith(webviewDir) || !existsSync(path)) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'content-type': types[path.slice(path.lastIndexOf('.'))] ?? 'application/octet-stream' }).end(readFileSync(path));
  });
  return new Promise((done) => {
    server.listen(0, '127.0.0.1', () => done({ origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, close: () => server.close() }));
  });
}

interface BenchDocument {
  querySelectorAll(selector: string): { length: number };
  querySelector(selector: string): { textContent: string | null } | null;
}

/**
 * Rows on screen, none still waiting for its page, and not the rows that were
 * there before (run in the page: a function, since the CSP forbids eval of strings).
 */
function drawnSince(before: string): boolean {
  const doc = (globalThis as unknown as { document: BenchDocument }).document;
  const first = doc.querySelector('.grid-rows .row .cell.rownum')?.textContent ?? '';
  return first !== before && doc.querySelectorAll('.grid-rows .row').length > 0 && doc.querySelectorAll('.grid-rows .cell.loading').length === 0;
}

/** The last jump as the page timed it (see the prelude). */
function jumpInPage(): number {
  const j = (globalThis as unknown as { __jump: { scrollAt: number; drawnAt: number } }).__jump;
  return j.drawnAt - j.scrollAt;
}

function firstRowNumber(): string {
  return (globalThis as unknown as { document: BenchDocument }).document.querySelector('.grid-rows .row .cell.rownum')?.textContent ?? '';
}

function stats(ms: number[]): string {
  const s = [...ms].sort((a, b) => a - b);
  const at = (q: number) => s[Math.min(s.length - 1, Math.floor(q * s.length))]!.toFixed(0);
  return `median ${at(0.5)} ms, p95 ${at(0.95)} ms, max ${s[s.length - 1]!.toFixed(0)} ms (n=${s.length})`;
}

async function main(): Promise<void> {
  if (!existsSync(file)) throw new Error(`${file} is missing: run npm run bench:data first (it builds the table).`);
  if (!existsSync(join(webviewDir, 'data.js'))) throw new Error('dist/webview/data.js is missing: npm run build first.');
  const target: TargetConfig = { name: 'bench', type: 'duckdb', path: file, schema: 'main', threads: 2, env: {}, protected: false, from: 'default' };
  const server = await serve();
  const browser = await chromium.launch({ executablePath: process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium', args: ['--no-sandbox'] });
  try {
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    let session = new DataReadSession(target, { projectRoot: tmpdir() });
    let drawnAt = 0;
    let screenRow = 0;
    const toPanel = (m: DataExtensionToWebviewMessage) => page.evaluate((msg) => (globalThis as unknown as { postMessage(m: unknown, o: string): void }).postMessage(msg, '*'), m as unknown as Record<string, unknown>);
    let ready!: () => void;
    const isReady = new Promise<void>((r) => (ready = r));
    // The extension's side, as DataPanel does it: validate, read with the session, answer.
    await page.exposeFunction('__toHost', async (raw: unknown) => {
      const m = parseDataPanelMessage(raw);
      if (!m) throw new Error(`malformed: ${JSON.stringify(raw)}`);
      if (m.type === 'ready') ready();
      if (m.type === 'drawn') drawnAt = performance.now();
      if (m.type !== 'requestPage') return;
      screenRow = m.screenRow;
      let p;
      try {
        p = await session.page({ source: { kind: 'relation', relation: '"main"."wide"' }, view: m.view, offset: m.offset, limit: m.limit, count: m.count }, { stillWanted: () => m.count || Math.abs(m.offset - screenRow) <= 3 * m.limit, screen: m.screen === true });
      } catch (err) {
        if (err instanceof SkippedRead) await toPanel({ type: 'error', generation: m.generation, requestId: m.requestId, message: '', skipped: true });
        return;
      }
      await toPanel({ type: 'page', generation: m.generation, requestId: m.requestId, offset: p.offset, columns: p.columns, rows: p.rows, ...(p.totalRows !== undefined ? { totalRows: p.totalRows } : {}), sql: p.sql, elapsedMs: p.elapsedMs });
    });
    await page.goto(`${server.origin}/`);
    await isReady;

    const firsts: number[] = [];
    for (let generation = 1; generation <= 5; generation++) {
      await session.close();
      session = new DataReadSession(target, { projectRoot: tmpdir() });
      drawnAt = 0;
      const started = performance.now();
      await toPanel({ type: 'show', generation, title: 'wide', source: { kind: 'asset', key: 'bench/wide', root: tmpdir() }, relation: '"main"."wide"', target: 'bench', targets: ['bench'], view: { sort: [], filters: [] } });
      while (drawnAt === 0) await new Promise((r) => setTimeout(r, 2));
      firsts.push(drawnAt - started);
    }
    console.log(`show → first rows drawn (open the file, read, count, draw): ${stats(firsts)}`);

    const grid = page.locator('.grid-scroll');
    let seed = 7;
    const rand = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    /** Scrollbar jumps to random rows, each until its rows are drawn: timed by the bench and in the page. */
    const jumpAround = async (times: number) => {
      const jumps: number[] = [];
      const inPage: number[] = [];
      const height = await grid.evaluate((e) => e.scrollHeight - e.clientHeight);
      for (let i = 0; i < times; i++) {
        const to = Math.floor(rand() * height);
        const before = await page.evaluate(firstRowNumber);
        const started = performance.now();
        await grid.evaluate((e, top) => (e.scrollTop = top), to);
        await page.waitForFunction(drawnSince, before, { polling: 'raf', timeout: 60_000 });
        jumps.push(performance.now() - started);
        inPage.push(await page.evaluate(jumpInPage));
        // Let the pages around the screen come in, as they would while the user reads, before the next jump.
        await new Promise((r) => setTimeout(r, 150));
      }
      return { jumps, inPage };
    };
    const unsorted = await jumpAround(30);
    console.log(`scrollbar jump to a random row → its rows drawn, timed by the bench (with its round trips to the page): ${stats(unsorted.jumps)}`);
    console.log(`  the same jumps timed in the page (scroll event → the new rows on screen all in the page, painted in that frame): ${stats(unsorted.inPage)}`);

    const steps: number[] = [];
    for (let i = 0; i < 30; i++) {
      const before = await page.evaluate(firstRowNumber);
      const started = performance.now();
      await grid.press('PageDown');
      await page.waitForFunction(drawnSince, before, { polling: 'raf', timeout: 30_000 });
      steps.push(performance.now() - started);
    }
    console.log(`Page Down (the next screen, usually already loaded) → drawn: ${stats(steps)}`);

    // Sorted by a text key unrelated to the storage order: a screen's rows are scattered through the table.
    drawnAt = 0;
    await toPanel({ type: 'show', generation: 6, title: 'wide', source: { kind: 'asset', key: 'bench/wide', root: tmpdir() }, relation: '"main"."wide"', target: 'bench', targets: ['bench'], view: { sort: [{ column: 's2', descending: false }], filters: [] } });
    while (drawnAt === 0) await new Promise((r) => setTimeout(r, 2));
    const orderMs = (await jumpAround(1)).jumps[0]!;
    const sorted = await jumpAround(30);
    console.log(`sorted by s2: the first jump (waits for the row order) ${orderMs.toFixed(0)} ms; then a jump → drawn, timed by the bench: ${stats(sorted.jumps)}`);
    console.log(`  the same jumps timed in the page: ${stats(sorted.inPage)}`);
    await session.close();
  } finally {
    await browser.close();
    server.close();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});

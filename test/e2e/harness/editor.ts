// A real VS Code (code-server) with the packaged extension, opened on a copy of
// a workspace, driven through Chromium. Feature tests start one per test file:
//
//   const editor = await startEditor({ workspace: 'examples/nyc_taxi' });
//   after(() => editor.close());
//   await editor.openFile('assets/raw/taxi_trips.sql');
//   await editor.waitForCodeLens('Materialize');
import { appendFileSync, cpSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, isAbsolute, join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { chromium, type Browser, type FrameLocator, type Locator, type Page } from 'playwright-core';
import { startCodeServer, type CodeServer } from './codeServer';
import { e2eEnvironment, type E2eEnvironment } from './e2eEnvironment';

export interface StartEditorOptions {
  /** Folder to copy and open, relative to the repository root or absolute. Default examples/nyc_taxi. */
  readonly workspace?: string;
  /** Names this editor's folder, logs and closing screenshot. Default: the workspace folder's name. */
  readonly label?: string;
  /** User settings, over the harness defaults (no welcome page, no chat, no telemetry). */
  readonly settings?: Readonly<Record<string, unknown>>;
  /** false: keep workspace trust on, so the folder opens untrusted. Default true. */
  readonly trusted?: boolean;
  /** Extensions folder; default the one with the packaged .vsix. */
  readonly extensionsDir?: string;
  /**
   * Workbench payload entries (`extensionDevelopmentPath`, `extensionTestsPath`, …) from the
   * server's authority (URIs are `vscode-remote://AUTHORITY/abs/path`); turns on extension development.
   */
  readonly payload?: (server: CodeServer) => ReadonlyArray<readonly [string, string]>;
  /** Environment of the server and its extension host. */
  readonly env?: Readonly<Record<string, string>>;
  /** Browser window size; default 1400 × 900. */
  readonly viewport?: { readonly width: number; readonly height: number };
  /** Called before the workbench page loads, e.g. to expose functions to it. */
  readonly beforeLoad?: (page: Page) => Promise<unknown>;
}

export interface Problem {
  /** Absolute path of the file the problem is in. */
  readonly file: string;
  readonly severity: 'error' | 'warning' | 'info';
  readonly message: string;
  readonly source: string;
  readonly code: string;
  readonly line: number;
  readonly column: number;
}

const DEFAULT_TIMEOUT = 60_000;

const DEFAULT_SETTINGS: Record<string, unknown> = {
  'workbench.startupEditor': 'none',
  'workbench.tips.enabled': false,
  'workbench.enableExperiments': false,
  'workbench.secondarySideBar.defaultVisibility': 'hidden',
  'workbench.welcomePage.walkthroughs.openOnInstall': false,
  'chat.disableAIFeatures': true,
  'telemetry.telemetryLevel': 'off',
  'update.mode': 'none',
  'extensions.autoCheckUpdates': false,
  'extensions.autoUpdate': false,
  'extensions.ignoreRecommendations': true,
  'git.enabled': false,
  'github.gitAuthentication': false,
  'editor.codeLens': true,
  'window.restoreWindows': 'none',
  'files.hotExit': 'off',
};

let editorCount = 0;

export async function startEditor(options: StartEditorOptions = {}): Promise<Editor> {
  const env = e2eEnvironment();
  const source = resolveWorkspace(env, options.workspace ?? 'examples/nyc_taxi');
  const label = sanitize(options.label ?? basename(source));
  const root = join(env.runDir, 'editors', `${label}-${process.pid}-${++editorCount}`);
  const workspaceDir = join(root, 'workspace', basename(source));
  const userDataDir = join(root, 'user-data');
  mkdirSync(join(userDataDir, 'User'), { recursive: true });
  // Never copy state a local demo run left behind: every test starts clean.
  cpSync(source, workspaceDir, {
    recursive: true,
    filter: (src) => !/[\\/]\.asset-studio$|\.duckdb(\.wal)?$/.test(src),
  });
  writeFileSync(join(userDataDir, 'User', 'settings.json'), JSON.stringify({ ...DEFAULT_SETTINGS, ...options.settings }, null, 2));

  const server = await startCodeServer(env, {
    userDataDir,
    extensionsDir: options.extensionsDir ?? env.extensionsDir,
    logFile: join(root, 'code-server.log'),
    workspaceTrust: options.trusted === false,
    extensionDevelopment: options.payload !== undefined,
    env: options.env,
  });
  let browser: Browser | undefined;
  try {
    browser = await chromium.launch({
      executablePath: env.chromiumPath,
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
    const page = await browser.newPage({ viewport: options.viewport ?? { width: 1400, height: 900 } });
    page.setDefaultTimeout(DEFAULT_TIMEOUT);
    const consoleLog = join(root, 'browser-console.log');
    page.on('console', (m) => {
      if (m.type() === 'error' || m.type() === 'warning') appendFileSync(consoleLog, `[${m.type()}] ${m.text()}\n`);
    });
    page.on('pageerror', (e) => appendFileSync(consoleLog, `[pageerror] ${e.stack ?? e.message}\n`));
    await options.beforeLoad?.(page);
    let url = `${server.url}/?folder=${encodeURIComponent(workspaceDir)}`;
    if (options.payload) url += `&payload=${encodeURIComponent(JSON.stringify(options.payload(server)))}`;
    await page.goto(url);
    await page.locator('.monaco-workbench .part.statusbar').waitFor({ timeout: 120_000 });
    return new Editor(env, label, root, workspaceDir, userDataDir, server, browser, page);
  } catch (err) {
    await browser?.close().catch(() => undefined);
    await server.stop();
    throw err;
  }
}

export class Editor {
  private closed = false;

  constructor(
    private readonly env: E2eEnvironment,
    readonly label: string,
    /** This editor's scratch folder (workspace copy, user data, logs). */
    readonly root: string,
    /** The absolute path of the opened copy of the workspace. */
    readonly workspaceDir: string,
    readonly userDataDir: string,
    readonly server: CodeServer,
    private readonly browser: Browser,
    readonly page: Page,
  ) {}

  /** Saves test-results/e2e/<name>.png and returns its path. */
  async screenshot(name: string): Promise<string> {
    const path = join(this.env.resultsDir, `${sanitize(name)}.png`);
    await this.page.screenshot({ path });
    return path;
  }

  /** Opens a workspace file by clicking its rows in the Explorer (`assets/raw/taxi_trips.sql`). */
  async openFile(relPath: string): Promise<void> {
    await this.showExplorer();
    const parts = relPath.split('/').filter((p) => p.length > 0);
    for (const [i, name] of parts.entries()) {
      const row = this.page
        .locator(`.explorer-folders-view .monaco-list-row[aria-level="${i + 1}"]`)
        .filter({ has: this.page.locator('.label-name', { hasText: exactly(name) }) })
        .first();
      await row.waitFor();
      const isLast = i === parts.length - 1;
      if (!isLast && (await row.getAttribute('aria-expanded')) === 'true') continue;
      await row.click();
    }
    await this.activeEditorFor(relPath).waitFor();
  }

  /** The Monaco editor showing a workspace file. */
  activeEditorFor(relPath: string): Locator {
    const uriTail = relPath.split('/').map(encodeURIComponent).join('/');
    return this.page.locator(`.editor-instance .monaco-editor[data-uri$="/${uriTail}"]`).first();
  }

  /** Runs a command through the Command Palette by its full title (`Asset Studio: Show Log`). */
  async runCommand(title: string): Promise<void> {
    const input = this.page.locator('.quick-input-widget .quick-input-box input');
    if (await input.isVisible()) await this.page.keyboard.press('Escape');
    await this.page.keyboard.press('F1');
    await input.waitFor({ state: 'visible' });
    await input.fill(`>${title}`);
    const row = this.page
      .locator('.quick-input-list .quick-input-list-entry')
      .filter({ has: this.page.locator('.label-name', { hasText: exactly(title) }) })
      .first();
    await row.click();
    await input.waitFor({ state: 'hidden' });
  }

  /** Waits for a CodeLens link containing `text` and returns it (click it to run the lens). */
  async waitForCodeLens(text: string | RegExp, timeout = DEFAULT_TIMEOUT): Promise<Locator> {
    const lens = this.page.locator('.codelens-decoration a', { hasText: text }).first();
    await lens.waitFor({ state: 'visible', timeout });
    return lens;
  }

  /** The texts of every CodeLens link now shown. */
  async codeLenses(): Promise<string[]> {
    return (await this.page.locator('.codelens-decoration a').allInnerTexts()).map((t) => t.trim());
  }

  /**
   * Text of one of the extension's status bar items (default: the target), once shown.
   * Codicons render as empty spans, so `$(database) dev` reads `dev`.
   */
  async statusBarText(itemId = 'assetStudio.target', timeout = DEFAULT_TIMEOUT): Promise<string> {
    const item = this.statusBarItem(itemId);
    await item.waitFor({ state: 'visible', timeout });
    return (await item.innerText()).trim();
  }

  statusBarItem(itemId = 'assetStudio.target'): Locator {
    return this.page.locator(`.statusbar-item[id="${this.env.extensionId}.${itemId}"]`);
  }

  /** Opens the Problems panel and reads every problem shown. */
  async problems(): Promise<Problem[]> {
    const panel = this.page.locator('.markers-panel');
    if (!(await panel.isVisible())) {
      await this.page.keyboard.press('Control+Shift+M');
      await panel.waitFor({ state: 'visible' });
    }
    await sleep(300); // the tree renders after the panel appears
    return this.page.$$eval('.markers-panel .monaco-list-row', (rows) => {
      const found: Problem[] = [];
      let file = '';
      for (const row of rows) {
        if (row.getAttribute('aria-level') === '1') {
          file = row.querySelector('.monaco-icon-label')?.getAttribute('aria-label') ?? '';
          continue;
        }
        const icon = row.querySelector('.marker-icon');
        const severity = icon?.classList.contains('error') ? 'error' : icon?.classList.contains('warning') ? 'warning' : 'info';
        // No named helper functions in here: tsx would wrap them in a `__name` the page lacks.
        const [message, source, code, where] = ['.marker-message', '.marker-source', '.marker-code', '.marker-line'].map(
          (sel) => row.querySelector(sel)?.textContent?.trim() ?? '',
        );
        const position = /Ln (\d+), Col (\d+)/.exec(where ?? '');
        found.push({
          file,
          severity,
          message: message ?? '',
          source: source ?? '',
          code: code ?? '',
          line: position ? Number(position[1]) : 0,
          column: position ? Number(position[2]) : 0,
        });
      }
      return found;
    });
  }

  /** The visible lines of the editor in the bottom panel (Output, …), top to bottom. */
  async panelText(): Promise<string> {
    return this.page.$$eval('.part.panel .view-lines .view-line', (lines) =>
      lines
        .map((l) => ({
          top: Number(/top:\s*(-?[\d.]+)px/.exec(l.getAttribute('style') ?? '')?.[1] ?? 0),
          text: (l.textContent ?? '').replace(/\u00a0/g, ' '),
        }))
        .sort((a, b) => a.top - b.top)
        .map((l) => l.text)
        .join('\n'),
    );
  }

  /**
   * The content of a webview (the lineage panel, a preview): the workbench hosts each in
   * `iframe.webview`, whose document puts the extension's HTML in `iframe#active-frame`.
   * Default: the most recently opened one.
   */
  webview(index?: number): FrameLocator {
    const hosts = this.page.frameLocator('iframe.webview.ready');
    return (index === undefined ? hosts.last() : hosts.nth(index)).frameLocator('iframe#active-frame');
  }

  /** Waits for a notification toast containing `text`; returns its whole text. */
  async waitForNotification(text: string | RegExp, timeout = DEFAULT_TIMEOUT): Promise<string> {
    const toast = this.page.locator('.notification-toast', { hasText: text }).first();
    await toast.waitFor({ state: 'visible', timeout });
    return (await toast.innerText()).trim();
  }

  async clearNotifications(): Promise<void> {
    await this.runCommand('Notifications: Clear All Notifications');
  }

  /** Types into the bottom panel's filter box (Output, Problems), so long logs show only matching lines. */
  async filterPanel(text: string): Promise<void> {
    const filter = this.page.locator('.part.panel input[placeholder^="Filter"]').first();
    await filter.waitFor({ state: 'visible' });
    await filter.fill(text);
  }

  /** Waits until the editor in the bottom panel shows a line matching `pattern`; returns the panel text. */
  async waitForPanelText(pattern: RegExp, timeout = DEFAULT_TIMEOUT): Promise<string> {
    return eventually(async () => {
      const text = await this.panelText();
      if (!pattern.test(text)) throw new Error(`the panel shows no ${String(pattern)}; it reads:\n${text || '(nothing)'}`);
      return text;
    }, timeout);
  }

  /** The "Asset Studio" log output channel as written to disk by the extension host ('' before it exists). */
  extensionLog(): string {
    const logs = join(this.userDataDir, 'logs');
    const files = findFiles(logs, (p) => p.endsWith(join(this.env.extensionId, 'Asset Studio.log')));
    return files.map((f) => readFileSync(f, 'utf8')).join('');
  }

  /** Waits until the "Asset Studio" log contains `pattern`; returns the log. */
  async waitForExtensionLog(pattern: string | RegExp, timeout = DEFAULT_TIMEOUT): Promise<string> {
    return eventually(() => {
      const log = this.extensionLog();
      const hit = typeof pattern === 'string' ? log.includes(pattern) : pattern.test(log);
      if (!hit) throw new Error(`the Asset Studio log has no ${String(pattern)}; it reads:\n${log || '(empty)'}`);
      return log;
    }, timeout);
  }

  /** Closing screenshot, browser and server down, logs copied to test-results/e2e/logs/<label>/. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.screenshot(`${this.label}-at-close`).catch(() => undefined);
    await this.browser.close().catch(() => undefined);
    await this.server.stop();
    this.copyLogs();
  }

  private copyLogs(): void {
    const dest = join(this.env.resultsDir, 'logs', sanitize(this.label));
    mkdirSync(dest, { recursive: true });
    for (const f of ['code-server.log', 'browser-console.log']) {
      if (existsSync(join(this.root, f))) cpSync(join(this.root, f), join(dest, f));
    }
    for (const f of findFiles(join(this.userDataDir, 'logs'), (p) => /exthost\d*[\\/]remoteexthost\.log$|Asset Studio\.log$|remoteagent\.log$/.test(p))) {
      // A window reload starts a new extension host (exthost2, …): keep each one's log, not only the last.
      const host = /[\\/](exthost\d+)[\\/]/.exec(f)?.[1];
      cpSync(f, join(dest, host ? `${host}-${basename(f)}` : basename(f)));
    }
  }

  private async showExplorer(): Promise<void> {
    const view = this.page.locator('.explorer-folders-view');
    if (await view.isVisible()) return;
    await this.page.keyboard.press('Control+Shift+E');
    await view.waitFor({ state: 'visible' });
  }
}

/** Retries `check` until it returns without throwing, then returns its value; rethrows the last error at the timeout. */
export async function eventually<T>(check: () => T | Promise<T>, timeout = DEFAULT_TIMEOUT, intervalMs = 250): Promise<T> {
  const deadline = Date.now() + timeout;
  for (;;) {
    try {
      return await check();
    } catch (err) {
      if (Date.now() > deadline) throw err;
      await sleep(intervalMs);
    }
  }
}

function resolveWorkspace(env: E2eEnvironment, workspace: string): string {
  const path = isAbsolute(workspace) ? workspace : resolve(env.repoRoot, workspace);
  if (!existsSync(path)) throw new Error(`e2e: workspace ${path} does not exist`);
  return path;
}

function findFiles(dir: string, keep: (path: string) => boolean): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => join(e.parentPath, e.name))
    .filter(keep)
    .sort();
}

function exactly(text: string): RegExp {
  return new RegExp(`^${text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`);
}

function sanitize(name: string): string {
  return name.replace(/[^A-Za-z0-9._-]+/g, '-');
}

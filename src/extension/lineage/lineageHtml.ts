import { webviewPage } from '../webviewPage';
import type { WebviewPageParts } from '../webviewPage';

/**
 * The lineage webview's page. No vscode import, so the benchmark serves the
 * very same page (with the same Content-Security-Policy) outside VS Code.
 */
export interface LineageHtmlUris extends Omit<WebviewPageParts, 'title' | 'extraCsp' | 'appAttributes'> {
  /** The layout worker's script, fetched and started from a blob: URL. */
  readonly workerUri: string;
}

export function lineageHtml(u: LineageHtmlUris): string {
  return webviewPage({
    ...u,
    title: 'Asset Lineage',
    // The worker is fetched (connect-src) and started from a blob: URL, which
    // webviews need because a worker cannot load straight from a resource URL.
    extraCsp: [`connect-src ${u.cspSource}`, 'worker-src blob:'],
    appAttributes: { 'data-worker-uri': u.workerUri },
  });
}

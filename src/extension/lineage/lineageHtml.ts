import { webviewPage } from '../webviewPage';
import type { WebviewPageParts } from '../webviewPage';
import { inlineJsonScript } from '../inlineJson';
import { FIRST_DRAWING_ID } from '../../protocol/lineageMessages';
import type { FirstDrawing } from '../../protocol/lineageMessages';

/**
 * The lineage webview's page. No vscode import, so the benchmark serves the
 * very same page (with the same Content-Security-Policy) outside VS Code.
 */
export interface LineageHtmlUris extends Omit<WebviewPageParts, 'title' | 'extraCsp' | 'appAttributes' | 'dataMarkup'> {
  /** The layout worker's script, fetched and started from a blob: URL. */
  readonly workerUri: string;
}

/** `first`: what the page draws as soon as its script runs, when the graph is known already. */
export function lineageHtml(u: LineageHtmlUris, first?: FirstDrawing): string {
  return webviewPage({
    ...u,
    title: 'Asset Lineage',
    // The worker is fetched (connect-src) and started from a blob: URL, which
    // webviews need because a worker cannot load straight from a resource URL.
    extraCsp: [`connect-src ${u.cspSource}`, 'worker-src blob:'],
    appAttributes: { 'data-worker-uri': u.workerUri },
    ...(first ? { dataMarkup: inlineJsonScript(FIRST_DRAWING_ID, first) } : {}),
  });
}

import { webviewPage } from '../webviewPage';
import type { WebviewPageParts } from '../webviewPage';

/** The data panel's page (the common webview page); no vscode import. */
export type DataHtmlUris = Omit<WebviewPageParts, 'title' | 'extraCsp' | 'appAttributes'>;

export function dataHtml(u: DataHtmlUris): string {
  return webviewPage({ ...u, title: 'Asset Data' });
}

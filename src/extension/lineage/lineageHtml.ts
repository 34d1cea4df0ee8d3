/**
 * The lineage webview's page. No vscode import, so the benchmark serves the
 * very same page (with the same Content-Security-Policy) outside VS Code.
 */
export interface LineageHtmlUris {
  /** `webview.cspSource`: the origin allowed to serve scripts, styles, fonts and the worker script. */
  readonly cspSource: string;
  readonly nonce: string;
  readonly scriptUri: string;
  readonly workerUri: string;
  readonly styleUri: string;
  readonly codiconUri: string;
  /** Extra script run first with the nonce (the benchmark's stand-in for acquireVsCodeApi); never set by the extension. */
  readonly preludeScript?: string;
}

function attr(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');
}

export function lineageHtml(u: LineageHtmlUris): string {
  // The worker is fetched (connect-src) and started from a blob: URL, which
  // webviews need because a worker cannot load straight from a resource URL.
  const csp = [
    "default-src 'none'",
    `script-src 'nonce-${u.nonce}'`,
    `style-src ${u.cspSource}`,
    `font-src ${u.cspSource}`,
    `img-src ${u.cspSource} data:`,
    `connect-src ${u.cspSource}`,
    'worker-src blob:',
  ].join('; ');
  const prelude = u.preludeScript ? `<script nonce="${u.nonce}">${u.preludeScript}</script>` : '';
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${attr(csp)}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="stylesheet" href="${attr(u.codiconUri)}">
<link rel="stylesheet" href="${attr(u.styleUri)}">
<title>Asset Lineage</title>
</head>
<body>
<div id="app" data-worker-uri="${attr(u.workerUri)}"></div>
${prelude}<script nonce="${u.nonce}" src="${attr(u.scriptUri)}"></script>
</body>
</html>`;
}

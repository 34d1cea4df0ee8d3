/** The data panel's page: strict CSP, scripts only with the nonce, styles and fonts only from the extension. No vscode import. */
export interface DataHtmlUris {
  readonly cspSource: string;
  readonly nonce: string;
  readonly scriptUri: string;
  readonly styleUri: string;
  readonly codiconUri: string;
  /** Extra script run first with the nonce (the benchmark's stand-in for acquireVsCodeApi); never set by the extension. */
  readonly preludeScript?: string;
}

function attr(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');
}

export function dataHtml(u: DataHtmlUris): string {
  const csp = ["default-src 'none'", `script-src 'nonce-${u.nonce}'`, `style-src ${u.cspSource}`, `font-src ${u.cspSource}`, `img-src ${u.cspSource} data:`].join('; ');
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${attr(csp)}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="stylesheet" href="${attr(u.codiconUri)}">
<link rel="stylesheet" href="${attr(u.styleUri)}">
<title>Asset Data</title>
</head>
<body>
<div id="app"></div>
${u.preludeScript ? `<script nonce="${u.nonce}">${u.preludeScript}</script>` : ''}<script nonce="${u.nonce}" src="${attr(u.scriptUri)}"></script>
</body>
</html>`;
}

/**
 * The page of a webview panel: a strict Content-Security-Policy (scripts only
 * with the nonce; styles, fonts and images only from the extension), the
 * codicons and the panel's stylesheet, one `#app` element and the panel's
 * script. No vscode import, so the benchmarks serve the very same page.
 */
export interface WebviewPageParts {
  /** `webview.cspSource`: the origin allowed to serve scripts, styles, fonts and images. */
  readonly cspSource: string;
  readonly nonce: string;
  readonly scriptUri: string;
  readonly styleUri: string;
  readonly codiconUri: string;
  /** Extra script run first with the nonce (the benchmark's stand-in for acquireVsCodeApi); never set by the extension. */
  readonly preludeScript?: string;
  readonly title: string;
  /** Directives beyond the common ones. */
  readonly extraCsp?: readonly string[];
  /** Attributes of the `#app` element, for what the script must know before it asks. */
  readonly appAttributes?: Readonly<Record<string, string>>;
  /**
   * Fonts fetched while the page's script loads rather than when it first lays the page out: VS Code shows
   * the page at its load event, which waits for them.
   */
  readonly preloadFontUris?: readonly string[];
  /**
   * The page's stylesheets (in order, replacing codiconUri and styleUri) and script (replacing scriptUri) written
   * into it rather than fetched: VS Code fetches a webview's resources through its own window, which is slow while
   * that window is busy (opening an editor group). The URLs in the stylesheets must then be absolute.
   */
  readonly inline?: { readonly styles: readonly string[]; readonly script: string };
  /** Markup put before the page's script (inlineJsonScript: data the script reads as it starts). */
  readonly dataMarkup?: string;
}

function attr(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');
}

export function webviewPage(p: WebviewPageParts): string {
  const csp = [
    "default-src 'none'",
    `script-src 'nonce-${p.nonce}'`,
    `style-src ${p.cspSource}${p.inline ? ` 'nonce-${p.nonce}'` : ''}`,
    `font-src ${p.cspSource}`,
    `img-src ${p.cspSource} data:`,
    ...(p.extraCsp ?? []),
  ].join('; ');
  const app = Object.entries(p.appAttributes ?? {})
    .map(([k, v]) => ` ${k}="${attr(v)}"`)
    .join('');
  const fonts = (p.preloadFontUris ?? []).map((u) => `<link rel="preload" href="${attr(u)}" as="font" type="font/ttf" crossorigin>\n`).join('');
  const prelude = p.preludeScript ? `<script nonce="${p.nonce}">${p.preludeScript}</script>` : '';
  // Nothing in the text may end its element early or open a comment inside it.
  const styles = p.inline
    ? p.inline.styles.map((css) => `<style nonce="${p.nonce}">${css.replace(/<\/(style)/gi, '<\\/$1')}</style>\n`).join('')
    : `<link rel="stylesheet" href="${attr(p.codiconUri)}">\n<link rel="stylesheet" href="${attr(p.styleUri)}">\n`;
  const script = p.inline
    ? `<script nonce="${p.nonce}">${p.inline.script.replace(/<\/(script)/gi, '<\\/$1').replace(/<!--/g, '<\\!--')}</script>`
    : `<script nonce="${p.nonce}" src="${attr(p.scriptUri)}"></script>`;
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${attr(csp)}">
<meta name="viewport" content="width=device-width, initial-scale=1">
${fonts}${styles}<title>${attr(p.title)}</title>
</head>
<body>
<div id="app"${app}></div>
${p.dataMarkup ?? ''}${prelude}${script}
</body>
</html>`;
}

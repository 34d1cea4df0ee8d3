import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** The lineage page's stylesheets (codicons, then the panel's) and script, as written into its HTML. */
export interface LineagePageAssets {
  readonly styles: readonly string[];
  readonly script: string;
}

const cache = new Map<string, { codicons: string; panel: string; script: string }>();

/**
 * A stylesheet's `url("./file")` of a file beside it given as `url` instead, so that the stylesheet works
 * written into a page (a relative URL would resolve against the page).
 */
export function withFileUrl(css: string, file: string, url: string): string {
  return css.split(`url("./${file}")`).join(`url("${url.replace(/["\\\n]/g, encodeURIComponent)}")`);
}

/**
 * The built page's parts in `dir` (dist/webview), read once per session, the codicon font fetched from
 * `fontUrl` (the page preloads it); undefined when they cannot be read.
 */
export function lineagePageAssets(dir: string, fontUrl: string): LineagePageAssets | undefined {
  let read = cache.get(dir);
  if (!read) {
    try {
      // The source map's URL would resolve against the page, where there is none.
      const script = readFileSync(join(dir, 'lineage.js'), 'utf8').replace(/\n\/\/# sourceMappingURL=\S+\s*$/, '\n');
      read = { codicons: readFileSync(join(dir, 'codicon.css'), 'utf8'), panel: readFileSync(join(dir, 'lineage.css'), 'utf8'), script };
      cache.set(dir, read);
    } catch {
      return undefined;
    }
  }
  return { styles: [withFileUrl(read.codicons, 'codicon.ttf', fontUrl), read.panel], script: read.script };
}

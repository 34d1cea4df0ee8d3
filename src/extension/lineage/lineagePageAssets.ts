import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** The lineage page's stylesheets (codicons, then the panel's) and script, as written into its HTML. */
export interface LineagePageAssets {
  readonly styles: readonly string[];
  readonly script: string;
}

const cache = new Map<string, LineagePageAssets>();

/**
 * A stylesheet's `url("./file")` of a font beside it as a data: URL, so that the
 * stylesheet works written into a page (a relative URL would resolve against the page).
 */
export function withFontInlined(css: string, file: string, font: Uint8Array): string {
  const data = `url("data:font/ttf;base64,${Buffer.from(font).toString('base64')}")`;
  return css.split(`url("./${file}")`).join(data);
}

/** The built page's parts in `dir` (dist/webview), read once per session; undefined when they cannot be read. */
export function lineagePageAssets(dir: string): LineagePageAssets | undefined {
  const known = cache.get(dir);
  if (known) return known;
  try {
    const codicons = withFontInlined(readFileSync(join(dir, 'codicon.css'), 'utf8'), 'codicon.ttf', readFileSync(join(dir, 'codicon.ttf')));
    // The source map's URL would resolve against the page, where there is none.
    const script = readFileSync(join(dir, 'lineage.js'), 'utf8').replace(/\n\/\/# sourceMappingURL=\S+\s*$/, '\n');
    const assets = { styles: [codicons, readFileSync(join(dir, 'lineage.css'), 'utf8')], script };
    cache.set(dir, assets);
    return assets;
  } catch {
    return undefined;
  }
}

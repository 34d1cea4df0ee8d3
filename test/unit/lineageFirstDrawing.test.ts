import { test } from 'node:test';
import assert from 'node:assert/strict';
import { inlineJsonScript } from '../../src/extension/inlineJson';
import { lineageHtml } from '../../src/extension/lineage/lineageHtml';
import { webviewPage } from '../../src/extension/webviewPage';
import { withFileUrl } from '../../src/extension/lineage/lineagePageAssets';
import { afterFirstDrawing } from '../../src/extension/lineage/afterFirstDrawing';
import { FIRST_DRAWING_ID } from '../../src/protocol/lineageMessages';
import type { FirstDrawing } from '../../src/protocol/lineageMessages';

const uris = {
  cspSource: 'https://webview.example',
  nonce: 'n0nce',
  scriptUri: 'https://webview.example/lineage.js',
  workerUri: 'https://webview.example/layout-worker.js',
  styleUri: 'https://webview.example/lineage.css',
  codiconUri: 'https://webview.example/codicon.css',
};

/** The text of the first `<script type="application/json" id=…>` element, as an HTML parser would end it (at the first `</script`). */
function jsonElementText(html: string, id: string): string | undefined {
  const open = `<script type="application/json" id="${id}">`;
  const start = html.indexOf(open);
  if (start < 0) return undefined;
  const end = html.toLowerCase().indexOf('</script', start + open.length);
  return html.slice(start + open.length, end);
}

test('a value written into the page comes back whole, whatever text it holds, and nothing in it can end the element or open a comment', () => {
  const value = { label: 'a </script><script>alert(1)</script> <!-- b', nested: [{ sql: 'select 1 where x < 2' }], n: 3 };
  const markup = inlineJsonScript('data', value);
  const text = jsonElementText(markup, 'data');
  assert.ok(text !== undefined);
  assert.deepEqual(JSON.parse(text), value);
  assert.ok(!text.includes('<'));
  assert.ok(markup.endsWith('</script>'));
});

test('a new panel of a known graph carries its first drawing in its HTML, before the page script that reads it', () => {
  const first: FirstDrawing = {
    snapshot: { nodes: [{ id: 'raw/trips', label: 'trips </script>', group: 'raw', source: 'sql', state: 'fresh', checks: { passed: 1, failed: 0, total: 1 } }], edges: [] },
    focus: 'raw/trips',
  };
  const html = lineageHtml(uris, first);
  const text = jsonElementText(html, FIRST_DRAWING_ID);
  assert.ok(text !== undefined, 'the first drawing is in the page');
  assert.deepEqual(JSON.parse(text), first);
  assert.ok(html.indexOf(`id="${FIRST_DRAWING_ID}"`) < html.indexOf(`src="${uris.scriptUri}"`));
  // A restored panel (or one opened while the graph is discovered) asks for its snapshot instead.
  assert.equal(jsonElementText(lineageHtml(uris), FIRST_DRAWING_ID), undefined);
});

test('once the page is ready, only what changed since its first drawing is sent', () => {
  assert.deepEqual(afterFirstDrawing({ focus: 'a', changed: false }, 'a'), { snapshot: false });
  assert.deepEqual(afterFirstDrawing({ focus: undefined, changed: false }, undefined), { snapshot: false });
  // The active editor moved to another asset before the page was ready.
  assert.deepEqual(afterFirstDrawing({ focus: 'a', changed: false }, 'b'), { focus: 'b', snapshot: false });
  assert.deepEqual(afterFirstDrawing({ focus: undefined, changed: false }, 'b'), { focus: 'b', snapshot: false });
  // A run or the states read changed the graph meanwhile.
  assert.deepEqual(afterFirstDrawing({ focus: 'a', changed: true }, 'a'), { snapshot: true });
});

test('a font the page needs is preloaded before its stylesheets, with the CORS mode a font load uses (else the browser fetches it twice)', () => {
  const html = webviewPage({ ...uris, title: 'Asset Lineage', preloadFontUris: ['https://webview.example/codicon.ttf'] });
  const preload = html.indexOf('<link rel="preload" href="https://webview.example/codicon.ttf" as="font" type="font/ttf" crossorigin>');
  assert.ok(preload > 0, 'the font is preloaded');
  assert.ok(preload < html.indexOf('rel="stylesheet"'));
  assert.ok(!webviewPage({ ...uris, title: 'Asset Lineage' }).includes('rel="preload"'));
});

test('written into the page, the script and stylesheets replace their fetches, under the page nonce, and no text in them can end their element', () => {
  const html = webviewPage({
    ...uris,
    title: 'Asset Lineage',
    inline: { styles: ['.a { content: "</style><b>" }', '.b {}'], script: 'const s = "</script><!--"; run(s);' },
  });
  assert.ok(!html.includes(`href="${uris.styleUri}"`) && !html.includes(`href="${uris.codiconUri}"`) && !html.includes(`src="${uris.scriptUri}"`));
  assert.match(html, /style-src https:\/\/webview\.example 'nonce-n0nce'/);
  assert.equal(html.match(/<style nonce="n0nce">/g)?.length, 2);
  assert.ok(html.includes('<script nonce="n0nce">const s = "<\\/script><\\!--"; run(s);</script>'));
  assert.ok(html.includes('.a { content: "<\\/style><b>" }</style>'));
  // Fetched, the page's CSP allows no inline style and no data: font.
  const fetched = webviewPage({ ...uris, title: 'Asset Lineage' });
  assert.match(fetched, /style-src https:\/\/webview\.example;/);
  assert.ok(fetched.includes(`src="${uris.scriptUri}"`));
});

test("a stylesheet's font beside it is named by its absolute URL, so the stylesheet works written into the page", () => {
  const css = '@font-face { src: url("./codicon.ttf") format("truetype"); } .x { background: url("./other.png"); }';
  const out = withFileUrl(css, 'codicon.ttf', 'https://webview.example/dist/codicon.ttf');
  assert.ok(out.includes('url("https://webview.example/dist/codicon.ttf") format("truetype")'));
  assert.ok(out.includes('url("./other.png")'));
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { dataHtml } from '../../src/extension/data/dataHtml';

test("the data panel's page: nothing but its own resources, scripts only with the load's nonce", () => {
  const html = dataHtml({ cspSource: 'https://res.example', nonce: 'n0nce', scriptUri: 'https://res.example/data.js', styleUri: 'https://res.example/data.css', codiconUri: 'https://res.example/codicon.css' });
  const csp = /http-equiv="Content-Security-Policy" content="([^"]*)"/.exec(html)?.[1] ?? '';
  assert.match(csp, /default-src 'none'/);
  assert.match(csp, /script-src 'nonce-n0nce'(;|$)/);
  assert.doesNotMatch(csp, /unsafe-(inline|eval)/);
  const scripts = [...html.matchAll(/<script([^>]*)>/g)].map((m) => m[1]!);
  assert.equal(scripts.length, 1, 'no prelude unless a bench asks for one');
  assert.ok(scripts.every((a) => a.includes('nonce="n0nce"')));
  assert.doesNotMatch(html.replace(/https:\/\/res\.example/g, ''), /https?:\/\//, 'nothing remote');
});

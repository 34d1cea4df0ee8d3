import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseWebviewMessage } from '../../src/protocol/parseWebviewMessage';

test('well-formed messages from the panel are accepted as typed', () => {
  assert.deepEqual(parseWebviewMessage({ type: 'ready' }), { type: 'ready' });
  assert.deepEqual(parseWebviewMessage({ type: 'openDefinition', key: 'raw/trips' }), { type: 'openDefinition', key: 'raw/trips' });
  assert.deepEqual(parseWebviewMessage({ type: 'previewData', key: 'raw/trips' }), { type: 'previewData', key: 'raw/trips' });
  assert.deepEqual(parseWebviewMessage({ type: 'compare', key: 'raw/trips', extra: 1 }), { type: 'compare', key: 'raw/trips' });
  for (const mode of ['asset', 'upstream', 'downstream'] as const) {
    assert.deepEqual(parseWebviewMessage({ type: 'materialize', key: 'raw/trips', mode }), { type: 'materialize', key: 'raw/trips', mode });
  }
  assert.deepEqual(parseWebviewMessage({ type: 'exportSvg', svg: '<svg xmlns="http://www.w3.org/2000/svg"></svg>' }), {
    type: 'exportSvg',
    svg: '<svg xmlns="http://www.w3.org/2000/svg"></svg>',
  });
  const rendered = { type: 'rendered', nodes: 5, edges: 4, layoutMs: 1.5, drawMs: 2, totalMs: 4, inWorker: false };
  assert.deepEqual(parseWebviewMessage(rendered), rendered);
});

test('extra fields are dropped, not passed on', () => {
  assert.deepEqual(parseWebviewMessage({ type: 'openDefinition', key: 'a/b', command: 'rm -rf' }), { type: 'openDefinition', key: 'a/b' });
});

test('malformed messages are rejected', () => {
  const bad: unknown[] = [
    undefined,
    null,
    42,
    'ready',
    [],
    { type: 'Ready' },
    { type: 'unknown' },
    { type: 'openDefinition' },
    { type: 'openDefinition', key: '' },
    { type: 'previewData' },
    { type: 'previewData', key: 'a\0b' },
    { type: 'compare' },
    { type: 'compare', key: 7 },
    { type: 'openDefinition', key: '   ' },
    { type: 'openDefinition', key: 7 },
    { type: 'openDefinition', key: 'a\0b' },
    { type: 'openDefinition', key: 'k'.repeat(5000) },
    { type: 'materialize', key: 'a/b' },
    { type: 'materialize', key: 'a/b', mode: 'everything' },
    { type: 'materialize', key: ['a', 'b'], mode: 'asset' },
    { type: 'exportSvg', svg: 12 },
    { type: 'exportSvg', svg: '<script>alert(1)</script>' },
    { type: 'rendered', nodes: -1, edges: 0, layoutMs: 0, drawMs: 0, totalMs: 0, inWorker: true },
    { type: 'rendered', nodes: 1, edges: 0, layoutMs: Number.NaN, drawMs: 0, totalMs: 0, inWorker: true },
    { type: 'rendered', nodes: 1, edges: 0, layoutMs: 0, drawMs: 0, totalMs: 0 },
  ];
  for (const message of bad) assert.equal(parseWebviewMessage(message), undefined, JSON.stringify(message));
});

test('details requests and run-checks carry a key and nothing else', () => {
  assert.deepEqual(parseWebviewMessage({ type: 'details', key: 'raw/trips', extra: 1 }), { type: 'details', key: 'raw/trips' });
  assert.deepEqual(parseWebviewMessage({ type: 'runChecks', key: 'raw/trips' }), { type: 'runChecks', key: 'raw/trips' });
  for (const bad of [{ type: 'details' }, { type: 'details', key: '' }, { type: 'runChecks', key: 42 }, { type: 'runChecks', key: 'a\0b' }]) {
    assert.equal(parseWebviewMessage(bad), undefined, JSON.stringify(bad));
  }
});

test('column requests carry a key, and a column for a trace; anything else is refused', () => {
  assert.deepEqual(parseWebviewMessage({ type: 'columns', key: 'raw/trips', column: 'x' }), { type: 'columns', key: 'raw/trips' });
  assert.deepEqual(parseWebviewMessage({ type: 'columnTrace', key: 'raw/trips', column: 'fare' }), { type: 'columnTrace', key: 'raw/trips', column: 'fare' });
  for (const bad of [
    { type: 'columns' },
    { type: 'columns', key: ' ' },
    { type: 'columnTrace', key: 'raw/trips' },
    { type: 'columnTrace', key: 'raw/trips', column: '' },
    { type: 'columnTrace', key: 'raw/trips', column: 7 },
    { type: 'columnTrace', key: 'raw/trips', column: 'x'.repeat(2000) },
  ]) {
    assert.equal(parseWebviewMessage(bad), undefined, JSON.stringify(bad).slice(0, 80));
  }
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { openDiffSession } from '../../src/core/diff/relationDiff';
import { compareResultOf } from '../../src/extension/data/compareResult';
import { columnChanges, compareHeadline, countLines, sampleRows, schemaLines } from '../../webview/src/data/compareModel';
import { parseDataPanelMessage, parseSavedState } from '../../src/protocol/parseDataPanelMessage';
import { duckTarget, queryFile, tempDir } from './engineFixtures';

test('a real keyed compare, as the panel draws it: schema added/removed/retyped, counts, per-column changes, samples old → new', async () => {
  const { dir, cleanup } = tempDir('compare-model-');
  try {
    const dev = duckTarget(dir, { name: 'dev', path: join(dir, 'dev.duckdb') });
    const prod = duckTarget(dir, { name: 'prod', path: join(dir, 'prod.duckdb'), protected: true });
    await queryFile(prod.path!, `CREATE TABLE t AS SELECT i AS id, 'n' || i AS name, i * 10 AS amount, 9007199254740993 + i AS big, 'x' AS gone FROM range(100) r(i)`);
    // dev: id 0 dropped, id 100 added, amount changed on ids divisible by 10 (not 0), name on id 5, a new column, big retyped.
    await queryFile(
      dev.path!,
      `CREATE TABLE t AS SELECT i AS id, CASE WHEN i = 5 THEN 'five' ELSE 'n' || i END AS name, CASE WHEN i % 10 = 0 THEN i * 11 ELSE i * 10 END AS amount,
         (9007199254740993 + i)::VARCHAR AS big, true AS fresh FROM range(1, 101) r(i)`,
    );
    const session = await openDiffSession(dev, prod, { projectRoot: dir });
    let diff;
    try {
      diff = await session.diff({ schema: 'main', name: 't' }, { schema: 'main', name: 't' }, { key: ['id'] });
    } finally {
      session.close();
    }
    const result = compareResultOf(diff);
    assert.doesNotThrow(() => JSON.stringify(result), 'JSON-safe: no bigint left');
    assert.deepEqual(schemaLines(result), [
      { kind: 'added', name: 'fresh', text: 'BOOLEAN (only in dev)' },
      { kind: 'removed', name: 'gone', text: 'VARCHAR (only in prod)' },
      { kind: 'changed', name: 'big', text: 'BIGINT → VARCHAR' },
    ]);
    assert.deepEqual(
      countLines(result).map((c) => [c.label, c.kind, c.count]),
      [
        ['rows in dev', 'same', 100],
        ['rows in prod', 'same', 100],
        ['only in dev (added)', 'added', 1],
        ['only in prod (removed)', 'removed', 1],
        ['changed', 'changed', 10],
      ],
    );
    assert.deepEqual(columnChanges(result).filter((c) => c.count > 0), [
      { column: 'amount', count: 9 },
      { column: 'name', count: 1 },
    ]);
    const samples = sampleRows(result);
    const five = samples.find((s) => s.kind === 'changed' && s.key === 'id = 5');
    assert.deepEqual(five?.cells, [{ column: 'name', old: 'n5', new: 'five' }]);
    const ten = samples.find((s) => s.key === 'id = 10');
    assert.deepEqual(ten?.cells, [{ column: 'amount', old: '100', new: '110' }]);
    assert.equal(samples.find((s) => s.kind === 'added')?.key, 'id = 100');
    assert.equal(samples.find((s) => s.kind === 'removed')?.label, 'only in prod');
    assert.equal(compareHeadline(result), 'Promoting dev onto prod: 3 columns differ, 10 rows changed, 1 only in dev, 1 only in prod.');
  } finally {
    cleanup();
  }
});

test('compare messages from the panel and the saved compare are validated', () => {
  assert.deepEqual(parseDataPanelMessage({ type: 'compareAgain', generation: 4 }), { type: 'compareAgain', generation: 4 });
  assert.equal(parseDataPanelMessage({ type: 'compareAgain', generation: -1 }), undefined);
  assert.deepEqual(parseDataPanelMessage({ type: 'previewSide', generation: 4, target: 'prod' }), { type: 'previewSide', generation: 4, target: 'prod' });
  assert.equal(parseDataPanelMessage({ type: 'previewSide', generation: 4, target: '' }), undefined);
  const spec = { root: '/w', asset: 'analytics/daily', from: 'dev', to: 'prod' };
  assert.deepEqual(parseSavedState({ compare: spec }), { compare: spec });
  assert.deepEqual(parseSavedState({ compare: { ...spec, to: 3 } }), {});
});

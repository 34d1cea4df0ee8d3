import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DuckDBInstance } from '@duckdb/node-api';
import { materializedRows } from '../../src/core/engine/materializedRows';

test('materializedRows reads every chunk of a result as the reader does, types converted alike', async () => {
  const db = await DuckDBInstance.create(':memory:');
  const conn = await db.connect();
  try {
    // 5,000 rows: more than one 2,048-row chunk; duplicate names, a NULL, a big integer, a struct and a date.
    const sql = `select range as id, range as id, case when range = 3 then null else 'v' || range end as s,
      range::hugeint * 1000000000000 as big, {'a': range, 'b': [range, 2]} as st, DATE '2024-01-01' + range::int as d
      from range(5000)`;
    const expected = (await conn.runAndReadAll(sql)).getRowObjectsJson();
    const got = materializedRows(await conn.run(sql));
    assert.equal(got.length, 5000);
    assert.deepEqual(got, expected);
  } finally {
    conn.closeSync();
    db.closeSync();
  }
});

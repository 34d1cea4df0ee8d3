import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { seedColumnTypes, seedSelectSql } from '../../src/core/dbt/dbtSeedTypes';
import { tempDir } from './engineFixtures';

// Each column is a case of dbt's agate type tester, with the type and values dbt would load.
const CSV = [
  'int,nulls,zeros,dec,exp,money,day,stamp,iso,bool,tf,yesno,text,empty,forced',
  '1,null,007,1.50,1e3,"$1,000",2024-01-31,2024-01-31 10:00:00,2024-01-31T10:00:00,True,t,yes,a,,01',
  '-2,,010,2,2e3,$5,2024-02-01,2024-02-01 00:00:01,2024-02-01T00:00:00,false,f,no,null,,02',
].join('\n');

test("seed columns are typed as dbt's agate inference types them; null and empty are NULL; column_types win", async () => {
  const { dir, cleanup } = tempDir('seed-types-');
  const db = await DuckDBInstance.create(':memory:');
  const conn = await db.connect();
  try {
    const file = join(dir, 'cases.csv');
    writeFileSync(file, `${CSV}\n`);
    const query = async (sql: string) => (await conn.runAndReadAll(sql)).getRowObjectsJson() as Record<string, unknown>[];
    const columns = await seedColumnTypes(file, { forced: 'VARCHAR' }, query);
    assert.deepEqual(Object.fromEntries(columns.map((c) => [c.name, c.type])), {
      int: 'INTEGER',
      nulls: 'INTEGER',
      zeros: 'INTEGER',
      dec: 'DOUBLE',
      exp: 'INTEGER',
      money: 'INTEGER',
      day: 'DATE',
      stamp: 'TIMESTAMP',
      iso: 'TIMESTAMP',
      bool: 'BOOLEAN',
      tf: 'VARCHAR',
      yesno: 'VARCHAR',
      text: 'VARCHAR',
      empty: 'INTEGER',
      forced: 'VARCHAR',
    });
    const rows = await query(`SELECT * FROM (${seedSelectSql(file, columns)})`);
    assert.deepEqual(rows, [
      { int: 1, nulls: null, zeros: 7, dec: 1.5, exp: 1000, money: 1000, day: '2024-01-31', stamp: '2024-01-31 10:00:00', iso: '2024-01-31 10:00:00', bool: true, tf: 't', yesno: 'yes', text: 'a', empty: null, forced: '01' },
      { int: -2, nulls: null, zeros: 10, dec: 2, exp: 2000, money: 5, day: '2024-02-01', stamp: '2024-02-01 00:00:01', iso: '2024-02-01 00:00:00', bool: false, tf: 'f', yesno: 'no', text: null, empty: null, forced: '02' },
    ]);
  } finally {
    conn.closeSync();
    db.closeSync();
    cleanup();
  }
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { resolveQueryTemplates } from '../../src/core/data/queryTemplates';
import { tempDir } from './engineFixtures';
import { cli } from './cliRun';

const EXAMPLE = resolve(import.meta.dirname, '../../examples/nyc_taxi');

test('query: a read on the target with {{ ref() }} to an asset, as JSON (no relation), CSV and text; writes refused', async () => {
  const { dir, cleanup } = tempDir('cli-query-');
  try {
    const root = join(dir, 'nyc_taxi');
    cpSync(EXAMPLE, root, { recursive: true, filter: (src) => !src.includes('.asset-studio') });
    assert.equal((await cli(['materialize', 'raw/zones', '--root', root], dir)).code, 0);
    const db = join(root, '.asset-studio', 'dev.duckdb');
    const mtime = statSync(db).mtimeMs;

    const json = await cli(['query', "select borough, count(*) as n from {{ ref('raw/zones') }} group by all order by n desc, borough limit 2", '--json', '--root', root], dir);
    assert.equal(json.code, 0, json.stderr);
    const out = JSON.parse(json.stdout);
    assert.deepEqual(Object.keys(out), ['target', 'columns', 'rows', 'total_rows', 'sql']);
    assert.deepEqual(out.columns, [{ name: 'borough', type: 'VARCHAR' }, { name: 'n', type: 'BIGINT' }]);
    assert.deepEqual(out.rows[0], { borough: 'Manhattan', n: 5 });
    assert.match(out.sql, /from "raw"\."zones" group by all/);

    const csv = await cli(['query', `select NULL as "a", '' as b, 'x,"y"' as c, {'k': [1]} as d`, '--csv', '--root', root], dir);
    assert.equal(csv.code, 0, csv.stderr);
    assert.equal(csv.stdout, 'a,b,c,d\n,"","x,""y""","{""k"":[1]}"\n');

    const text = await cli(['query', 'select id from raw.zones order by id', '--limit', '3', '--root', root], dir);
    assert.equal(text.code, 0, text.stderr);
    assert.match(text.stdout, /rows 1–3 of 20 \(--limit\) on 'dev'\n$/);

    for (const [sql, reason] of [
      ['create table raw.evil as select 1', /Only reads run here.*CREATE/],
      ['delete from raw.zones', /Only reads run here.*DELETE/],
      ["select * from {{ ref('nope') }}", /no asset 'nope'/],
      ['select {{ target }}', /understands \{\{ this \}\}/],
    ] as const) {
      const r = await cli(['query', sql, '--root', root], dir);
      assert.equal(r.code, 1, sql);
      assert.match(r.stderr, reason, sql);
    }
    assert.equal(statSync(db).mtimeMs, mtime, 'queries never write the file');
  } finally {
    cleanup();
  }
});

test('templates: this, ref and source each become the relation the lookup gives, the rest of the text untouched', async () => {
  const seen: string[] = [];
  const sql = await resolveQueryTemplates("select * from {{ this }} join {{ ref(\"orders\") }} using (id) join {{source('raw','trips')}} t on '{{' = '{'", async (r) => {
    seen.push(r.kind === 'this' ? 'this' : r.key);
    return r.kind === 'this' ? '"main"."me"' : `"x"."${r.key}"`;
  });
  assert.equal(sql, `select * from "main"."me" join "x"."orders" using (id) join "x"."raw/trips" t on '{{' = '{'`);
  assert.deepEqual(seen, ['this', 'orders', 'raw/trips']);
});

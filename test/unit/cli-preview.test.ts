import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { tempDir } from './engineFixtures';
import { cli } from './cliRun';

const EXAMPLE = resolve(import.meta.dirname, '../../examples/nyc_taxi');
const SHOP = resolve(import.meta.dirname, '../fixtures/dbt/shop_duckdb');

test('preview a SQL asset: JSON rows by column, sort and filters done by DuckDB, read-only, the SQL shown', async () => {
  const { dir, cleanup } = tempDir('cli-preview-');
  try {
    const root = join(dir, 'nyc_taxi');
    cpSync(EXAMPLE, root, { recursive: true, filter: (src) => !src.includes('.asset-studio') });

    const before = await cli(['preview', 'raw/zones', '--root', root], dir);
    assert.equal(before.code, 1);
    assert.match(before.stderr, /raw\/zones on target 'dev': .*does not exist yet/);

    const built = await cli(['materialize', 'raw/zones', '--root', root], dir);
    assert.equal(built.code, 0, built.stderr);
    const db = join(root, '.asset-studio', 'dev.duckdb');
    const mtime = statSync(db).mtimeMs;

    const json = await cli(['preview', 'raw.zones', '--json', '--limit', '3', '--sort', 'id:desc', '--where', 'borough=Brooklyn', '--root', root], dir);
    assert.equal(json.code, 0, json.stderr);
    const out = JSON.parse(json.stdout);
    assert.deepEqual(Object.keys(out), ['target', 'relation', 'columns', 'rows', 'total_rows', 'sql']);
    assert.equal(out.target, 'dev');
    assert.equal(out.relation, '"raw"."zones"');
    assert.deepEqual(out.columns, [
      { name: 'id', type: 'INTEGER' },
      { name: 'borough', type: 'VARCHAR' },
      { name: 'zone', type: 'VARCHAR' },
    ]);
    assert.equal(out.rows.length, 3);
    assert.ok(out.rows.every((r: { borough: string }) => r.borough === 'Brooklyn'));
    const ids = out.rows.map((r: { id: number }) => r.id);
    assert.deepEqual(ids, [...ids].sort((a, b) => b - a));
    assert.ok(out.total_rows >= 3);
    assert.equal(out.sql, `SELECT * FROM "raw"."zones" WHERE "borough" = 'Brooklyn' ORDER BY "id" DESC NULLS LAST LIMIT 3 OFFSET 0`);

    const two = await cli(['preview', 'raw/zones', '--where', 'id<=2', '--where', 'zone~CENTER', '--root', root], dir);
    assert.equal(two.code, 0, two.stderr);
    assert.match(two.stdout, /^id +borough +zone\nINTEGER +VARCHAR +VARCHAR\n/);
    assert.match(two.stdout, /\n {1,}2 {2}Manhattan {2}Midtown Center\n/, 'numbers right-aligned');
    assert.match(two.stdout, /rows 1–1 of 1 · "raw"."zones" on 'dev'/);
    assert.equal(statSync(db).mtimeMs, mtime, 'previews never write the file');

    const badColumn = await cli(['preview', 'raw/zones', '--sort', 'nope', '--root', root], dir);
    assert.equal(badColumn.code, 1);
    assert.match(badColumn.stderr, /nope/);
    const badWhere = await cli(['preview', 'raw/zones', '--where', 'id', '--root', root], dir);
    assert.equal(badWhere.code, 2);
    assert.match(badWhere.stderr, /--where id: write COL=VALUE/);
    const badLimit = await cli(['preview', 'raw/zones', '--limit', 'ten', '--root', root], dir);
    assert.equal(badLimit.code, 2);
    const unknown = await cli(['preview', 'raw/nothing', '--root', root], dir);
    assert.equal(unknown.code, 2);
    assert.match(unknown.stderr, /no asset 'raw\/nothing'/);
  } finally {
    cleanup();
  }
});

test('preview a dbt model reads the relation dbt built (custom schema); an ephemeral model has none', async () => {
  const { dir, cleanup } = tempDir('cli-preview-dbt-');
  try {
    const root = join(dir, 'shop');
    cpSync(SHOP, root, { recursive: true, filter: (src) => !src.endsWith('.duckdb') });
    const built = await cli(['materialize', '*', '--root', root], dir);
    assert.equal(built.code, 0, built.stderr + built.stdout);
    const json = await cli(['show', 'orders', '--json', '--limit', '2', '--root', root], dir);
    assert.equal(json.code, 0, json.stderr);
    const out = JSON.parse(json.stdout);
    assert.equal(out.relation, '"shop"."main_marts"."orders"');
    assert.equal(out.rows.length, 2);
    assert.ok(out.columns.some((c: { name: string }) => c.name === 'order_id'));
    const eph = await cli(['preview', 'int_order_payments', '--root', root], dir);
    assert.equal(eph.code, 1);
    assert.match(eph.stderr, /ephemeral/);
  } finally {
    cleanup();
  }
});

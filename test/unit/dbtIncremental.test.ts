import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { queryFile, tempDir } from './engineFixtures';
import { cli } from './cliRun';

// Incremental dbt models loaded in-process must leave the table `dbt run` leaves
// with dbt-duckdb: keys compared with `=`, every batch row inserted, and
// on_schema_change applied as dbt's process_schema_changes applies it.

function writeProject(root: string, models: Record<string, string>): void {
  mkdirSync(join(root, 'models'), { recursive: true });
  mkdirSync(join(root, 'data'), { recursive: true });
  writeFileSync(join(root, 'dbt_project.yml'), 'name: inc\nversion: "1.0"\nprofile: inc\n');
  writeFileSync(join(root, 'profiles.yml'), 'inc:\n  target: dev\n  outputs:\n    dev:\n      type: duckdb\n      path: inc.duckdb\n      threads: 1\n');
  for (const [name, sql] of Object.entries(models)) writeFileSync(join(root, 'models', `${name}.sql`), sql);
}

const FROM_EVENTS = "select id, v from read_csv('data/events.csv', header = true, columns = {'id': 'INTEGER', 'v': 'VARCHAR'})";

async function rows(root: string, table: string): Promise<unknown[]> {
  return (await queryFile(join(root, 'inc.duckdb'), `SELECT * FROM "main"."${table}" ORDER BY id NULLS LAST, v`)).map((r) => Object.values(r));
}

test('dbt incremental in-process: delete+insert and merge match keys with =, so NULL keys and repeated batch keys land as dbt leaves them', async () => {
  const { dir, cleanup } = tempDir('dbt-incr-');
  try {
    const root = join(dir, 'p');
    writeProject(root, {
      di: `{{ config(materialized='incremental', unique_key='id') }}\n${FROM_EVENTS}\n`,
      mg: `{{ config(materialized='incremental', unique_key=['id'], incremental_strategy='merge') }}\n${FROM_EVENTS}\n`,
      ap: `{{ config(materialized='incremental') }}\n${FROM_EVENTS}\n`,
    });
    writeFileSync(join(root, 'data/events.csv'), 'id,v\n1,a\n2,b\n,n\n');
    const first = await cli(['materialize', '*', '--json', '--root', root], dir);
    assert.equal(first.code, 0, first.stdout + first.stderr);

    writeFileSync(join(root, 'data/events.csv'), 'id,v\n2,B\n3,c\n3,c2\n,n2\n');
    const second = await cli(['materialize', '*', '--json', '--root', root], dir);
    assert.equal(second.code, 0, second.stdout + second.stderr);
    const runs = JSON.parse(second.stdout).runs as { key: string; rows: number; runner: string }[];
    assert.ok(runs.every((r) => r.runner === 'in-process'), second.stdout);
    assert.deepEqual(
      runs.map((r) => [r.key, r.rows]).sort(),
      [['ap', 4], ['di', 4], ['mg', 4]],
    );

    // delete+insert: id 2 replaced; NULL IN (…) matches nothing, so both NULL rows stay; both id 3 rows land.
    const expected = [[1, 'a'], [2, 'B'], [3, 'c'], [3, 'c2'], [null, 'n'], [null, 'n2']];
    assert.deepEqual(await rows(root, 'di'), expected);
    // merge: id 2 updated, the rest not matched and inserted — the same table here.
    assert.deepEqual(await rows(root, 'mg'), expected);
    // append: everything again.
    assert.equal((await rows(root, 'ap')).length, 7);
  } finally {
    cleanup();
  }
});

test("dbt incremental in-process: on_schema_change 'append_new_columns' adds the column, 'fail' rolls back and says what changed, 'sync_all_columns' needs dbt", async () => {
  const { dir, cleanup } = tempDir('dbt-incr-schema-');
  try {
    const root = join(dir, 'p');
    const model = (change: string, extra: string) => `{{ config(materialized='incremental', on_schema_change='${change}') }}\nselect 1 as id${extra}\n`;
    writeProject(root, { grow: model('append_new_columns', ''), strict: model('fail', ''), ignored: `{{ config(materialized='incremental') }}\nselect 1 as id\n` });
    assert.equal((await cli(['materialize', '*', '--root', root], dir)).code, 0);

    writeProject(root, { grow: model('append_new_columns', ", 'x' as extra"), strict: model('fail', ", 'x' as extra"), ignored: `{{ config(materialized='incremental') }}\nselect 2 as id, 'x' as extra\n` });
    const run = await cli(['materialize', '*', '--json', '--root', root], dir);
    const runs = JSON.parse(run.stdout).runs as { key: string; status: string; error?: string }[];
    const byKey = new Map(runs.map((r) => [r.key, r]));
    assert.equal(byKey.get('grow')?.status, 'success', run.stdout);
    assert.deepEqual(await queryFile(join(root, 'inc.duckdb'), 'SELECT id, extra FROM "main"."grow" ORDER BY extra NULLS FIRST'), [
      { id: 1, extra: null },
      { id: 1, extra: 'x' },
    ]);
    // ignore: the table keeps its columns; the new one is not written.
    assert.equal(byKey.get('ignored')?.status, 'success', run.stdout);
    assert.deepEqual(await queryFile(join(root, 'inc.duckdb'), 'SELECT * FROM "main"."ignored" ORDER BY id'), [{ id: 1 }, { id: 2 }]);
    const strict = byKey.get('strict')!;
    assert.equal(strict.status, 'failed');
    assert.match(strict.error ?? '', /on_schema_change='fail'.*new: extra VARCHAR.*--full-refresh/);
    assert.deepEqual(await queryFile(join(root, 'inc.duckdb'), 'SELECT * FROM "main"."strict"'), [{ id: 1 }]);

    writeProject(root, { strict: model('sync_all_columns', '') });
    const sync = await cli(['materialize', 'strict', '--dbt-runner', 'in-process', '--json', '--root', root], dir);
    assert.notEqual(sync.code, 0);
    assert.match(sync.stdout + sync.stderr, /on_schema_change='sync_all_columns' runs with dbt/);
  } finally {
    cleanup();
  }
});

test('dbt incremental in-process: a model that was a view becomes its table on the next run, as dbt replaces it', async () => {
  const { dir, cleanup } = tempDir('dbt-incr-view-');
  try {
    const root = join(dir, 'p');
    writeProject(root, { m: `{{ config(materialized='view') }}\nselect 1 as id\n` });
    assert.equal((await cli(['materialize', '*', '--root', root], dir)).code, 0);
    writeProject(root, { m: `{{ config(materialized='incremental') }}\nselect 1 as id\n` });
    const run = await cli(['materialize', '*', '--json', '--root', root], dir);
    assert.equal(run.code, 0, run.stdout + run.stderr);
    assert.deepEqual(await queryFile(join(root, 'inc.duckdb'), "SELECT table_type FROM information_schema.tables WHERE table_name = 'm'"), [{ table_type: 'BASE TABLE' }]);
  } finally {
    cleanup();
  }
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir } from './engineFixtures';
import { cli } from './cliRun';

test('human output: a blocked build says it was rolled back, once; a failing check is listed, not repeated as the error', async () => {
  const { dir, cleanup } = tempDir('cli-human-');
  try {
    writeFileSync(join(dir, 'base.sql'), '/* @asset\nname: base\nchecks:\n  - not_null: [id]\n*/\nselect case when range = 1 then null else range end as id from range(3)\n');
    const built = await cli(['materialize', 'base'], dir);
    assert.equal(built.code, 1);
    assert.match(built.stdout, /✗ base {2}failed .*\n {4}error not_null_id: 1 failing row \(base\.sql:4\)\n {8}id\n {8}────\n {8}NULL\n {4}rolled back: the previous data is unchanged\n/);
    assert.doesNotMatch(built.stdout, /blocked by|failing check/);

    const checked = await cli(['check', 'base'], dir);
    assert.equal(checked.code, 1);
    // Nothing was built (it was rolled back): its check could not run, said once, and nothing counts as failed.
    assert.match(checked.stdout, /– base {2}skipped\n {4}base is not materialized on target 'dev', so its check could not run: materialize it first\nchecked on dev: 0 succeeded, 0 failed, 1 skipped \(0 checks ran\)/);
    assert.doesNotMatch(checked.stdout, /rolled back|failing check/);
  } finally {
    cleanup();
  }
});

test('human output: a partition blocked by a check names that partition as rolled back, without repeating the check summary', async () => {
  const { dir, cleanup } = tempDir('cli-human-');
  try {
    writeFileSync(
      join(dir, 'daily.sql'),
      "/* @asset\nname: daily\npartition: { by: day, column: day, start: 2024-03-01 }\nchecks:\n  - not_null: [n]\n*/\nselect {{ partition_start }} as day, case when {{ partition_start }} = DATE '2024-03-02' then null else 1 end as n\n",
    );
    const r = await cli(['materialize', 'daily', '--from', '2024-03-01', '--to', '2024-03-03'], dir);
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stdout, /✗ daily {2}failed {2}1 rows .*\n {4}error not_null_n: 1 failing row \(daily\.sql:5\)(?:\n {8}.*)+\n {4}rolled back partition 2024-03-02: its previous data is unchanged, the partitions before it are kept\n/);
    assert.doesNotMatch(r.stdout, /blocked by/);
  } finally {
    cleanup();
  }
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { UNOWNED_TEMP_AGE_MS, privateTempDir } from '../../src/core/privateTempDir';
import { tempDir } from './engineFixtures';

test('a private temp folder is named by its process; folders of processes that ended are removed, others kept', () => {
  const { dir, cleanup } = tempDir('private-temp-');
  try {
    // A process id that has ended: a child that ran and exited.
    const ended = spawnSync(process.execPath, ['-e', '0']).pid!;
    const left = join(dir, `view-order-${ended}-abc`);
    const running = join(dir, `view-order-${process.pid}-def`);
    const other = join(dir, 'view-order-not-a-pid');
    for (const d of [left, running, other]) mkdirSync(d);
    const made = privateTempDir('view-order-', dir);
    assert.ok(made.startsWith(join(dir, `view-order-${process.pid}-`)));
    assert.ok(existsSync(made));
    assert.equal(existsSync(left), false, 'left by a process that ended');
    assert.deepEqual(readdirSync(dir).sort(), [made, running, other].map((d) => d.slice(dir.length + 1)).sort());
  } finally {
    cleanup();
  }
});

test('folders of the older naming (no process id) are removed once unchanged for a day; newer ones, or with a file changed lately, kept', () => {
  const { dir, cleanup } = tempDir('private-temp-');
  try {
    const now = Date.now();
    const old = (now - UNOWNED_TEMP_AGE_MS - 60_000) / 1000;
    const abandoned = join(dir, 'view-order-Ab12cD');
    const recent = join(dir, 'view-order-Xy34zW');
    const inUse = join(dir, 'view-order-Qr56sT');
    const unrelated = join(dir, 'other-Ab12cD');
    for (const d of [abandoned, recent, inUse, unrelated]) mkdirSync(d);
    writeFileSync(join(abandoned, 'orders.duckdb'), 'x');
    writeFileSync(join(inUse, 'orders.duckdb'), 'x');
    utimesSync(join(abandoned, 'orders.duckdb'), old, old);
    for (const d of [abandoned, inUse, unrelated]) utimesSync(d, old, old);
    const made = privateTempDir('view-order-', dir, now);
    assert.equal(existsSync(abandoned), false, 'unchanged for more than a day');
    assert.ok(existsSync(recent), 'made lately');
    assert.ok(existsSync(inUse), 'a file in it changed lately');
    assert.ok(existsSync(unrelated), 'another prefix');
    assert.ok(existsSync(made));
  } finally {
    cleanup();
  }
});

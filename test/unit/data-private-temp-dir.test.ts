import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { privateTempDir } from '../../src/core/privateTempDir';
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

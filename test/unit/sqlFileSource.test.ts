import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqlFileSource } from '../../src/core/discovery/sql/sqlFileSource';

test('a full read says when its files are read, before DuckDB has finished parsing them, then completes them', async () => {
  const root = mkdtempSync(join(tmpdir(), 'asset-studio-sql-source-'));
  try {
    const files = Array.from({ length: 600 }, (_, i) => {
      const f = join(root, `a${i}.sql`);
      writeFileSync(f, `/* @asset\nname: a${i}\n*/\nselect * from ${i > 0 ? `a${i - 1}` : 'range(3)'}\n`);
      return f;
    });
    const source = new SqlFileSource(root, []);
    const count = (): number => [...source.discoveries()].reduce((n, d) => n + d.assets.reduce((m, a) => m + a.deps.length, 0), 0);
    const { read, done } = source.readAll(files);
    await read;
    // The files' own reads hold no dependency yet: those come from DuckDB's parse, which `done` waits for.
    assert.equal(count(), 0);
    assert.equal(await done, 600);
    assert.equal(count(), 599);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

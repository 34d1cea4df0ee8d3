import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadPythonWorkspaceReader } from '../../src/core/discovery/pythonWorkspaceReader';
import type { PythonWorkspaceReader } from '../../src/core/discovery/pythonWorkspaceReader';
import { PythonFileSource } from '../../src/core/discovery/python/pythonFileSource';

test("a full read resolves the files' Dagster definitions before it settles, not when the graph asks", async () => {
  const root = mkdtempSync(join(tmpdir(), 'asset-studio-pyread-'));
  try {
    const files = [0, 1, 2].map((i) => {
      const f = join(root, `m${i}.py`);
      writeFileSync(f, `import dagster as dg\n\n@dg.asset(deps=[${i > 0 ? `"a${i - 1}"` : ''}])\ndef a${i}():\n    return 1\n`);
      return f;
    });
    const real = (await loadPythonWorkspaceReader()).reader!;
    let resolved = 0;
    const reader: PythonWorkspaceReader = { read: (f, t) => real.read(f, t), resolve: (r) => (resolved++, real.resolve(r)) };
    const source = new PythonFileSource(root, join(root, 'asset-studio.yml'), { python: reader, workers: false, workerFile: undefined });
    const read = await source.startFullRead(undefined).read(files, [], Promise.resolve());
    assert.equal(read, 3);
    // On a cold start DuckDB may still be parsing SQL when Python is read: resolving here keeps
    // that work off the graph build, which waits for DuckDB.
    assert.equal(resolved, 1, 'resolved once, as the read settles');
    const keys = [...source.discoveries()].flatMap((d) => d.assets.map((a) => a.key.join('/'))).sort();
    assert.deepEqual(keys, ['a0', 'a1', 'a2']);
    assert.equal(resolved, 1, 'the graph then reuses what the read resolved');
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

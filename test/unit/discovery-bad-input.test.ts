import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { discoverWorkspace } from '../../src/core/discovery/workspaceIndex';

const fixture = resolve(__dirname, '../fixtures/bad/workspace_bombs');

// Before the alias cap, any one of these files made discovery run out of memory.
test('alias bombs and deep nesting in a header, a dbt .yml and asset-studio.yml are problems at their lines', async () => {
  const root = mkdtempSync(join(tmpdir(), 'asset-studio-bombs-'));
  try {
    cpSync(fixture, root, { recursive: true });
    const graph = await discoverWorkspace(root, { python: null, workers: false });
    const got = graph.problems.filter((p) => p.severity === 'error').map((p) => `${relative(root, p.file)}:${p.line}:${p.message.includes('alias *e') ? 'bomb' : p.message.includes('nested more than') ? 'deep' : p.message}`);
    for (const want of ['asset-studio.yml:8:bomb', 'assets/bomb.sql:8:bomb', 'transform/models/schema.yml:10:bomb', 'transform/models/deep.yml:5:deep']) {
      assert.ok(got.includes(want), `expected ${want} in ${JSON.stringify(got)}`);
    }
    // The rest of the project is still read: the model in the bombed dbt project is an asset.
    assert.ok(graph.nodes.has('orders'));
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

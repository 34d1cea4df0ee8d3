// Editing pyproject.toml's module_name reaches the Dagster assets below it without a restart, and a
// discovery cache made before the edit is not trusted for them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { WorkspaceIndex } from '../../src/core/discovery/workspaceIndex';

const HOUR_AGO = new Date(Date.now() - 3600_000);

function workspace(): { root: string; pyproject: string; cacheFile: string } {
  const root = mkdtempSync(join(tmpdir(), 'asset-studio-pyproject-watch-'));
  mkdirSync(join(root, 'taxi'), { recursive: true });
  const pyproject = join(root, 'pyproject.toml');
  writeFileSync(pyproject, '[tool.dagster]\nmodule_name = "taxi.definitions"\n');
  writeFileSync(join(root, 'taxi', 'assets.py'), 'import dagster as dg\n\n@dg.asset\ndef trips():\n    return 1\n\n@dg.asset\ndef zones(trips):\n    return 2\n');
  for (const f of [pyproject, join(root, 'taxi', 'assets.py')]) utimesSync(f, HOUR_AGO, HOUR_AGO);
  return { root, pyproject, cacheFile: join(root, '.cache', 'discovery.cache') };
}

const moduleOf = (index: WorkspaceIndex, key: string) => index.graph.nodes.get(key)?.definition.dagster?.module;

test('a pyproject.toml saved with another module_name gives the assets below it that module', async () => {
  const { root, pyproject } = workspace();
  try {
    const index = await WorkspaceIndex.open(root, { workers: false });
    assert.equal(moduleOf(index, 'trips'), 'taxi.definitions');
    writeFileSync(pyproject, '[tool.dagster]\nmodule_name = "taxi.defs"\n');
    await index.updateFiles([pyproject], []);
    assert.equal(moduleOf(index, 'trips'), 'taxi.defs');
    assert.equal(moduleOf(index, 'zones'), 'taxi.defs');
    rmSync(pyproject);
    await index.updateFiles([], [pyproject]);
    assert.equal(moduleOf(index, 'trips'), undefined);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test('Python reads cached before a pyproject.toml changed are read again', async () => {
  const { root, pyproject, cacheFile } = workspace();
  try {
    await (await WorkspaceIndex.open(root, { workers: false, cacheFile })).flushCache();
    const warm = await WorkspaceIndex.open(root, { workers: false, cacheFile });
    assert.equal(warm.cacheUse?.read, 0, 'nothing changed: every read from the cache');
    writeFileSync(pyproject, '[tool.dagster]\nmodule_name = "taxi.other"\n');
    utimesSync(pyproject, HOUR_AGO, new Date(Date.now() - 600_000));
    const after = await WorkspaceIndex.open(root, { workers: false, cacheFile });
    assert.equal(moduleOf(after, 'trips'), 'taxi.other');
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

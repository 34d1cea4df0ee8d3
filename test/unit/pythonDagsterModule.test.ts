// Which module Dagster loads a file's project from, per the nearest pyproject.toml.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { dagsterModuleFor, moduleFromPyproject } from '../../src/core/discovery/python/dagsterModule';

test('[tool.dagster] module_name, else a dg project root_module', () => {
  assert.equal(moduleFromPyproject('[project]\nname = "x"\n\n[tool.dagster]\nmodule_name = "taxi.definitions"\n'), 'taxi.definitions');
  assert.equal(moduleFromPyproject('[tool.dg]\ndirectory_type = "project"\n\n[tool.dg.project]\nroot_module = "jaffle"\n'), 'jaffle.definitions');
  assert.equal(moduleFromPyproject('[project]\nmodule_name = "not.this.table"\n'), null);
});

test('the nearest pyproject.toml above the file decides', () => {
  const root = mkdtempSync(join(tmpdir(), 'asset-studio-pyproject-'));
  writeFileSync(join(root, 'pyproject.toml'), '[tool.dagster]\nmodule_name = "outer.defs"\n');
  mkdirSync(join(root, 'outer', 'assets'), { recursive: true });
  mkdirSync(join(root, 'inner', 'pkg'), { recursive: true });
  writeFileSync(join(root, 'inner', 'pyproject.toml'), '[project]\nname = "inner"\n');
  assert.equal(dagsterModuleFor(join(root, 'outer', 'assets', 'a.py')), 'outer.defs');
  assert.equal(dagsterModuleFor(join(root, 'inner', 'pkg', 'b.py')), undefined);
});

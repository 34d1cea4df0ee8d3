import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findToolProblems } from '../../src/core/engine/delegated/toolEnvironment';

// Real processes: interpreters are executable scripts the check starts, PATHs are real folders.
function folder(): string {
  return mkdtempSync(join(tmpdir(), 'tool-env-'));
}

function executable(file: string, script: string): string {
  mkdirSync(join(file, '..'), { recursive: true });
  writeFileSync(file, `#!/bin/sh\n${script}\n`);
  chmodSync(file, 0o755);
  return file;
}

/** A python that has no Dagster: says so the way CPython does, on stderr, exit 1. */
function pythonWithoutDagster(file: string): string {
  return executable(file, `echo "Traceback (most recent call last):" >&2\necho "ModuleNotFoundError: No module named 'dagster'" >&2\nexit 1`);
}

test('a PATH without dbt: dbt is missing, with the install command', async () => {
  const emptyPath = folder();
  const problems = await findToolProblems({ needsDagster: false, needsDbt: true, folders: [folder()], envPath: emptyPath });
  assert.equal(problems.length, 1);
  assert.match(problems[0]!.message, /^dbt was not found \(on PATH\)/);
  assert.equal(problems[0]!.kind, 'tool');
  assert.equal(problems[0]!.pipPackages, 'dbt-duckdb');
});

test('dbt on PATH, or beside the chosen interpreter: nothing missing', async () => {
  const bin = folder();
  executable(join(bin, 'dbt'), 'exit 0');
  assert.deepEqual(await findToolProblems({ needsDagster: false, needsDbt: true, folders: [folder()], envPath: bin }), []);
  const venvBin = folder();
  const python = executable(join(venvBin, 'python'), 'exit 0');
  executable(join(venvBin, 'dbt'), 'exit 0');
  assert.deepEqual(await findToolProblems({ needsDagster: false, needsDbt: true, python, folders: [folder()], envPath: folder() }), []);
});

test('an interpreter without Dagster: Dagster is missing in that interpreter', async () => {
  const python = pythonWithoutDagster(join(folder(), 'bin', 'python'));
  const problems = await findToolProblems({ needsDagster: true, needsDbt: false, python, folders: [folder()] });
  assert.equal(problems.length, 1);
  assert.match(problems[0]!.message, new RegExp(`^Dagster is not installed in ${python.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')} \\(No module named dagster\\)`));
  assert.equal(problems[0]!.pipPackages, 'dagster dagster-duckdb');
});

test('an interpreter that imports Dagster: nothing missing', async () => {
  const python = executable(join(folder(), 'python'), 'test "$1" = "-c" && test "$2" = "import dagster"');
  assert.deepEqual(await findToolProblems({ needsDagster: true, needsDbt: false, python, folders: [folder()] }), []);
});

test('a chosen interpreter that does not exist is an interpreter problem', async () => {
  const missing = join(folder(), 'gone', 'python3');
  const problems = await findToolProblems({ needsDagster: true, needsDbt: false, python: missing, folders: [folder()] });
  assert.equal(problems.length, 1);
  assert.equal(problems[0]!.kind, 'interpreter');
  assert.match(problems[0]!.message, /The Python interpreter '.*gone\/python3' was not found/);
});

test('no interpreter chosen: the workspace virtual environment is the one checked, as a run would use it', async () => {
  const workspace = folder();
  mkdirSync(join(workspace, '.venv', 'bin'), { recursive: true });
  writeFileSync(join(workspace, '.venv', 'pyvenv.cfg'), 'home = /usr/bin\n');
  const python = pythonWithoutDagster(join(workspace, '.venv', 'bin', 'python3'));
  const problems = await findToolProblems({ needsDagster: true, needsDbt: false, folders: [workspace], envPath: folder() });
  assert.equal(problems.length, 1);
  assert.ok(problems[0]!.message.includes(`in ${python}`), problems[0]!.message);
});

test('no interpreter anywhere: python3 on an empty PATH is not found', async () => {
  const problems = await findToolProblems({ needsDagster: true, needsDbt: false, folders: [folder()], envPath: folder() });
  assert.equal(problems[0]?.kind, 'interpreter');
  assert.match(problems[0]!.message, /'python3' was not found/);
});

test('nothing needed: nothing is started and nothing is missing', async () => {
  assert.deepEqual(await findToolProblems({ needsDagster: false, needsDbt: false, python: '/nowhere/python', folders: [], envPath: '' }), []);
});

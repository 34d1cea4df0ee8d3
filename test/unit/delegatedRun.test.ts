import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { buildDagsterCommand, buildDbtCommand, resolveDbtExecutable } from '../../src/core/engine/delegated/delegatedCommand';
import type { DelegatedCommand } from '../../src/core/engine/delegated/delegatedCommand';
import { runDelegated } from '../../src/core/engine/delegated/delegatedRun';

/** The machine's real Python, which has neither Dagster nor dbt installed. */
function realPython(): string {
  return execFileSync('sh', ['-c', 'command -v python3'], { encoding: 'utf8' }).trim();
}

function hasModule(python: string, mod: string): boolean {
  try {
    execFileSync(python, ['-c', `import ${mod}`], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

test('the Dagster command: python -m dagster asset materialize --select a,b -f file, target env on top', () => {
  const cmd = buildDagsterCommand({
    python: '/venv/bin/python',
    keys: ['raw/taxi_trips', 'trips_by_day'],
    file: '/ws/defs.py',
    cwd: '/ws',
    targetEnv: { DBT_TARGET: 'prod', DUCKDB_PATH: 'md:prod_analytics' },
    dagsterHome: '/ws/.asset-studio/dagster',
  });
  assert.equal(cmd.command, '/venv/bin/python');
  assert.deepEqual(cmd.args, ['-m', 'dagster', 'asset', 'materialize', '--select', 'raw/taxi_trips,trips_by_day', '-f', '/ws/defs.py']);
  assert.equal(cmd.cwd, '/ws');
  assert.equal(cmd.env.DBT_TARGET, 'prod');
  assert.equal(cmd.env.DUCKDB_PATH, 'md:prod_analytics');
  assert.equal(cmd.env.PYTHONUNBUFFERED, '1');
  assert.equal(cmd.env.PATH, process.env.PATH, 'the process environment is kept');
  if (!process.env.DAGSTER_HOME) assert.equal(cmd.env.DAGSTER_HOME, '/ws/.asset-studio/dagster');
  const mod = buildDagsterCommand({ python: 'py', keys: ['a'], module: 'nyc_taxi.definitions', file: '/ignored.py', cwd: '/ws', targetEnv: { DAGSTER_HOME: '/mine' }, dagsterHome: '/x', partition: '2024-01-01' });
  assert.deepEqual(mod.args, ['-m', 'dagster', 'asset', 'materialize', '--select', 'a', '-m', 'nyc_taxi.definitions', '--partition', '2024-01-01']);
  assert.equal(mod.env.DAGSTER_HOME, '/mine', "the target's own DAGSTER_HOME wins");
});

test('the dbt command: dbt build --select … --target … --project-dir …, dbt taken next to the interpreter', () => {
  const venv = fs.mkdtempSync(path.join(os.tmpdir(), 'venv-'));
  fs.mkdirSync(path.join(venv, 'bin'));
  fs.writeFileSync(path.join(venv, 'bin', 'python'), '');
  const cmd = buildDbtCommand({
    python: path.join(venv, 'bin', 'python'),
    selectors: ['stg_trips', 'source:raw.taxi_trips'],
    projectDir: '/ws/dbt',
    target: 'dev',
    targetEnv: { DBT_TARGET: 'dev' },
  });
  // No dbt beside that python yet: dbt from PATH.
  assert.equal(cmd.command, 'dbt');
  assert.deepEqual(cmd.args, ['build', '--select', 'stg_trips', 'source:raw.taxi_trips', '--target', 'dev', '--project-dir', '/ws/dbt']);
  assert.equal(cmd.cwd, '/ws/dbt');
  assert.equal(cmd.env.DBT_USE_COLORS, 'false');
  fs.writeFileSync(path.join(venv, 'bin', 'dbt'), '');
  assert.equal(resolveDbtExecutable(path.join(venv, 'bin', 'python')), path.join(venv, 'bin', 'dbt'));
  assert.equal(resolveDbtExecutable(path.join(venv, 'bin', 'python'), '/opt/dbt'), '/opt/dbt');
  const withProfiles = buildDbtCommand({ selectors: ['m'], projectDir: '/p', profilesDir: '/p/profiles', target: 'prod', targetEnv: {} });
  assert.deepEqual(withProfiles.args.slice(-2), ['--profiles-dir', '/p/profiles']);
  assert.equal(withProfiles.env.DBT_TARGET, 'prod');
});

test('real run: the installed python3 has no dagster; the message says how to install it, no stack trace', async (t) => {
  const python = realPython();
  if (hasModule(python, 'dagster')) return t.skip('dagster is installed here: the missing-module path cannot be shown');
  const cwd = fs.mkdtempSync(path.join(os.tmpdir(), 'dg-'));
  const seen: string[] = [];
  const outcome = await runDelegated(
    buildDagsterCommand({ python, keys: ['taxi_trips'], file: path.join(cwd, 'defs.py'), cwd, targetEnv: {} }),
    { onOutput: (line) => seen.push(line) },
  );
  assert.equal(outcome.status, 'tool-missing');
  assert.notEqual(outcome.exitCode, 0);
  assert.match(outcome.message!, /Dagster is not installed in .*python3/);
  assert.match(outcome.message!, /pip install dagster dagster-duckdb/);
  assert.match(outcome.message!, /assetStudio\.pythonPath/);
  assert.doesNotMatch(outcome.message!, /Traceback|File "/);
  assert.ok(seen.some((l) => /No module named dagster/.test(l)), 'the raw line was streamed to the log');
});

test('real run: a missing dbt module (python -m dbt) and a dbt executable not found', async (t) => {
  const python = realPython();
  if (hasModule(python, 'dbt')) return t.skip('dbt is installed here');
  const cwd = fs.mkdtempSync(path.join(os.tmpdir(), 'dbt-'));
  const viaModule: DelegatedCommand = { command: python, args: ['-m', 'dbt.cli.main', 'build'], cwd, env: { PATH: process.env.PATH ?? '' }, tool: 'dbt', python };
  const a = await runDelegated(viaModule);
  assert.equal(a.status, 'tool-missing');
  assert.match(a.message!, /dbt is not installed .*pip install dbt-duckdb/);

  const cmd = buildDbtCommand({ python, dbtExecutable: path.join(cwd, 'no-such-dbt'), selectors: ['m'], projectDir: cwd, target: 'dev', targetEnv: {} });
  const b = await runDelegated(cmd);
  assert.equal(b.status, 'tool-missing');
  assert.match(b.message!, /dbt was not found .*pip install dbt-duckdb/);
  assert.match(b.message!, /Python: Select Interpreter/);
});

test('real run: an interpreter that does not exist (ENOENT)', async () => {
  const cmd = buildDagsterCommand({ python: '/nonexistent/venv/bin/python', keys: ['a'], file: 'defs.py', cwd: os.tmpdir(), targetEnv: {} });
  const outcome = await runDelegated(cmd);
  assert.equal(outcome.status, 'tool-missing');
  assert.match(outcome.message!, /The Python interpreter '\/nonexistent\/venv\/bin\/python' was not found/);
});

test('real run: lines stream from stdout and stderr, the target env reaches the child, failures keep the last lines', async () => {
  const python = realPython();
  const cwd = fs.mkdtempSync(path.join(os.tmpdir(), 'run-'));
  const script = [
    'import os, sys',
    'print("target=" + os.environ["DBT_TARGET"])',
    'print("\\x1b[32mcoloured\\x1b[0m")',
    'sys.stderr.write("to stderr\\n")',
    'print("Traceback (most recent call last):")',
    'print("  File \\"x.py\\", line 1")',
    'print("ValueError: bad data")',
    'sys.exit(3)',
  ].join('\n');
  const got: [string, string][] = [];
  const outcome = await runDelegated(
    { command: python, args: ['-c', script], cwd, env: { PATH: process.env.PATH ?? '', DBT_TARGET: 'dev' }, tool: 'dbt', python },
    { onOutput: (line, stream) => got.push([stream, line]) },
  );
  assert.equal(outcome.status, 'failed');
  assert.equal(outcome.exitCode, 3);
  assert.ok(got.some(([s, l]) => s === 'stdout' && l === 'target=dev'));
  assert.ok(got.some(([s, l]) => s === 'stdout' && l === 'coloured'), 'ANSI colours are removed');
  assert.ok(got.some(([s, l]) => s === 'stderr' && l === 'to stderr'));
  assert.match(outcome.message!, /dbt exited with code 3/);
  assert.match(outcome.message!, /ValueError: bad data/);
  assert.doesNotMatch(outcome.message!, /File "x.py"|Traceback/);
  const ok = await runDelegated({ command: python, args: ['-c', 'print(1)'], cwd, env: { PATH: process.env.PATH ?? '' }, tool: 'dagster' });
  assert.equal(ok.status, 'succeeded');
  assert.deepEqual(ok.output, ['1']);
});

test('real run: a failure keeps the indented lines that carry the cause (dbt\'s Runtime Error), not traceback frames', async () => {
  const python = realPython();
  const cwd = fs.mkdtempSync(path.join(os.tmpdir(), 'run-'));
  const script = [
    'import sys',
    'print("12:00:00  Running with dbt=1.8.0")',
    'print("Traceback (most recent call last):")',
    'print("  File \\"x.py\\", line 1, in <module>")',
    'print("    load()")',
    'print("12:00:00  Encountered an error:")',
    'print("Runtime Error")',
    'print("  Could not find profile named \'bluesky_data\'")',
    'sys.exit(2)',
  ].join('\n');
  const outcome = await runDelegated({ command: python, args: ['-c', script], cwd, env: { PATH: process.env.PATH ?? '' }, tool: 'dbt', python });
  assert.equal(outcome.status, 'failed');
  assert.equal(
    outcome.message,
    "dbt exited with code 2.\n12:00:00  Running with dbt=1.8.0\n12:00:00  Encountered an error:\nRuntime Error\n  Could not find profile named 'bluesky_data'",
  );
});

test('real run: cancelling kills the whole process tree, grandchildren included', async () => {
  const python = realPython();
  const cwd = fs.mkdtempSync(path.join(os.tmpdir(), 'cancel-'));
  // The child starts a grandchild (as dbt/dagster start workers) and both sleep.
  const script = [
    'import subprocess, sys, time',
    'g = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])',
    'print("grandchild=%d" % g.pid, flush=True)',
    'time.sleep(60)',
  ].join('\n');
  const ac = new AbortController();
  let grandchild = 0;
  const outcome = await runDelegated(
    { command: python, args: ['-c', script], cwd, env: { PATH: process.env.PATH ?? '' }, tool: 'dagster' },
    {
      signal: ac.signal,
      onOutput: (line) => {
        const m = /grandchild=(\d+)/.exec(line);
        if (m) {
          grandchild = Number(m[1]);
          ac.abort();
        }
      },
    },
  );
  assert.equal(outcome.status, 'cancelled');
  assert.ok(grandchild > 0);
  // The grandchild got SIGTERM with its group; wait until the kernel has reaped it.
  let alive = true;
  for (let i = 0; i < 100 && alive; i++) {
    try {
      process.kill(grandchild, 0);
      await new Promise((r) => setTimeout(r, 50));
    } catch {
      alive = false;
    }
  }
  assert.equal(alive, false, 'the grandchild process must be gone');
  const pre = new AbortController();
  pre.abort();
  const never = await runDelegated({ command: python, args: ['-c', 'print(1)'], cwd, env: {}, tool: 'dbt' }, { signal: pre.signal });
  assert.equal(never.status, 'cancelled');
  assert.deepEqual(never.output, []);
});

test("real run: a tool's failure keeps its indented detail lines (dbt's Runtime Error and what it is)", async () => {
  const python = realPython();
  const cwd = fs.mkdtempSync(path.join(os.tmpdir(), 'run-detail-'));
  const script = [
    'import sys',
    'print("10:00:00  Running with dbt=1.9.1")',
    'print("10:00:00  Encountered an error:")',
    'print("Runtime Error")',
    'print("  Could not find profile named \'nyc_taxi\'")',
    'sys.exit(2)',
  ].join('\n');
  const outcome = await runDelegated({ command: python, args: ['-c', script], cwd, env: { PATH: process.env.PATH ?? '' }, tool: 'dbt', python });
  assert.equal(outcome.status, 'failed');
  assert.match(outcome.message!, /Encountered an error:\nRuntime Error\n {2}Could not find profile named 'nyc_taxi'$/);
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { runDelegated } from '../../src/core/engine/delegated/delegatedRun';
import { runCli } from '../../src/cli/cli';
import { redact } from '../../src/core/engine/tokenRedaction';
import { queryFile, tempDir } from './engineFixtures';

/*
 * A dbt or Dagster child inherits the environment and may print a token (a debug
 * line, an error echoing its profile). Stand-in tools print it here; whatever
 * reaches a person or a table must not hold it.
 */

const RECORDED = path.resolve(__dirname, '../fixtures/recorded');
const TAXI = path.resolve(__dirname, '../fixtures/dbt/nyc_taxi_dbt');

function standIn(file: string, body: string): string {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, `#!/bin/sh\n${body}\n`, { mode: 0o755 });
  return file;
}

test("a child's output is redacted of the env's tokens and the run's own before it is kept, streamed or put in the message", async () => {
  const { dir, cleanup } = tempDir('redact-child-');
  try {
    const envToken = 'md-env-token-7f3a9c';
    const custom = 'custom-prod-token-81e2';
    const saved = 'saved-token-from-secret-storage';
    const tool = standIn(path.join(dir, 'fake-dbt'), [
      'echo "connecting with $MOTHERDUCK_TOKEN"',
      'echo "prod uses $PROD_MD_TOKEN" >&2',
      `echo "saved: ${saved}"`,
      'echo "Error: token=$MOTHERDUCK_TOKEN rejected"',
      'exit 3',
    ].join('\n'));
    const streamed: string[] = [];
    const outcome = await runDelegated(
      { command: tool, args: [], cwd: dir, env: { PATH: process.env.PATH ?? '', MOTHERDUCK_TOKEN: envToken, PROD_MD_TOKEN: custom }, tool: 'dbt' },
      { onOutput: (line) => streamed.push(line), secrets: [saved] },
    );
    assert.equal(outcome.status, 'failed');
    const everything = JSON.stringify({ streamed, outcome });
    for (const t of [envToken, custom, saved]) assert.ok(!everything.includes(t), `${t} leaked: ${everything}`);
    assert.ok(streamed.includes('connecting with [redacted]'), JSON.stringify(streamed));
    assert.match(outcome.message!, /token=\[redacted\] rejected/);
  } finally {
    cleanup();
  }
});

test('the CLI shows, prints as JSON and stores in _asset_studio.runs no token a dbt child printed', async () => {
  const { dir, cleanup } = tempDir('redact-cli-');
  try {
    const token = 'md-cli-token-5b61d0e2';
    const root = path.join(dir, 'ws');
    const project = path.join(root, 'transform');
    fs.cpSync(TAXI, project, { recursive: true });
    fs.writeFileSync(path.join(root, 'asset-studio.yml'), 'default_target: dev\ntargets:\n  dev:\n    type: duckdb\n    path: dev.duckdb\n');
    const bin = path.join(root, '.venv', 'bin');
    standIn(path.join(bin, 'python3'), 'exit 0');
    fs.writeFileSync(path.join(root, '.venv', 'pyvenv.cfg'), 'home = /usr/bin\n');
    // dbt echoes the token in its log and in the model's error in run_results.json, as a failing adapter might.
    standIn(path.join(bin, 'dbt'), [
      'mkdir -p target',
      `sed -e 's/2024-10-02T14:03:02.301877Z/'"$(date -u +%Y-%m-%dT%H:%M:%S.000000Z)"'/' -e 's/taxi_zones does not exist!/taxi_zones does not exist! (motherduck_token=${token})/' '${RECORDED}/dbt-duckdb-1.8-build-model-error-run_results.json' > target/run_results.json`,
      `echo "14:03:02  Using token ${token}"`,
      `echo "14:03:02  Runtime Error: md:?motherduck_token=${token} refused" >&2`,
      'exit 1',
    ].join('\n'));
    const env = { MOTHERDUCK_TOKEN: token, PATH: process.env.PATH };
    for (const json of [true, false]) {
      let out = '';
      const code = await runCli(['materialize', 'stg_zones', '--dbt-runner', 'dbt', '--root', root, ...(json ? ['--json'] : [])], {
        stdout: { write: (t: string) => (out += t) },
        stderr: { write: (t: string) => (out += t) },
        cwd: dir,
        env,
      });
      assert.equal(code, 1, out);
      assert.ok(!out.includes(token), `the token is printed: ${out}`);
      assert.match(out, /taxi_zones does not exist! \(motherduck_token=\[redacted\]\)/);
    }
    const rows = await queryFile(path.join(root, 'dev.duckdb'), 'select error from _asset_studio.runs');
    assert.equal(rows.length, 2);
    for (const r of rows) {
      assert.ok(!String(r['error']).includes(token), String(r['error']));
      assert.match(String(r['error']), /\[redacted\]/);
    }
  } finally {
    cleanup();
  }
});

test('redacting one token replaces the token only; a value too short to be a token is left alone', () => {
  const message = 'Failed to load the motherduck extension for linux_amd64';
  assert.equal(redact(message, 'x'), message);
  assert.equal(redact(message, 'ext'), message);
  const token = 'eyJhbGciOiJIUzI1NiJ9.payload.sig';
  assert.equal(redact(`md:db?motherduck_token=${token} refused (${token})`, token), 'md:db?motherduck_token=[redacted] refused ([redacted])');
  assert.equal(redact(message, undefined), message);
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { runCli } from '../../src/cli/cli';
import type { CliIo } from '../../src/cli/cliIo';

const fixtures = resolve(__dirname, '../fixtures');

async function run(argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const io: CliIo = {
    stdout: { write: (t: string) => (out += t) },
    stderr: { write: (t: string) => (err += t) },
    cwd: fixtures,
    env: {},
  };
  const code = await runCli(argv, io);
  return { code, out, err };
}

test('list --json prints the documented shape (docs/cli.md) with relative paths and 1-based lines', async () => {
  const { code, out } = await run(['list', '--json', '--root', 'sql']);
  assert.equal(code, 0);
  const doc = JSON.parse(out) as { assets: Record<string, unknown>[]; problems: unknown[] };
  assert.deepEqual(Object.keys(doc), ['assets', 'problems', 'ops']);
  for (const a of doc.assets) assert.deepEqual(Object.keys(a), ['key', 'source', 'file', 'line', 'deps', 'checks', 'group', 'kind', 'external']);
  const daily = doc.assets.find((a) => a['key'] === 'analytics/daily_trips')!;
  assert.deepEqual(daily, {
    key: 'analytics/daily_trips',
    source: 'sql',
    file: 'assets/analytics/daily_trips.sql',
    line: 1,
    deps: [{ key: 'raw/taxi_trips', inferred: false }],
    checks: [
      { name: 'not_null_pickup_date', line: 8 },
      { name: 'row_count', line: 9 },
      { name: 'accepted_values_payment_type', line: 10 },
      { name: 'relationships_zone_id', line: 11 },
      { name: 'freshness_pickup_date', line: 12 },
      { name: 'no_negative_trips', line: 13 },
    ],
    group: 'analytics',
    kind: 'incremental',
    external: false,
  });
  const external = doc.assets.find((a) => a['key'] === 'staging/active_zones')!;
  assert.equal(external['source'], 'external');
  assert.deepEqual(doc.problems, []);
});

test('list without --json prints a table and a summary', async () => {
  const { code, out } = await run(['list', '--root', 'sql']);
  assert.equal(code, 0);
  assert.match(out, /^ASSET\s+SOURCE\s+KIND\s+GROUP/);
  assert.match(out, /raw\/zones\s+sql\s+table\s+raw/);
  assert.match(out, /4 assets, 3 external, 0 errors, 0 warnings/);
});

test('validate exits 0 on a clean workspace and 1 with file:line:col problems on the bad corpus', async () => {
  assert.equal((await run(['validate', '--root', 'sql'])).code, 0);
  const { code, out } = await run(['validate', '--root', 'bad']);
  assert.equal(code, 1);
  assert.match(out, /^unknown_key\.sql:3:1: error: Unknown key 'materialise'/m);
  assert.match(out, /^syntax_error\.sql:6:1: error: SQL syntax error/m);
});

test('validate --json: every file of the bad corpus has its problem at the right line', async () => {
  const { code, out } = await run(['validate', '--json', '--root', 'bad']);
  assert.equal(code, 1);
  const doc = JSON.parse(out) as { valid: boolean; problems: { file: string; line: number; code: string }[] };
  assert.equal(doc.valid, false);
  const expected: Record<string, [number, string]> = {
    'invalid_yaml.sql': [5, 'sql.header.invalid-yaml'],
    'unknown_key.sql': [3, 'sql.header.unknown-key'],
    'unknown_check.sql': [5, 'sql.check.unknown-type'],
    'syntax_error.sql': [6, 'sql.syntax'],
    'unknown_template.sql': [6, 'sql.template.unknown'],
    'not_select.sql': [5, 'sql.not-select'],
    'bad_kind.sql': [3, 'sql.header.invalid-value'],
    'unclosed_header.sql': [1, 'sql.header.unclosed'],
    'empty_body.sql': [3, 'sql.empty'],
    'bad_partition.sql': [4, 'sql.header.invalid-value'],
    'bad_check_args.sql': [5, 'sql.check.invalid'],
    'missing_dep.sql': [4, 'graph.missing-dependency'],
    'cycle_a.sql': [4, 'graph.cycle'],
    'cycle_b.sql': [4, 'graph.cycle'],
    'duplicate_a.sql': [1, 'graph.duplicate-key'],
    'duplicate_b.sql': [2, 'graph.duplicate-key'],
    'binary.sql': [1, 'discovery.binary-file'],
    'latin1.sql': [1, 'discovery.not-utf8'],
    // 8 levels of 9 aliases (9^8 nodes) and 100,000 nested brackets: bounded, at their lines.
    'alias_bomb.sql': [9, 'sql.header.invalid-yaml'],
    'deep_nesting.sql': [4, 'sql.header.invalid-yaml'],
    'workspace_bombs/assets/bomb.sql': [8, 'sql.header.invalid-yaml'],
    'workspace_bombs/transform/models/schema.yml': [10, 'dbt.yaml.invalid'],
    'workspace_bombs/transform/models/deep.yml': [5, 'dbt.yaml.invalid'],
    // Broken Python and dbt that used to give no problem at all.
    'py_def_syntax.py': [5, 'python.syntax'],
    'py_key_prefix_empty.py': [4, 'python.syntax'],
    'py_spec_deps.py': [4, 'python.syntax'],
    'py_arg_types.py': [4, 'python.invalid-argument'],
    'py_repeated_deps.py': [4, 'graph.missing-dependency'],
    'dbt_errors/models/broken_ref.sql': [2, 'dbt.jinja.unclosed'],
    'dbt_errors/models/schema.yml': [3, 'dbt.schema.invalid'],
    'dbt_errors/profiles.yml': [4, 'dbt.profile.invalid'],
  };
  // Every file of the corpus is listed here: a new bad file must say what it expects.
  assert.deepEqual(readdirSync(resolve(fixtures, 'bad')).sort(), [...new Set(Object.keys(expected).map((f) => f.split('/')[0]))].sort());
  // deps=["nowhere", × 5,000]: one problem, not 5,000; @asset(key=42, group_name=[1], deps="x"): one per argument.
  assert.equal(doc.problems.filter((p) => p.file === 'py_repeated_deps.py').length, 1);
  assert.deepEqual(doc.problems.filter((p) => p.file === 'py_arg_types.py').map((p) => p.code), Array(3).fill('python.invalid-argument'));
  assert.ok(doc.problems.some((p) => p.file === 'dbt_errors/models/schema.yml' && p.line === 8), 'relationships: {to: 5} at its line');
  assert.ok(doc.problems.some((p) => p.file === 'dbt_errors/models/schema.yml' && p.line === 12), 'a source table named 5 at its line');
  for (const [file, [line, problemCode]] of Object.entries(expected)) {
    assert.ok(
      doc.problems.some((p) => p.file === file && p.line === line && p.code === problemCode),
      `${file}: expected ${line}:${problemCode}, got ${JSON.stringify(doc.problems.filter((p) => p.file === file))}`,
    );
  }
});

test('a root that is not a folder is a usage error, not a crash', async () => {
  const { code, err } = await run(['list', '--root', 'no-such-folder']);
  assert.equal(code, 2);
  assert.match(err, /not a folder/);
});

test('validate reports target problems too: a default_target that names no target fails it', async () => {
  const { mkdtempSync, writeFileSync, rmSync } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  const dir = mkdtempSync(resolve(tmpdir(), 'validate-target-'));
  try {
    writeFileSync(resolve(dir, 'asset-studio.yml'), 'targets:\n  dev:\n    type: duckdb\n    path: dev.duckdb\ndefault_target: staging\n');
    const { code, out } = await run(['validate', '--json', '--root', dir]);
    const json = JSON.parse(out);
    assert.equal(code, 1);
    assert.equal(json.valid, false);
    // At the value that names no target, not at the top of the file.
    assert.ok(
      json.problems.some(
        (p: { code: string; file: string; line: number; column: number }) =>
          p.code === 'project.default-target.unknown' && p.file === 'asset-studio.yml' && p.line === 5 && p.column === 17,
      ),
      out,
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

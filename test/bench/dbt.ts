// dbt in-process (the engine budget applied to dbt): a generated dbt-duckdb
// project of 200 chained table models with 50 tests, built through the runner
// (render, config, transaction per model, tests as checks, state) vs the same
// compiled statements run one after another on one DuckDB connection, each model
// in its transaction with its tests and history row; and the
// cost of rendering alone over a 2,000-model project.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { STATE_DDL, recordRunsSql } from '../../src/core/engine/stateStore';
import { DuckDBInstance } from '@duckdb/node-api';
import { loadDbtRunProject } from '../../src/core/dbt/dbtRunProject';
import { DbtModelCompiler } from '../../src/core/dbt/dbtModelCompiler';
import { dbtTestAsCheck } from '../../src/core/dbt/dbtTestQueries';
import { loadWorkspace, materializeSelection } from '../../src/core/engine/materializeWorkspace';
import type { TargetConfig } from '../../src/core/project/targetConfig';
import { quoteIdent } from '../../src/core/engine/sqlIdentifiers';

const CHAIN = 200;
const TESTS = 50;
const RENDERED = 2000;
const ROUNDS = 5;

/** A dbt-duckdb project: m0 from range(), each next model from the one before, tests on the first models. */
function writeProject(root: string, models: number, tests: number): void {
  mkdirSync(join(root, 'models'), { recursive: true });
  mkdirSync(join(root, 'macros'), { recursive: true });
  writeFileSync(join(root, 'dbt_project.yml'), `name: bench\nversion: '1.0'\nprofile: bench\nmodels:\n  bench:\n    +materialized: table\n`);
  writeFileSync(join(root, 'profiles.yml'), `bench:\n  target: dev\n  outputs:\n    dev:\n      type: duckdb\n      path: bench.duckdb\n      threads: 1\n`);
  writeFileSync(join(root, 'macros/plus_one.sql'), `{% macro plus_one(col) %}({{ col }} + 1){% endmacro %}\n`);
  writeFileSync(join(root, 'models/m0.sql'), `select range as id, range * 2 as v from range(1000)\n`);
  for (let i = 1; i < models; i++) {
    writeFileSync(
      join(root, `models/m${i}.sql`),
      `{{ config(tags=['chain']) }}\n-- model ${i}\nselect id, {{ plus_one('v') }} as v\nfrom {{ ref('m${i - 1}') }}\n{% if var('limit_rows', false) %}limit 10{% endif %}\n`,
    );
  }
  const entries: string[] = [];
  for (let i = 0; i < tests; i++) {
    entries.push(`  - name: m${i}\n    columns:\n      - name: id\n        data_tests:\n          - ${i % 2 === 0 ? 'unique' : 'not_null'}\n`);
  }
  writeFileSync(join(root, 'models/schema.yml'), `version: 2\nmodels:\n${entries.join('')}`);
}

/** Process CPU time (all threads, DuckDB's included) of the last measurement: steadier than wall time on a shared machine. */
let lastCpuMs = 0;

function cpuNow(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

function target(root: string): TargetConfig {
  return { name: 'dev', type: 'duckdb', path: join(root, 'bench.duckdb'), schema: 'main', threads: 1, env: {}, protected: false, from: 'dbt-profile' };
}

/** The statements the runner's work comes down to, per model: its CREATE TABLE AS, then each test's failing-row count. */
async function compiledStatements(root: string): Promise<string[][]> {
  const compiler = new DbtModelCompiler(await loadDbtRunProject(root), { target: target(root), env: {} });
  const workspace = await loadWorkspace(root, {});
  const statements: string[][] = [];
  for (let i = 0; i < CHAIN; i++) {
    const model: string[] = [];
    const compiled = compiler.compile(`m${i}`, false);
    if (!compiled.ok) throw new Error(`m${i}: ${JSON.stringify(compiled)}`);
    const rel = `${quoteIdent('main')}.${quoteIdent(`m${i}`)}`;
    model.push(`CREATE OR REPLACE TABLE ${rel} AS ${compiled.value.sql}`);
    for (const check of workspace.graph.nodes.get(`m${i}`)?.checks ?? []) {
      const converted = dbtTestAsCheck(check, rel, compiler);
      if (!converted.ok) throw new Error(converted.problem.message);
      model.push(`SELECT count(*) FROM (${String(converted.value.config!['sql'])})`);
    }
    statements.push(model);
  }
  return statements;
}

/**
 * The statements one after another; with `atomic`, each model in BEGIN … COMMIT
 * with its tests and its run-history row, as the runner must (a failing test
 * rolls back; a kill -9 leaves each model with its row or neither): DuckDB's own
 * price of that atomicity, with nothing of ours.
 */
async function timeBaseline(root: string, statements: readonly (readonly string[])[], atomic: boolean): Promise<number> {
  rmSync(join(root, 'bench.duckdb'), { force: true });
  const c0 = cpuNow();
  const t0 = performance.now();
  const instance = await DuckDBInstance.create(join(root, 'bench.duckdb'));
  const conn = await instance.connect();
  if (atomic) await conn.run(STATE_DDL);
  let n = 0;
  for (const model of statements) {
    if (!atomic) {
      for (const sql of model) await conn.run(sql);
      continue;
    }
    const now = new Date();
    await conn.run('BEGIN TRANSACTION');
    for (const sql of model) await conn.run(sql);
    const history = recordRunsSql([{ runId: 'bench', key: `model_${n++}`, status: 'success', rows: null, startedAt: now, finishedAt: now, definitionHash: 'bench', error: null, target: 'dev', checks: [], runner: 'in-process' }]);
    await conn.run(`${history};\nCOMMIT`);
  }
  conn.closeSync();
  instance.closeSync();
  lastCpuMs = cpuNow() - c0;
  return performance.now() - t0;
}

async function timeRunner(root: string, workspace: Awaited<ReturnType<typeof loadWorkspace>>): Promise<number> {
  rmSync(join(root, 'bench.duckdb'), { force: true });
  const c0 = cpuNow();
  const t0 = performance.now();
  const { result } = await materializeSelection(root, ['*'], { workspace, dbtRunner: 'in-process', env: {} });
  const t = performance.now() - t0;
  lastCpuMs = cpuNow() - c0;
  const bad = result.runs.filter((r) => r.status !== 'success');
  if (bad.length > 0) throw new Error(`bench run failed: ${bad[0]!.key}: ${bad[0]!.error}`);
  const checks = result.runs.reduce((n, r) => n + r.checks.length, 0);
  if (checks !== TESTS) throw new Error(`expected ${TESTS} tests to run, ran ${checks}`);
  return t;
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'bench-dbt-'));
  try {
    const chain = join(dir, 'chain');
    writeProject(chain, CHAIN, TESTS);
    const statements = await compiledStatements(chain);
    const workspace = await loadWorkspace(chain, {});
    await timeBaseline(chain, statements, false); // warm-up: native module, page cache, WASM compile
    await timeRunner(chain, workspace);
    const base: number[] = [];
    const baseTx: number[] = [];
    const runner: number[] = [];
    const baseCpu: number[] = [];
    const baseTxCpu: number[] = [];
    const runnerCpu: number[] = [];
    for (let i = 0; i < ROUNDS; i++) {
      base.push(await timeBaseline(chain, statements, false));
      baseCpu.push(lastCpuMs);
      baseTx.push(await timeBaseline(chain, statements, true));
      baseTxCpu.push(lastCpuMs);
      runner.push(await timeRunner(chain, workspace));
      runnerCpu.push(lastCpuMs);
    }
    const b = median(base);
    const r = median(runner);
    // The budget's "same compiled statements": as the design runs them, each model in its transaction
    // with its tests and its history row (as dbt-duckdb also wraps each model in one), on a bare connection.
    const bt = median(baseTx);
    const ratio = r / bt;
    console.log(`dbt chain of ${CHAIN} table models + ${TESTS} tests (median of ${ROUNDS}; best-of ratio ${(Math.min(...runner) / Math.min(...baseTx)).toFixed(2)}):`);
    console.log(`  the compiled statements on a bare connection, each model in BEGIN … COMMIT with its tests and history row: ${bt.toFixed(1)} ms (CPU ${median(baseTxCpu).toFixed(1)} ms)`);
    console.log(`  in-process runner (read project, render, transaction per model, tests, state): ${r.toFixed(1)} ms (CPU ${median(runnerCpu).toFixed(1)} ms)  (${((r - bt) / CHAIN).toFixed(3)} ms/model ours)`);
    console.log(`  ratio ${ratio.toFixed(2)}, CPU ratio ${(median(runnerCpu) / median(baseTxCpu)).toFixed(2)}  (budget <= 1.30: ${ratio <= 1.3 ? 'ok' : 'OVER'})`);
    console.log(`  for scale, the statements alone in autocommit (no transaction, no history): ${b.toFixed(1)} ms (CPU ${median(baseCpu).toFixed(1)} ms), runner ${(r / b).toFixed(2)}x that`);

    const big = join(dir, 'big');
    writeProject(big, RENDERED, 0);
    const t0 = performance.now();
    const project = await loadDbtRunProject(big);
    const compiler = new DbtModelCompiler(project, { target: target(big), env: {} });
    const loaded = performance.now() - t0;
    const t1 = performance.now();
    for (let i = 0; i < RENDERED; i++) {
      const c = compiler.compile(`m${i}`, false);
      if (!c.ok) throw new Error(`m${i} did not render`);
    }
    const rendered = performance.now() - t1;
    console.log(`rendering ${RENDERED} models (config pass and SQL pass, one macro each):`);
    console.log(`  project and macros loaded in ${loaded.toFixed(0)} ms; ${rendered.toFixed(0)} ms in all, ${(rendered / RENDERED).toFixed(3)} ms/model`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

void main();

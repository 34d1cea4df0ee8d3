// Discovery benchmark (README, Benchmarks): generates a 10,000-file workspace — SQL assets,
// Dagster Python files, one dbt project, and files that are not assets — then
// prints cold discovery time, one-file re-read times and peak memory. Every start is a fresh
// process running bundled code, as the extension's and the CLI's are (test/bench/discoveryStart.ts,
// with the shipped worker). The first-ever cold start writes the optional discovery cache
// (WorkspaceIndexOptions.cacheFile); a start that finds it is reported on its own line
// ("warm-cache start"), never as cold. Then `asset-studio list --json` as a whole process (the bundled
// CLI, as npm run build makes dist/cli.js): fresh, and with --cache.
//   npm run bench:discovery            (keeps nothing; the workspace is in a temp dir)
//   npm run bench:discovery -- --files 20000
import { closeSync, mkdirSync, mkdtempSync, openSync, readdirSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { spawnSync } from 'node:child_process';
import { join, resolve } from 'node:path';
import * as esbuild from 'esbuild';
import { performance } from 'node:perf_hooks';
import { WorkspaceIndex } from '../../src/core/discovery/workspaceIndex';

const argFiles = process.argv.indexOf('--files');
const TOTAL = argFiles > 0 ? Number(process.argv[argFiles + 1]) : 10_000;

// Share of the files: 30% SQL assets, 30% Dagster Python, 20% dbt, 20% other.
const N_SQL = Math.round(TOTAL * 0.3);
const N_PY = Math.round(TOTAL * 0.3);
const N_DBT_MODELS = Math.round(TOTAL * 0.18);
const N_DBT_YML = Math.round(TOTAL * 0.02);
const N_OTHER = TOTAL - N_SQL - N_PY - N_DBT_MODELS - N_DBT_YML;
const GROUPS = 30;

function write(file: string, text: string): void {
  mkdirSync(join(file, '..'), { recursive: true });
  writeFileSync(file, text);
}

function sqlAsset(i: number): string {
  const g = i % GROUPS;
  const up1 = i >= GROUPS ? `g${(i - GROUPS) % GROUPS}.a${i - GROUPS}` : 'raw_src.events';
  const up2 = i >= 2 * GROUPS ? `a${i - 2 * GROUPS}` : `read_parquet('data/events_${i}.parquet')`;
  const kind = i % 7 === 0 ? 'incremental' : i % 5 === 0 ? 'view' : 'table';
  return `/* @asset
name: g${g}.a${i}
kind: ${kind}
description: Asset ${i} of group ${g}, aggregated from its upstream tables.
${kind === 'incremental' ? 'unique_key: id\nwatermark: updated_at\n' : ''}checks:
  - not_null: [id, updated_at]
  - unique: id
  - accepted_values: { column: status, values: [new, open, closed] }
  - row_count: { min: 1 }
  - name: no_negative_amounts_${i}
    sql: select * from {{ this }} where amount < 0
    severity: warn
*/
with base as (
  select
    id,
    status,
    amount,
    updated_at,
    customer_id
  from ${up1}
  ${kind === 'incremental' ? 'where updated_at > {{ watermark }}' : ''}
),
enriched as (
  select b.*, u.region, u.segment
  from base b
  left join ${up2} u on u.customer_id = b.customer_id
),
ranked as (
  select *, row_number() over (partition by id order by updated_at desc) as rn
  from enriched
)
select id, status, amount, updated_at, region, segment
from ranked
where rn = 1
  and id in (select id from ${up1} where amount is not null)
`;
}

function dagsterFile(i: number): string {
  const dep = i > 0 ? `m${i - 1}_c` : 'g0/a0';
  return `"""Dagster assets of module ${i}."""
import dagster as dg
from dagster import AssetExecutionContext, AssetIn, MaterializeResult
from dagster_duckdb import DuckDBResource


@dg.asset(group_name="py${i % GROUPS}", kinds={"duckdb"}, deps=["${dep}"])
def m${i}_a(context: AssetExecutionContext, duckdb: DuckDBResource) -> MaterializeResult:
    """Loads the landing table for module ${i}."""
    with duckdb.get_connection() as conn:
        conn.execute("create or replace table landing.m${i}_a as select 1 as id")
    return MaterializeResult(metadata={"rows": 1})


@dg.asset(group_name="py${i % GROUPS}")
def m${i}_b(m${i}_a):
    rows = [r for r in range(10)]
    return rows


@dg.asset(ins={"upstream": AssetIn(key="m${i}_b")}, group_name="py${i % GROUPS}")
def m${i}_c(context, upstream):
    context.log.info("rows: %s", len(upstream))
    return upstream


@dg.asset_check(asset=m${i}_c)
def m${i}_c_not_empty(m${i}_c):
    return dg.AssetCheckResult(passed=len(m${i}_c) > 0)
`;
}

function dbtModel(i: number): string {
  const upstream =
    i < 20
      ? `{{ source('landing', 't${i}') }}`
      : `{{ ref('model_${i - 20}') }}`;
  return `{{ config(materialized='${i % 3 === 0 ? 'table' : 'view'}') }}

with src as (
    select * from ${upstream}
),
final as (
    select
        id,
        status,
        amount,
        updated_at
    from src
    where status is not null
)
select * from final
`;
}

function dbtYml(j: number, modelsPerFile: number): string {
  let out = 'version: 2\n\nmodels:\n';
  for (let k = 0; k < modelsPerFile; k++) {
    const i = j * modelsPerFile + k;
    if (i >= N_DBT_MODELS) break;
    out += `  - name: model_${i}
    description: Model ${i}.
    columns:
      - name: id
        data_tests:
          - unique
          - not_null
      - name: status
        data_tests:
          - accepted_values:
              arguments:
                values: ['new', 'open', 'closed']
`;
  }
  if (j === 0) {
    out += '\nsources:\n  - name: landing\n    schema: landing\n    tables:\n';
    for (let t = 0; t < 20; t++) out += `      - name: t${t}\n`;
  }
  return out;
}

function otherFile(i: number, root: string): [string, string] {
  switch (i % 5) {
    case 0:
      return [join(root, 'docs', `note_${i}.md`), `# Note ${i}\n\nSome words about the pipeline.\n`.repeat(5)];
    case 1:
      return [join(root, 'data', `seed_${i}.csv`), 'id,status,amount\n' + '1,open,10\n'.repeat(50)];
    case 2:
      return [join(root, 'analyses', `adhoc_${i}.sql`), `-- ad-hoc query, not an asset\nselect count(*) from g0.a0 where id = ${i}\n`];
    case 3:
      return [join(root, 'scripts', `tool_${i}.py`), `import json\n\n\ndef main():\n    print(json.dumps({"n": ${i}}))\n`];
    default:
      return [join(root, 'config', `settings_${i}.json`), JSON.stringify({ n: i, tags: ['a', 'b'] }, null, 2)];
  }
}

/** Writes the benchmark workspace (also used by test/bench/language.ts). */
export function generate(root: string): void {
  write(join(root, 'asset-studio.yml'), 'assets: [assets/**/*.sql]\nexclude: [scratch/**]\n');
  for (let i = 0; i < N_SQL; i++) write(join(root, 'assets', `g${i % GROUPS}`, `a${i}.sql`), sqlAsset(i));
  for (let i = 0; i < N_PY; i++) write(join(root, 'pipeline', 'pipeline', `mod${Math.floor(i / 100)}`, `assets_${i}.py`), dagsterFile(i));
  const dbt = join(root, 'transform');
  write(join(dbt, 'dbt_project.yml'), "name: shop\nversion: '1.0.0'\nprofile: shop\nmodel-paths: [models]\n");
  for (let i = 0; i < N_DBT_MODELS; i++) write(join(dbt, 'models', `dir${Math.floor(i / 100)}`, `model_${i}.sql`), dbtModel(i));
  const perFile = Math.ceil(N_DBT_MODELS / Math.max(1, N_DBT_YML - 1));
  for (let j = 0; j < N_DBT_YML - 1; j++) write(join(dbt, 'models', `schema_${j}.yml`), dbtYml(j, perFile));
  for (let i = 0; i < N_OTHER; i++) {
    const [f, t] = otherFile(i, root);
    write(f, t);
  }
}

function mb(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(0)} MB`;
}

async function timeUpdate(index: WorkspaceIndex, file: string, text: string, runs = 20): Promise<string> {
  const times: number[] = [];
  const c0 = process.cpuUsage();
  for (let r = 0; r < runs; r++) {
    // A save as a user makes one: a changed description or docstring, a comment at the end.
    const edited = file.endsWith('.py') ? text.replace('"""', `"""edit ${r} `) : text.replace('Asset', `Asset (edit ${r})`);
    writeFileSync(file, edited + (/\.(py|ya?ml)$/.test(file) ? `\n# edit ${r}\n` : `\n-- edit ${r}\n`));
    const t0 = performance.now();
    await index.updateFiles([file], []);
    times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  const cpu = process.cpuUsage(c0);
  return `${times[Math.floor(times.length / 2)]!.toFixed(1)} ms median of ${runs} (CPU ${(cpuMs(cpu) / runs).toFixed(1)} ms/update incl. write)`;
}

/**
 * The worker and a start runner as npm run build makes dist/*.js (esbuild.mjs), into a temp folder
 * with the wasm files beside them: a start then compiles no TypeScript, as in the extension.
 */
async function buildBundles(dir: string): Promise<{ workerFile: string; startFile: string; cliFile: string }> {
  const common: esbuild.BuildOptions = {
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    external: ['vscode', '@duckdb/node-api', '@duckdb/node-bindings', 'minijinja-js'],
    logLevel: 'warning',
    // The bundles live in a temp folder: the DuckDB package is found from the repository.
    nodePaths: [resolve(__dirname, '../../node_modules')],
  };
  const workerFile = join(dir, 'discovery-worker.js');
  const startFile = join(dir, 'discovery-start.js');
  await esbuild.build({ ...common, entryPoints: [resolve(__dirname, '../../src/core/discovery/discoveryWorker.ts')], outfile: workerFile });
  await esbuild.build({ ...common, entryPoints: [resolve(__dirname, 'discoveryStart.ts')], outfile: startFile });
  // The CLI finds the worker beside it, as dist/cli.js finds dist/discovery-worker.js.
  const cliFile = join(dir, 'cli.js');
  await esbuild.build({ ...common, entryPoints: [resolve(__dirname, '../../src/cli/main.ts')], outfile: cliFile });
  for (const [from, name] of [
    ['web-tree-sitter/tree-sitter.wasm', 'tree-sitter.wasm'],
    ['tree-sitter-python/tree-sitter-python.wasm', 'tree-sitter-python.wasm'],
  ] as const) {
    writeFileSync(join(dir, name), readFileSync(require.resolve(from)));
  }
  return { workerFile, startFile, cliFile };
}

interface StartFigures {
  readonly wall: number;
  readonly cpu: number;
  readonly nodes: number;
  readonly edges: number;
  readonly problems: number;
  readonly cacheSaved: boolean;
  readonly maxRss: number;
}

/** One start in a fresh process (the bundled runner). */
function start(startFile: string, root: string, opts: { workerFile?: string; cacheFile?: string }): StartFigures {
  const args = [startFile, root, ...(opts.workerFile ? ['--worker', opts.workerFile] : []), ...(opts.cacheFile ? ['--cache', opts.cacheFile] : [])];
  // NODE_PATH: the bundle's externals (DuckDB) from the repository's node_modules.
  const r = spawnSync(process.execPath, args, { encoding: 'utf8', env: { ...process.env, NODE_PATH: resolve(__dirname, '../../node_modules') } });
  const last = r.stdout.trim().split('\n').pop() ?? '';
  try {
    return JSON.parse(last) as StartFigures;
  } catch {
    throw new Error(`the start runner failed: ${r.stdout}${r.stderr}`);
  }
}

/**
 * `asset-studio list --json` as a whole process, timed from the spawn to its exit (the JSON goes to a
 * file, as a script's redirect would); how many assets it listed.
 */
function listRun(cliFile: string, root: string, out: string, cacheFile?: string): { wall: number; assets: number } {
  const fd = openSync(out, 'w');
  const t0 = performance.now();
  const r = spawnSync(process.execPath, [cliFile, 'list', '--json', '--root', root, ...(cacheFile ? ['--cache', cacheFile] : [])], {
    stdio: ['ignore', fd, 'pipe'],
    encoding: 'utf8',
    env: { ...process.env, NODE_PATH: resolve(__dirname, '../../node_modules') },
  });
  const wall = performance.now() - t0;
  closeSync(fd);
  if (r.status !== 0) throw new Error(`asset-studio list failed (${r.status}): ${r.stderr}`);
  return { wall, assets: (JSON.parse(readFileSync(out, 'utf8')) as { assets: unknown[] }).assets.length };
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

/** Reads every file under `root` once (what fills the OS page cache). */
function readEveryFile(root: string): { files: number; bytes: number; ms: number } {
  const t0 = performance.now();
  let files = 0;
  let bytes = 0;
  forEveryFile(root, (p) => {
    files++;
    bytes += readFileSync(p).length;
  });
  return { files, bytes, ms: performance.now() - t0 };
}

function forEveryFile(dir: string, each: (file: string) => void): void {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) forEveryFile(p, each);
    else each(p);
  }
}

/** Drops the OS page cache when this process may (root on Linux); false otherwise. */
function dropPageCache(): boolean {
  try {
    spawnSync('sync');
    writeFileSync('/proc/sys/vm/drop_caches', '3');
    return true;
  } catch {
    return false;
  }
}

function cpuMs(c: NodeJS.CpuUsage): number {
  return (c.user + c.system) / 1000;
}

function line(what: string, value: string, budget: string): void {
  console.log(`${what.padEnd(34)} ${value.padEnd(58)} budget ${budget}`);
}

async function main(): Promise<void> {
  const root = mkdtempSync(join(tmpdir(), 'asset-studio-bench-'));
  const workerDir = mkdtempSync(join(tmpdir(), 'asset-studio-bench-worker-'));
  try {
    const g0 = performance.now();
    generate(root);
    const generated = performance.now();
    const { workerFile, startFile, cliFile } = await buildBundles(workerDir);
    console.log(`workspace: ${TOTAL} files (${N_SQL} SQL assets, ${N_PY} Dagster .py, ${N_DBT_MODELS} dbt models + ${N_DBT_YML} dbt .yml, ${N_OTHER} other) generated in ${(performance.now() - g0).toFixed(0)} ms`);
    // The cache keeps no file modified in the last 2 s (its mtime could still be shared by a next
    // write): wait until the generated files are older, as a workspace's files are at a start.
    await new Promise((r) => setTimeout(r, Math.max(0, 2100 - (performance.now() - generated))));
    const cacheFile = join(workerDir, 'discovery.cache');
    // The files as the OS has them after a checkout or an editing session: in its page cache. This
    // machine's memory manager (DAMON) evicts idle pages within minutes, and reading 10,000 evicted
    // files costs ~1 s of disk alone, so a start would measure the disk more than discovery. The
    // start with the page cache dropped is measured on its own line below, where root may drop it.
    const warmed = readEveryFile(root);
    console.log(`page cache: every file read once before the starts (${warmed.files} files, ${mb(warmed.bytes)} in ${warmed.ms.toFixed(0)} ms; a second read takes ${readEveryFile(root).ms.toFixed(0)} ms)`);
    console.log(`machine: ${cpus().length} cores, load average ${loadavg().map((l) => l.toFixed(2)).join(' ')} (1/5/15 min) at the start`);

    // Each start is a fresh process running the bundled code, as the editor's or the CLI's is.
    // CPU time beside wall time: on a shared machine the wall clock also counts other processes;
    // it counts every thread of the process, the workers' and DuckDB's too.
    const RUNS = 5;
    const colds: StartFigures[] = [];
    for (let r = 0; r < RUNS; r++) {
      rmSync(cacheFile, { force: true });
      colds.push(start(startFile, root, { workerFile, cacheFile }));
    }
    const cold = colds[colds.length - 1]!;
    console.log(`graph: ${cold.nodes} nodes, ${cold.edges} edges, ${cold.problems} problems`);
    const walls = colds.map((c) => c.wall);
    line(
      'cold discovery (first ever)',
      `${median(walls).toFixed(0)} ms wall, ${median(colds.map((c) => c.cpu)).toFixed(0)} ms CPU (median of ${RUNS}; ${Math.min(...walls).toFixed(0)}-${Math.max(...walls).toFixed(0)} ms)`,
      '< 2500 ms on 2 cores',
    );
    const inThread = [0, 1, 2].map(() => start(startFile, root, {}));
    line('cold discovery, no workers', `${median(inThread.map((c) => c.wall)).toFixed(0)} ms wall, ${median(inThread.map((c) => c.cpu)).toFixed(0)} ms CPU (median of 3)`, '(for comparison)');
    if (!cold.cacheSaved) console.log('!! the first start could not write the discovery cache');
    const cached = [0, 1, 2].map(() => start(startFile, root, { workerFile, cacheFile }));
    line('warm-cache start (not cold)', `${median(cached.map((c) => c.wall)).toFixed(0)} ms wall, ${median(cached.map((c) => c.cpu)).toFixed(0)} ms CPU (median of 3, no file changed)`, '(with the cache)');
    for (const other of [...inThread, ...cached]) {
      if (other.nodes !== cold.nodes || other.edges !== cold.edges) console.log(`!! a start gave another graph: ${JSON.stringify(other)} vs ${JSON.stringify(cold)}`);
    }
    // The first start after a reboot: the page cache dropped (root only), so every file comes from the disk.
    if (dropPageCache()) {
      const disk = start(startFile, root, { workerFile });
      line('cold, page cache dropped', `${disk.wall.toFixed(0)} ms wall, ${disk.cpu.toFixed(0)} ms CPU (files from the disk)`, '(disk-bound)');
      dropPageCache();
      line('  reading the files alone', `${readEveryFile(root).ms.toFixed(0)} ms (page cache dropped, one thread)`, '(the disk)');
      readEveryFile(root);
    } else {
      line('cold, page cache dropped', 'not measured: /proc/sys/vm/drop_caches is not writable here', '(disk-bound)');
    }

    // The command line as CI runs it: a fresh process from its start to its exit, JSON of every asset written.
    const listOut = join(workerDir, 'list.json');
    // Each run with the files in the page cache, as the starts above have them: minutes into the
    // bench this machine may have evicted them (see above), and a run would time the disk.
    const fresh = Array.from({ length: RUNS }, () => (readEveryFile(root), listRun(cliFile, root, listOut)));
    const freshWalls = fresh.map((l) => l.wall);
    line('asset-studio list --json, fresh', `${median(freshWalls).toFixed(0)} ms whole process (median of ${RUNS}; ${Math.min(...freshWalls).toFixed(0)}-${Math.max(...freshWalls).toFixed(0)} ms)`, '< 2500 ms');
    const listCache = join(workerDir, 'list.cache');
    listRun(cliFile, root, listOut, listCache);
    const warm = Array.from({ length: RUNS }, () => (readEveryFile(root), listRun(cliFile, root, listOut, listCache)));
    const warmWalls = warm.map((l) => l.wall);
    line('  the same with --cache', `${median(warmWalls).toFixed(0)} ms whole process (median of ${RUNS}; ${Math.min(...warmWalls).toFixed(0)}-${Math.max(...warmWalls).toFixed(0)} ms, no file changed)`, '< 1000 ms');
    // A CI job carrying the cache to a fresh clone: the same bytes, every stamp new (an hour back,
    // older than the cache's racy window). The first such run hashes every file and rewrites the
    // cache with the new stamps; the next finds them by stamp again.
    const anHourAgo = new Date(Date.now() - 3_600_000);
    forEveryFile(root, (f) => utimesSync(f, anHourAgo, anHourAgo));
    readEveryFile(root);
    const cloned = listRun(cliFile, root, listOut, listCache);
    line('  --cache on a fresh clone', `${cloned.wall.toFixed(0)} ms whole process (every file's stamp new, same bytes: hashed, none parsed)`, '(CI)');
    for (const l of [...fresh, ...warm, cloned]) if (l.assets !== cold.nodes) console.log(`!! list printed ${l.assets} assets, the graph has ${cold.nodes} nodes`);

    // Saves, in this process: the index as a cold start leaves it.
    const index = await WorkspaceIndex.open(root, { workerFile });
    const sqlFile = join(root, 'assets', 'g3', 'a33.sql');
    line('one changed SQL file', await timeUpdate(index, sqlFile, sqlAsset(33)), '< 10 ms');
    const pyFile = join(root, 'pipeline', 'pipeline', 'mod0', 'assets_7.py');
    line('one changed Python file', await timeUpdate(index, pyFile, dagsterFile(7)), '< 10 ms');
    const dbtFile = join(root, 'transform', 'models', 'dir0', 'model_42.sql');
    line('one changed dbt model', await timeUpdate(index, dbtFile, dbtModel(42)), '< 10 ms');
    // A properties YAML file can change any model's description, materialization or key.
    const ymlFile = join(root, 'transform', 'models', 'schema_3.yml');
    line('one changed dbt YAML file', await timeUpdate(index, ymlFile, readFileSync(ymlFile, 'utf8')), '< 10 ms');
    // The edits are comments and text: they must leave the workspace as valid as it was.
    if (index.graph.problems.length > 0) console.log(`!! the edits made problems: ${index.graph.problems.slice(0, 3).map((p) => `${p.file}:${p.line} ${p.message}`).join('; ')}`);

    line('peak RSS', `${mb(median(colds.map((c) => c.maxRss)))} in a cold start's process (median)`, '(none set)');
    console.log(`load average at the end: ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);
  } finally {
    rmSync(root, { recursive: true, force: true });
    rmSync(workerDir, { recursive: true, force: true });
  }
}

// Run as a script, not when another benchmark imports the generator.
if (process.argv[1] && resolve(process.argv[1]) === import.meta.filename) void main();

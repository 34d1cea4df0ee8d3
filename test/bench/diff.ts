// Compare between targets (issue 13 budgets): a keyed diff of two 10,000,000-row tables on two local
// DuckDB files with 1% of rows changed, and a 50-asset promotion preview.
// DIFF_ROWS=1000000 npm run bench:diff for a quicker look.
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AssetDefinition } from '../../src/core/asset';
import { buildAssetGraph } from '../../src/core/graph/buildAssetGraph';
import type { TargetConfig } from '../../src/core/project/targetConfig';
import { openDiffSession } from '../../src/core/diff/relationDiff';
import { previewPromotion } from '../../src/core/diff/compareTargets';
import { execFile } from '../unit/engineFixtures';

const ROWS = Number(process.env['DIFF_ROWS'] ?? 10_000_000);
const ROUNDS = 3;
const PREVIEW_ASSETS = 50;

function target(dir: string, name: string): TargetConfig {
  return { name, type: 'duckdb', path: join(dir, `${name}.duckdb`), schema: 'main', threads: 2, env: {}, protected: name === 'prod', from: 'project' };
}

function tableSql(changed: boolean): string {
  // DECIMAL(12,2), as money columns are: `range * 0.01` alone would be a 38-digit decimal, slow to store and read.
  const base = 'CAST((range % 10007) * 0.01 AS DECIMAL(12, 2))';
  const amount = changed ? `CASE WHEN range % 100 = 0 THEN ${base} + 1 ELSE ${base} END` : base;
  const lines = [
    'CREATE SCHEMA bench',
    `CREATE TABLE bench.orders AS SELECT range AS id, range % 1000 AS customer, 'status_' || (range % 7) AS status, ${amount} AS amount, DATE '2020-01-01' + (range % 1500)::INTEGER AS day FROM range(${ROWS})`,
  ];
  for (let i = 0; i < PREVIEW_ASSETS; i++) {
    const v = changed && i % 5 === 0 ? 'CASE WHEN range % 50 = 0 THEN -1 ELSE range % 97 END' : 'range % 97';
    lines.push(`CREATE TABLE bench.p${i} AS SELECT range AS id, ${v} AS v, 'x' || range AS label FROM range(10000)`);
  }
  return lines.join(';\n');
}

function previewAsset(i: number): AssetDefinition {
  const name = `p${i}`;
  return {
    key: ['bench', name],
    source: 'sql',
    location: { file: `/bench/${name}.sql`, line: 1, column: 1 },
    kind: 'table',
    deps: [],
    checks: [{ name: 'unique_id', type: 'unique', severity: 'error', blocking: true, location: { file: `/bench/${name}.sql`, line: 2, column: 1 }, config: { value: 'id' } }],
    definitionHash: name,
    sql: { kind: 'table', relation: { schema: 'bench', name }, sql: 'select 1', sqlLine: 1 },
  };
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'diff-bench-'));
  try {
    const dev = target(dir, 'dev');
    const prod = target(dir, 'prod');
    let started = performance.now();
    await execFile(prod.path!, tableSql(false));
    await execFile(dev.path!, tableSql(true));
    console.log(`generated 2 × ${ROWS.toLocaleString('en-US')} rows (+ ${PREVIEW_ASSETS} small tables each) in ${((performance.now() - started) / 1000).toFixed(1)} s`);

    const keyed: number[] = [];
    const keyless: number[] = [];
    // Process CPU time (every thread, DuckDB's included): steadier than wall time on a shared machine.
    const keyedCpu: number[] = [];
    const keylessCpu: number[] = [];
    const cpuMs = (since: NodeJS.CpuUsage) => {
      const u = process.cpuUsage(since);
      return (u.user + u.system) / 1000;
    };
    for (let round = 0; round < ROUNDS; round++) {
      let cpu = process.cpuUsage();
      started = performance.now();
      const session = await openDiffSession(dev, prod, { projectRoot: dir });
      const rel = { schema: 'bench', name: 'orders' };
      const diff = await session.diff(rel, rel, { key: ['id'] });
      session.close();
      keyed.push(performance.now() - started);
      keyedCpu.push(cpuMs(cpu));
      if (diff.rows.changed !== Math.ceil(ROWS / 100) || diff.samples.length !== 20) throw new Error(`wrong diff: ${JSON.stringify(diff.rows)}`);
      cpu = process.cpuUsage();
      started = performance.now();
      const again = await openDiffSession(dev, prod, { projectRoot: dir });
      const whole = await again.diff(rel, rel, { sampleLimit: 0 });
      again.close();
      keyless.push(performance.now() - started);
      keylessCpu.push(cpuMs(cpu));
      if (whole.rows.onlyInFrom !== Math.ceil(ROWS / 100)) throw new Error(`wrong keyless diff: ${JSON.stringify(whole.rows)}`);
    }
    const rss = process.resourceUsage().maxRSS / 1024;
    console.log(`keyed diff of ${ROWS.toLocaleString('en-US')} rows, 1% changed: median ${Math.round(median(keyed))} ms (${keyed.map((m) => Math.round(m)).join(', ')}), CPU ${Math.round(median(keyedCpu))} ms — budget 3000 ms`);
    console.log(`keyless (EXCEPT ALL both ways), same tables: median ${Math.round(median(keyless))} ms (${keyless.map((m) => Math.round(m)).join(', ')}), CPU ${Math.round(median(keylessCpu))} ms`);
    console.log(`load average at the end: ${loadavg().map((l) => l.toFixed(1)).join(' ')} (2 cores)`);
    console.log(`peak memory of the process: ${Math.round(rss)} MB RSS`);

    const graph = buildAssetGraph(dir, [{ file: '/bench/all.sql', assets: Array.from({ length: PREVIEW_ASSETS }, (_, i) => previewAsset(i)), problems: [] }]);
    const workspace = { root: dir, graph, targets: { targets: [dev, prod] } };
    const previews: number[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      started = performance.now();
      const preview = await previewPromotion(workspace, ['*'], 'dev', 'prod');
      previews.push(performance.now() - started);
      const changed = preview.assets.filter((a) => a.status === 'changed').length;
      if (preview.assets.length !== PREVIEW_ASSETS || changed !== PREVIEW_ASSETS / 5) throw new Error(`wrong preview: ${changed} changed`);
    }
    console.log(`promotion preview of ${PREVIEW_ASSETS} assets (10,000 rows each, keyed): median ${Math.round(median(previews))} ms (${previews.map((m) => Math.round(m)).join(', ')}) — budget 2000 ms`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

void main();

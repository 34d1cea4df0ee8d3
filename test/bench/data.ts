// Data panel reads: a 10,000,000-row, 20-column table in a DuckDB file —
// the first page with its row count (a fresh read-only open, as the panel does),
// pages at random offsets while scrolling, a sorted first page, a filter, a profile.
// The file is built once under the OS temp folder and reused by later runs.
import { existsSync, mkdirSync, renameSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { DataReadSession } from '../../src/core/data/dataReadSession';
import type { DataSource, DataView } from '../../src/core/data/dataView';
import type { TargetConfig } from '../../src/core/project/targetConfig';

const ROWS = 10_000_000;
const PAGE = 200;
const dir = join(tmpdir(), 'asset-studio-bench-data');
const file = join(dir, `wide_${ROWS}.duckdb`);

async function build(): Promise<void> {
  mkdirSync(dir, { recursive: true });
  const partial = `${file}.building`;
  const instance = await DuckDBInstance.create(partial);
  const conn = await instance.connect();
  // 20 columns: ids, numbers, text, timestamps, a struct and a list.
  const cols = [
    'i AS id',
    "TIMESTAMP '2020-01-01' + to_seconds(i) AS ts",
    "DATE '2020-01-01' + (i % 3650)::INTEGER AS day",
    ...Array.from({ length: 6 }, (_, k) => `(i * ${k + 7}) % 100000 AS n${k}`),
    ...Array.from({ length: 5 }, (_, k) => `(i / ${k + 3})::DOUBLE AS d${k}`),
    ...Array.from({ length: 4 }, (_, k) => `'text ' || ((i * ${k + 11}) % 50000) AS s${k}`),
    "{'a': i % 10, 'b': 'x' || (i % 7)} AS rec",
    '[i % 3, i % 5] AS list',
  ];
  await conn.run(`CREATE TABLE main.wide AS SELECT ${cols.join(', ')} FROM range(${ROWS}) r(i)`);
  conn.closeSync();
  instance.closeSync();
  renameSync(partial, file);
}

function stats(ms: number[]): string {
  const s = [...ms].sort((a, b) => a - b);
  const at = (q: number) => s[Math.min(s.length - 1, Math.floor(q * s.length))]!.toFixed(1);
  return `median ${at(0.5)} ms, p95 ${at(0.95)} ms, max ${s[s.length - 1]!.toFixed(1)} ms (n=${s.length})`;
}

async function timed<T>(fn: () => Promise<T>): Promise<[number, T]> {
  const t = performance.now();
  const v = await fn();
  return [performance.now() - t, v];
}

async function main(): Promise<void> {
  if (!existsSync(file)) {
    console.log(`building ${file} (${ROWS.toLocaleString('en-US')} rows, 20 columns)…`);
    const [ms] = await timed(build);
    console.log(`built in ${(ms / 1000).toFixed(1)} s`);
  }
  const target: TargetConfig = { name: 'bench', type: 'duckdb', path: file, schema: 'main', threads: 2, env: {}, protected: false, from: 'default' };
  const opts = { projectRoot: dir };
  const source: DataSource = { kind: 'relation', relation: '"main"."wide"' };
  // As the panel reads: one session, its connection kept while pages come in.
  const session = new DataReadSession(target, opts);
  const read = (view: DataView, offset: number, count = false) => session.page({ source, view, offset, limit: PAGE, count });
  const rss0 = process.memoryUsage().rss;

  const first: number[] = [];
  for (let i = 0; i < 5; i++) {
    const fresh = new DataReadSession(target, opts);
    first.push((await timed(() => fresh.page({ source, view: {}, offset: 0, limit: PAGE, count: true })))[0]);
    await fresh.close();
  }
  console.log(`first page + row count (open the file read-only, read ${PAGE} rows, count): ${stats(first)}`);
  await read({}, 0);

  const scroll: number[] = [];
  let seed = 42;
  const rand = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
  for (let i = 0; i < 40; i++) scroll.push((await timed(() => read({}, Math.floor(rand() * (ROWS - PAGE)))))[0]);
  console.log(`a page at a random offset while scrolling: ${stats(scroll)}`);
  const near: number[] = [];
  for (let i = 0; i < 20; i++) near.push((await timed(() => read({}, 5_000_000 + i * PAGE)))[0]);
  console.log(`consecutive pages around row 5,000,000: ${stats(near)}`);

  const sorted: number[] = [];
  for (let i = 0; i < 3; i++) sorted.push((await timed(() => read({ sort: [{ column: 'n3', descending: true }] }, 0, true)))[0]);
  console.log(`sorted by a column, first page + count: ${stats(sorted)}`);
  const sortedDeep = (await timed(() => read({ sort: [{ column: 'n3', descending: true }] }, 1_000_000)))[0];
  console.log(`sorted, a page at row 1,000,000: ${sortedDeep.toFixed(0)} ms`);

  const filtered: number[] = [];
  for (let i = 0; i < 3; i++) filtered.push((await timed(() => read({ filters: [{ column: 's2', op: '=', value: 'text 123' }] }, 0, true)))[0]);
  console.log(`filtered (text =), first page + count: ${stats(filtered)}`);

  const [profileMs, profile] = await timed(() => session.profile(source, {}));
  await session.close();
  console.log(`profile (SUMMARIZE + ${profile.columns.filter((c) => c.histogram).length} histograms): ${profileMs.toFixed(0)} ms`);
  console.log(`extension-side memory: rss grew ${((process.memoryUsage().rss - rss0) / 2 ** 20).toFixed(0)} MB over the run (heap ${(process.memoryUsage().heapUsed / 2 ** 20).toFixed(0)} MB)`);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});

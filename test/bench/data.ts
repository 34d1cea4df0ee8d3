// Data panel reads: a 10,000,000-row, 20-column table in a DuckDB file —
// the first page with its row count (a fresh read-only open, as the panel does),
// pages at random offsets while scrolling, sorted and filtered pages at any depth, a profile.
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
/** What the panel asks first after a jump: the rows of one screen (a 900-px-high panel shows 40 rows; one more for a part-row). */
const SCREEN = 41;
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

  // A new sort, as the panel reads it: its first page (DuckDB's top-N), then a page deep down, which waits for
  // the view's row order (computed right after the first page) and reads one chunk through it.
  const sortView: DataView = { sort: [{ column: 'n3', descending: true }] };
  const sortedFirst: number[] = [];
  const sortedThenDeep: number[] = [];
  for (let i = 0; i < 3; i++) {
    const fresh = new DataReadSession(target, opts);
    sortedFirst.push((await timed(() => fresh.page({ source, view: sortView, offset: 0, limit: PAGE, count: true })))[0]);
    sortedThenDeep.push((await timed(() => fresh.page({ source, view: sortView, offset: 1_000_000, limit: PAGE })))[0]);
    await fresh.close();
  }
  console.log(`sorted by a column (new sort), first page + count: ${stats(sortedFirst)}`);
  console.log(`then a page at row 1,000,000 (waits for the row order, then reads a chunk): ${stats(sortedThenDeep)}`);
  for (const column of ['n3', 's2', 'd1']) {
    const sortedView: DataView = { sort: [{ column, descending: column === 'n3' }] };
    await read(sortedView, 0, true);
    await read(sortedView, 3_000_000);
    const deep: number[] = [];
    for (let i = 0; i < 20; i++) deep.push((await timed(() => read(sortedView, Math.floor(rand() * (ROWS - PAGE)))))[0]);
    const walk: number[] = [];
    for (let i = 0; i < 40; i++) walk.push((await timed(() => read(sortedView, 1_000_000 + i * PAGE)))[0]);
    console.log(`sorted by ${column}: a page at a random depth (its ${PAGE} rows read through the order): ${stats(deep)}; 40 consecutive pages from row 1,000,000 (scrolling): ${stats(walk)}`);
    const screen: number[] = [];
    for (let i = 0; i < 20; i++) screen.push((await timed(() => session.page({ source, view: sortedView, offset: Math.floor(rand() * (ROWS - SCREEN)), limit: SCREEN })))[0]);
    console.log(`sorted by ${column}: the rows of one screen (${SCREEN}) at a random depth, what the panel asks first after a jump: ${stats(screen)}`);
  }
  const offsetDeep = (await timed(() => session.page({ source: { kind: 'query', sql: 'SELECT * FROM main.wide' }, view: { sort: [{ column: 'n3', descending: true }] }, offset: 1_000_000, limit: PAGE })))[0];
  console.log(`a query of all 10M rows (more than a query's copy may hold), sorted: a page at row 1,000,000 by ORDER BY … LIMIT … OFFSET: ${offsetDeep.toFixed(0)} ms`);
  // A query whose result may be copied (1M rows): its first page waits for the copy, then every page is a row-id range of it.
  const query: DataSource = { kind: 'query', sql: 'SELECT * FROM main.wide WHERE id % 10 = 3' };
  const queryView: DataView = { sort: [{ column: 's2' }] };
  const [queryFirstMs] = await timed(() => session.page({ source: query, view: queryView, offset: 0, limit: PAGE, count: true }));
  const queryDeep: number[] = [];
  for (let i = 0; i < 20; i++) queryDeep.push((await timed(() => session.page({ source: query, view: queryView, offset: Math.floor(rand() * (1_000_000 - PAGE)), limit: PAGE })))[0]);
  console.log(`a query of 1,000,000 rows sorted by s2: first page (runs and copies the query) ${queryFirstMs.toFixed(0)} ms; a page at a random depth: ${stats(queryDeep)}`);

  const filterView: DataView = { filters: [{ column: 's2', op: 'contains', value: '12' }] };
  const [filteredMs] = await timed(() => read(filterView, 0, true));
  console.log(`filtered (text contains), first page + count: ${filteredMs.toFixed(0)} ms`);
  await read(filterView, PAGE);
  const filteredDeep: number[] = [];
  for (let i = 0; i < 20; i++) filteredDeep.push((await timed(() => read(filterView, Math.floor(rand() * 490_000))))[0]);
  console.log(`filtered, a page at a random depth: ${stats(filteredDeep)}`);

  const [profileMs, profile] = await timed(() => session.profile(source, {}));
  await session.close();
  console.log(`profile (SUMMARIZE + ${profile.columns.filter((c) => c.histogram).length} histograms): ${profileMs.toFixed(0)} ms`);
  console.log(`extension-side memory: rss grew ${((process.memoryUsage().rss - rss0) / 2 ** 20).toFixed(0)} MB over the run (heap ${(process.memoryUsage().heapUsed / 2 ** 20).toFixed(0)} MB)`);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});

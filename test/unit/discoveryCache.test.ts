import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync, readdirSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { deserialize, serialize } from 'node:v8';
import { discoverDbtProject } from '../../src/core/discovery/dbt/dbtProject';
import { DbtReadState } from '../../src/core/discovery/dbt/dbtReadState';
import { DiscoveryCache } from '../../src/core/discovery/discoveryCache';
import { fileStamp } from '../../src/core/discovery/fileStamp';
import { WorkspaceIndex } from '../../src/core/discovery/workspaceIndex';
import { HOUR_AGO, agedFixtures, sameSizeAndTime } from './cachedWorkspace';

const fixtures = resolve(__dirname, '../fixtures');

/** SQL, Dagster and dbt fixtures in one workspace, every file dated an hour ago (older than the racy window). */
function workspace(): { root: string; cacheFile: string } {
  const root = mkdtempSync(join(tmpdir(), 'asset-studio-cache-'));
  agedFixtures(root, ['sql', 'dagster', 'dbt', 'bad']);
  return { root, cacheFile: join(mkdtempSync(join(tmpdir(), 'asset-studio-cache-file-')), 'discovery.cache') };
}

const SQL = 'sql/assets/analytics/daily_trips.sql';

test('a start with a warm cache gives the same discoveries and graph as a start without one', async () => {
  const { root, cacheFile } = workspace();
  try {
    const plain = await WorkspaceIndex.open(root, { workers: false });
    const first = await WorkspaceIndex.open(root, { workers: false, cacheFile });
    assert.equal(await first.flushCache(), true);
    assert.equal(first.cacheUse?.hits, 0);
    assert.ok((first.cacheUse?.read ?? 0) > 10, 'a first start reads every file');
    const warm = await WorkspaceIndex.open(root, { workers: false, cacheFile });
    assert.ok(warm.graph.nodes.size > 10);
    assert.ok(warm.graph.problems.length > 5, 'the bad fixtures keep their problems');
    for (const index of [first, warm]) {
      assert.deepEqual(index.discoveries(), plain.discoveries());
      assert.deepEqual(index.graph, plain.graph);
    }
  } finally {
    rmSync(root, { recursive: true, force: true });
    rmSync(cacheFile, { force: true });
  }
});

test('an unchanged stamp is served from the cache; a changed mtime or size is read again', async () => {
  const { root, cacheFile } = workspace();
  const file = join(root, SQL);
  try {
    await (await WorkspaceIndex.open(root, { workers: false, cacheFile })).flushCache();
    // Same size, same mtime: the cache cannot tell, so the earlier read is what the start sees — the proof it was used.
    sameSizeAndTime(file, (t) => t.replace('daily_trips', 'daily_tripz'));
    let g = (await WorkspaceIndex.open(root, { workers: false, cacheFile })).graph;
    assert.ok(g.nodes.has('analytics/daily_trips'));
    assert.ok(!g.nodes.has('analytics/daily_tripz'));

    // Rediscover (freshCache) reads every file, so it sees the edit the stamp hides, and writes the cache anew.
    const fresh = await WorkspaceIndex.open(root, { workers: false, cacheFile, freshCache: true });
    assert.ok(fresh.graph.nodes.has('analytics/daily_tripz'));
    assert.equal(fresh.cacheUse?.hits, 0);
    await fresh.flushCache();
    const afterFresh = await WorkspaceIndex.open(root, { workers: false, cacheFile });
    assert.ok(afterFresh.graph.nodes.has('analytics/daily_tripz'));
    assert.equal(afterFresh.cacheUse?.read, 0);

    // A new mtime on the same bytes: hashed, not read again, and kept under the new stamp.
    const later = new Date(HOUR_AGO.getTime() + 60_000);
    utimesSync(file, later, later);
    let index = await WorkspaceIndex.open(root, { workers: false, cacheFile });
    await index.flushCache();
    assert.ok(index.graph.nodes.has('analytics/daily_tripz'));
    assert.equal(index.cacheUse?.read, 0);
    // A new mtime on new bytes: read again, that file alone (what the editor's log reports).
    writeFileSync(file, readFileSync(file, 'utf8').replace('daily_tripz', 'daily_tripx'));
    const later2 = new Date(HOUR_AGO.getTime() + 90_000);
    utimesSync(file, later2, later2);
    index = await WorkspaceIndex.open(root, { workers: false, cacheFile });
    await index.flushCache();
    assert.ok(index.graph.nodes.has('analytics/daily_tripx'));
    assert.ok(!index.graph.nodes.has('analytics/daily_tripz'));
    assert.equal(index.cacheUse?.read, 1);
    assert.ok((index.cacheUse?.hits ?? 0) > 10);
    assert.equal((await WorkspaceIndex.open(root, { workers: false })).cacheUse, undefined, 'no cache, no counts');

    // Another size at the same mtime: read again.
    writeFileSync(file, readFileSync(file, 'utf8').replace('daily_tripx', 'daily_trips_v2'));
    utimesSync(file, later2, later2);
    g = (await WorkspaceIndex.open(root, { workers: false, cacheFile })).graph;
    assert.ok(g.nodes.has('analytics/daily_trips_v2'));
  } finally {
    rmSync(root, { recursive: true, force: true });
    rmSync(cacheFile, { force: true });
  }
});

test('a Python file is cached as well, and a file modified just now is never kept', async () => {
  const { root, cacheFile } = workspace();
  try {
    const py = readdirSync(join(root, 'dagster'), { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.py')).map((f) => join(root, 'dagster', f));
    const withAsset = py.find((f) => readFileSync(f, 'utf8').includes('@asset'))!;
    const plain = await WorkspaceIndex.open(root, { workers: false });
    const key = [...plain.graph.nodes.values()].find((n) => n.definition.location.file === withAsset && n.definition.source === 'dagster')!.id;
    await (await WorkspaceIndex.open(root, { workers: false, cacheFile })).flushCache();
    // Hide every definition of the file at the same size and mtime: the cached read still shows them.
    sameSizeAndTime(withAsset, (t) => t.replace(/dagster/g, 'dagstex'));
    const definedIn = (index: WorkspaceIndex) => index.graph.nodes.get(key)?.definition.location.file;
    assert.equal(definedIn(await WorkspaceIndex.open(root, { workers: false, cacheFile })), withAsset);
    assert.notEqual(definedIn(await WorkspaceIndex.open(root, { workers: false })), withAsset);

    // A SQL file written just now (its mtime could still be shared by a next write) is not kept.
    const file = join(root, SQL);
    writeFileSync(file, readFileSync(file, 'utf8'));
    await (await WorkspaceIndex.open(root, { workers: false, cacheFile })).flushCache();
    sameSizeAndTime(file, (t) => t.replace('daily_trips', 'daily_tripz'));
    assert.ok((await WorkspaceIndex.open(root, { workers: false, cacheFile })).graph.nodes.has('analytics/daily_tripz'));
  } finally {
    rmSync(root, { recursive: true, force: true });
    rmSync(cacheFile, { force: true });
  }
});

test('a broken or foreign cache file is an empty cache; a save where it cannot write says so', async () => {
  const { root, cacheFile } = workspace();
  try {
    const plain = await WorkspaceIndex.open(root, { workers: false });
    writeFileSync(cacheFile, 'not a cache');
    const broken = await WorkspaceIndex.open(root, { workers: false, cacheFile });
    assert.deepEqual(broken.graph, plain.graph);
    assert.equal(await broken.flushCache(), true);

    const foreign = DiscoveryCache.load(cacheFile, 'another fingerprint');
    assert.equal(foreign.get('sql', join(root, SQL), fileStamp(join(root, SQL))), undefined);
    const same = DiscoveryCache.load(cacheFile, 'another fingerprint');
    same.set('sql', join(root, SQL), fileStamp(join(root, SQL)), { file: 'x', assets: [], problems: [] });
    assert.equal(same.save(), true);
    assert.deepEqual(DiscoveryCache.load(cacheFile, 'another fingerprint').get('sql', join(root, SQL), fileStamp(join(root, SQL))), { file: 'x', assets: [], problems: [] });

    const nowhere = await WorkspaceIndex.open(root, { workers: false, cacheFile: join(root, SQL, 'cannot-be-a-folder', 'c') });
    assert.equal(await nowhere.flushCache(), false);
    assert.deepEqual(nowhere.graph, plain.graph);
  } finally {
    rmSync(root, { recursive: true, force: true });
    rmSync(cacheFile, { force: true });
  }
});

test('a dbt YAML parse kept from an earlier start is used only while the file has the same text', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'asset-studio-cache-dbt-'));
  try {
    for (const copy of ['a', 'b']) cpSync(join(fixtures, 'dbt'), join(dir, copy), { recursive: true });
    const projectOf = (copy: string) => {
      const found = readdirSync(join(dir, copy), { recursive: true, encoding: 'utf8' }).find((f) => f.endsWith('dbt_project.yml'))!;
      return join(dir, copy, found, '..');
    };
    const a = resolve(projectOf('a'));
    const b = resolve(projectOf('b'));
    const state = new DbtReadState();
    await discoverDbtProject(a, state);
    const [file, parsed] = state.parsedSchemaFiles(a).find(([, p]) => p.result.sources.length > 0 || p.result.patches.length > 0)!;
    const twin = join(b, file.slice(a.length));
    // What an earlier start kept for the twin file, marked so that its use shows.
    const marker = { file: twin, line: 1, column: 1, severity: 'warning' as const, code: 'test.from-cache', message: 'kept' };
    state.rememberSchemaFiles([[twin, { text: parsed.text, ctx: parsed.ctx.replace(a, b), result: { ...parsed.result, file: twin, problems: [marker] } }]]);
    const codes = async () => (await discoverDbtProject(b, state)).discoveries.flatMap((d) => d.problems.map((p) => p.code));
    assert.ok((await codes()).includes('test.from-cache'));
    writeFileSync(twin, `${parsed.text}\n# edited\n`);
    assert.ok(!(await codes()).includes('test.from-cache'));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("a dbt model's facts kept from an earlier start are used only while the file has the same text", async () => {
  const dir = mkdtempSync(join(tmpdir(), 'asset-studio-cache-dbt-facts-'));
  try {
    cpSync(join(fixtures, 'dbt'), dir, { recursive: true });
    const found = readdirSync(dir, { recursive: true, encoding: 'utf8' }).find((f) => f.endsWith('dbt_project.yml'))!;
    const project = resolve(join(dir, found, '..'));
    const first = new DbtReadState();
    await discoverDbtProject(project, first);
    const [file, facts] = first.fileFactsUnder(project).find(([f, x]) => f.endsWith('.sql') && x.read.deps.length > 0)!;
    // What an earlier start kept for the file, marked so that its use shows.
    const marker = { file, line: 1, column: 1, severity: 'warning' as const, code: 'test.from-cache', message: 'kept' };
    const state = new DbtReadState();
    state.rememberFileFacts([[file, { ...facts, read: { ...facts.read, problems: [marker] } }]]);
    const codes = async () => (await discoverDbtProject(project, state)).discoveries.flatMap((d) => d.problems.map((p) => p.code));
    assert.ok((await codes()).includes('test.from-cache'));
    writeFileSync(file, `${facts.text}\n-- edited\n`);
    assert.ok(!(await codes()).includes('test.from-cache'));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a first start stamps its reads when it saves: files modified during or just before it are not kept', () => {
  const dir = mkdtempSync(join(tmpdir(), 'asset-studio-cache-stamps-'));
  try {
    const [old, fresh, edited] = ['old.sql', 'fresh.sql', 'edited.sql'].map((n) => join(dir, n));
    for (const f of [old, fresh, edited]) writeFileSync(f, 'select 1');
    for (const f of [old, edited]) utimesSync(f, HOUR_AGO, HOUR_AGO);
    const cacheFile = join(dir, 'c');
    const first = DiscoveryCache.load(cacheFile, 'fp');
    assert.equal(first.empty, true);
    for (const f of [old, fresh, edited]) first.set('sql', f, undefined, { read: f });
    // Edited after it was read, during the start: the read is not what the file has now.
    writeFileSync(edited, 'select 2');
    utimesSync(edited, HOUR_AGO, new Date());
    assert.equal(first.save(), true);
    const next = DiscoveryCache.load(cacheFile, 'fp');
    assert.equal(next.empty, false);
    assert.deepEqual(next.get('sql', old, fileStamp(old)), { read: old });
    assert.equal(next.get('sql', fresh, fileStamp(fresh)), undefined);
    assert.equal(next.get('sql', edited, fileStamp(edited)), undefined);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a kept value comes back exactly as it was read: undefined fields, maps and odd numbers too', () => {
  const dir = mkdtempSync(join(tmpdir(), 'asset-studio-cache-values-'));
  try {
    const files = ['plain.sql', 'undefined.sql', 'map.sql', 'numbers.sql', 'holes.sql'].map((n) => join(dir, n));
    for (const f of files) {
      writeFileSync(f, 'select 1');
      utimesSync(f, HOUR_AGO, HOUR_AGO);
    }
    const values = [
      { file: 'plain', assets: [{ key: ['a'], deps: [], group: null }], problems: [] },
      { file: 'undefined', assets: [{ key: ['a'], group: undefined }], problems: [] },
      { file: 'map', bindings: new Map([['a', [1, 2]]]) },
      { file: 'numbers', n: [Number.NaN, Infinity, -0, 1.5] },
      // eslint-disable-next-line no-sparse-arrays
      { file: 'holes', list: [1, , 3] },
    ];
    const cacheFile = join(dir, 'c');
    const first = DiscoveryCache.load(cacheFile, 'fp');
    files.forEach((f, i) => first.set('sql', f, fileStamp(f), values[i]));
    assert.equal(first.save(), true);
    const next = DiscoveryCache.load(cacheFile, 'fp');
    files.forEach((f, i) => assert.deepEqual(next.get('sql', f, fileStamp(f)), values[i], f));
    // A save after one file was read again writes the other values' bytes back as they were.
    const bytes = readFileSync(cacheFile);
    assert.equal(next.save(), true);
    const third = DiscoveryCache.load(cacheFile, 'fp');
    assert.deepEqual(third.get('sql', files[1]!, fileStamp(files[1]!)), values[1]);
    third.set('sql', files[0]!, fileStamp(files[0]!), { file: 'plain, read again', assets: [], problems: [] });
    for (const f of files.slice(2)) third.get('sql', f, fileStamp(f));
    assert.equal(third.save(), true);
    assert.notDeepEqual(readFileSync(cacheFile), bytes);
    const fourth = DiscoveryCache.load(cacheFile, 'fp');
    assert.deepEqual(fourth.get('sql', files[0]!, fileStamp(files[0]!)), { file: 'plain, read again', assets: [], problems: [] });
    files.slice(1).forEach((f, i) => assert.deepEqual(fourth.get('sql', f, fileStamp(f)), values[i + 1], f));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("an entry whose bytes do not decode is a miss, never a failed start; the others are used", () => {
  const dir = mkdtempSync(join(tmpdir(), 'asset-studio-cache-corrupt-'));
  try {
    const [good, bad] = ['good.sql', 'bad.sql'].map((n) => join(dir, n));
    for (const f of [good, bad]) {
      writeFileSync(f, 'select 1');
      utimesSync(f, HOUR_AGO, HOUR_AGO);
    }
    const cacheFile = join(dir, 'c');
    const first = DiscoveryCache.load(cacheFile, 'fp');
    for (const f of [good, bad]) first.set('sql', f, fileStamp(f), { file: f, assets: [], problems: [] });
    assert.equal(first.save(), true);
    // The file as saved, with the bad file's value bytes cut short.
    const bytes = readFileSync(cacheFile);
    const head = bytes.indexOf('\n') + 1;
    const contents = deserialize(bytes.subarray(head)) as { entries: { sql: unknown[] } };
    const at = contents.entries.sql.indexOf(bad);
    // path, stamp, content hash, value
    assert.ok(at >= 0 && typeof contents.entries.sql[at + 3] === 'string');
    contents.entries.sql[at + 3] = (contents.entries.sql[at + 3] as string).slice(0, 5);
    writeFileSync(cacheFile, Buffer.concat([bytes.subarray(0, head), serialize(contents)]));
    const next = DiscoveryCache.load(cacheFile, 'fp');
    assert.deepEqual(next.get('sql', good, fileStamp(good)), { file: good, assets: [], problems: [] });
    assert.equal(next.get('sql', bad, fileStamp(bad)), undefined);
    assert.equal(next.hits, 1);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a fresh clone of the same files (new inodes and times) is served from the cache by content; a changed file is read', async () => {
  const { root, cacheFile } = workspace();
  const away = mkdtempSync(join(tmpdir(), 'asset-studio-cache-away-'));
  try {
    const plain = await WorkspaceIndex.open(root, { workers: false });
    assert.equal(await (await WorkspaceIndex.open(root, { workers: false, cacheFile })).flushCache(), true);
    // What CI does: the same files checked out again at the same place, every stamp new.
    cpSync(root, away, { recursive: true });
    rmSync(root, { recursive: true, force: true });
    cpSync(away, root, { recursive: true });
    const cloned = await WorkspaceIndex.open(root, { workers: false, cacheFile });
    assert.equal(cloned.cacheUse?.read, 0, 'no SQL or Python file is parsed again');
    assert.ok((cloned.cacheUse?.hits ?? 0) > 10);
    assert.deepEqual(cloned.discoveries(), plain.discoveries());
    assert.deepEqual(cloned.graph, plain.graph);

    // The clone with one file edited: that file alone is read, and the edit is seen.
    rmSync(root, { recursive: true, force: true });
    cpSync(away, root, { recursive: true });
    const file = join(root, SQL);
    writeFileSync(file, readFileSync(file, 'utf8').replace('daily_trips', 'daily_tripz'));
    const edited = await WorkspaceIndex.open(root, { workers: false, cacheFile });
    assert.equal(edited.cacheUse?.read, 1);
    assert.ok(edited.graph.nodes.has('analytics/daily_tripz'));
    assert.ok(!edited.graph.nodes.has('analytics/daily_trips'));
  } finally {
    rmSync(root, { recursive: true, force: true });
    rmSync(away, { recursive: true, force: true });
    rmSync(cacheFile, { force: true });
  }
});

test('a read kept with the hash of bytes the file no longer has is never served by content', () => {
  const dir = mkdtempSync(join(tmpdir(), 'asset-studio-cache-hash-'));
  try {
    const file = join(dir, 'a.sql');
    writeFileSync(file, 'select 1');
    utimesSync(file, HOUR_AGO, HOUR_AGO);
    const cacheFile = join(dir, 'c');
    const first = DiscoveryCache.load(cacheFile, 'fp');
    first.set('sql', file, fileStamp(file), { read: 1 });
    assert.equal(first.save(), true);
    // New bytes of the same size under a new stamp: the stamp misses and so does the hash.
    writeFileSync(file, 'select 2');
    const next = DiscoveryCache.load(cacheFile, 'fp');
    assert.equal(next.lookup('sql', file), undefined);
    // The old bytes back under yet another stamp: the hash matches, the read is served.
    writeFileSync(file, 'select 1');
    const again = DiscoveryCache.load(cacheFile, 'fp');
    assert.deepEqual(again.lookup('sql', file), { read: 1 });
    assert.equal(again.hits, 1);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('the reading code is compared by content: the same bytes built anew keep the cache, other bytes make it foreign', async () => {
  const { root, cacheFile } = workspace();
  const code = join(mkdtempSync(join(tmpdir(), 'asset-studio-cache-code-')), 'discovery-worker.js');
  try {
    // workers: false, so the worker file is only what the cache's fingerprint names.
    writeFileSync(code, '// build 1\n');
    const options = { workers: false, cacheFile, workerFile: code };
    assert.equal(await (await WorkspaceIndex.open(root, options)).flushCache(), true);
    // The same bytes written again, as a fresh clone's build writes them: a new stamp.
    rmSync(code);
    writeFileSync(code, '// build 1\n');
    utimesSync(code, HOUR_AGO, HOUR_AGO);
    assert.equal((await WorkspaceIndex.open(root, options)).cacheUse?.read, 0);
    writeFileSync(code, '// build 2\n');
    const other = await WorkspaceIndex.open(root, options);
    assert.equal(other.cacheUse?.hits, 0);
    assert.ok((other.cacheUse?.read ?? 0) > 10);
  } finally {
    rmSync(root, { recursive: true, force: true });
    rmSync(dirname(code), { recursive: true, force: true });
    rmSync(cacheFile, { force: true });
  }
});

test('a read whose file changed again before the save keeps no content hash: its next bytes are never taken for the ones read', () => {
  const dir = mkdtempSync(join(tmpdir(), 'asset-studio-cache-hash-race-'));
  const at = (minutes: number) => new Date(HOUR_AGO.getTime() + minutes * 60_000);
  try {
    const file = join(dir, 'a.sql');
    const cacheFile = join(dir, 'c');
    writeFileSync(file, 'select 1');
    utimesSync(file, at(0), at(0));
    const first = DiscoveryCache.load(cacheFile, 'fp');
    first.set('sql', file, fileStamp(file), { read: 1 });
    assert.equal(first.save(), true);
    // A start reads the file's new bytes...
    writeFileSync(file, 'select 2');
    utimesSync(file, at(1), at(1));
    const second = DiscoveryCache.load(cacheFile, 'fp');
    assert.equal(second.lookup('sql', file), undefined);
    second.keep('sql', file, { read: 2 });
    // ...and the file changes once more before that start saves.
    writeFileSync(file, 'select 3');
    utimesSync(file, at(2), at(2));
    assert.equal(second.save(), true);
    assert.equal(DiscoveryCache.load(cacheFile, 'fp').lookup('sql', file), undefined);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

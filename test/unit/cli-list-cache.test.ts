import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DiscoveryCache } from '../../src/core/discovery/discoveryCache';
import { fileStamp } from '../../src/core/discovery/fileStamp';
import { cli } from './cliRun';
import { HOUR_AGO, agedFixtures, sameSizeAndTime } from './cachedWorkspace';

const SQL = 'sql/assets/analytics/daily_trips.sql';

function workspace(): { dir: string; root: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'asset-studio-cli-cache-'));
  const root = join(dir, 'ws');
  agedFixtures(root, ['sql', 'dagster', 'dbt']);
  return { dir, root, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

const keys = (stdout: string) => (JSON.parse(stdout) as { assets: { key: string }[] }).assets.map((a) => a.key);

test('list --cache FILE writes the cache, lists the same as without it, and the next run reads the files from it', async () => {
  const { dir, root, cleanup } = workspace();
  try {
    const plain = await cli(['list', '--json', '--root', root], dir);
    assert.equal(plain.code, 0);
    const first = await cli(['list', '--json', '--cache', 'discovery.cache', '--root', root], dir);
    assert.equal(first.code, 0, first.stderr);
    assert.equal(first.stdout, plain.stdout);
    assert.ok(existsSync(join(dir, 'discovery.cache')), 'the relative path is under the current folder');
    const written = statSync(join(dir, 'discovery.cache')).mtimeMs;
    assert.equal((await cli(['list', '--json', '--cache', 'discovery.cache', '--root', root], dir)).stdout, plain.stdout);
    assert.equal(statSync(join(dir, 'discovery.cache')).mtimeMs, written, 'a run that changed nothing does not rewrite the cache');
    // An edit the stamp cannot see shows that the next run took the file's read from the cache.
    sameSizeAndTime(join(root, SQL), (t) => t.replace('daily_trips', 'daily_tripz'));
    const cached = await cli(['list', '--json', '--cache', 'discovery.cache', '--root', root], dir);
    assert.ok(keys(cached.stdout).includes('analytics/daily_trips'));
    assert.ok(keys((await cli(['list', '--json', '--root', root], dir)).stdout).includes('analytics/daily_tripz'));
    // ASSET_STUDIO_CACHE names the same file when --cache is not given, in text output too.
    const fromEnv = await cli(['list', '--root', root], dir, { ASSET_STUDIO_CACHE: join(dir, 'discovery.cache') });
    assert.match(fromEnv.stdout, /analytics\/daily_trips /);
  } finally {
    cleanup();
  }
});

test('a stale cache entry is read again: a file saved since the cache was written lists as it is now', async () => {
  const { dir, root, cleanup } = workspace();
  try {
    assert.equal((await cli(['list', '--json', '--cache', 'c', '--root', root], dir)).code, 0);
    const file = join(root, SQL);
    writeFileSync(file, readFileSync(file, 'utf8').replace('daily_trips', 'daily_trips_v2'));
    utimesSync(file, HOUR_AGO, new Date(Date.now() - 600_000));
    assert.ok(keys((await cli(['list', '--json', '--cache', 'c', '--root', root], dir)).stdout).includes('analytics/daily_trips_v2'));
  } finally {
    cleanup();
  }
});

test('a cache written by other code or for another folder is never trusted: the files are read, and the cache written anew', async () => {
  const { dir, root, cleanup } = workspace();
  try {
    const plain = (await cli(['list', '--json', '--root', root], dir)).stdout;
    // Another version's cache, with a read of every SQL file at its current stamp that says it holds nothing.
    const cacheFile = join(dir, 'foreign.cache');
    const foreign = DiscoveryCache.load(cacheFile, 'another version of asset-studio');
    const sqlFiles = readdirSync(join(root, 'sql'), { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.sql')).map((f) => join(root, 'sql', f));
    for (const f of sqlFiles) foreign.set('sql', f, fileStamp(f), { file: f, assets: [], problems: [] });
    assert.equal(foreign.save(), true);
    const before = readFileSync(cacheFile);
    assert.equal((await cli(['list', '--json', '--cache', cacheFile, '--root', root], dir)).stdout, plain);
    assert.ok(!readFileSync(cacheFile).equals(before), 'the foreign cache is replaced by this run’s');

    // This folder's cache given for a copy of it elsewhere: the copy lists as itself.
    const copy = join(dir, 'copy');
    cpSync(root, copy, { recursive: true, preserveTimestamps: true });
    sameSizeAndTime(join(copy, SQL), (t) => t.replace('daily_trips', 'daily_tripz'));
    assert.equal((await cli(['list', '--json', '--cache', cacheFile, '--root', root], dir)).stdout, plain);
    assert.ok(keys((await cli(['list', '--json', '--cache', cacheFile, '--root', copy], dir)).stdout).includes('analytics/daily_tripz'));
  } finally {
    cleanup();
  }
});

test('--cache naming a file that is not a discovery cache is an error, and the file is left as it was', async () => {
  const { dir, root, cleanup } = workspace();
  try {
    const notes = join(dir, 'notes.txt');
    writeFileSync(notes, 'my notes\n');
    const r = await cli(['list', '--json', '--cache', notes, '--root', root], dir);
    assert.equal(r.code, 2);
    assert.equal(r.stdout, '');
    assert.match(r.stderr, /--cache: .*notes\.txt is not a discovery cache \(it was left as it is\)/);
    assert.equal(readFileSync(notes, 'utf8'), 'my notes\n');
    const env = await cli(['list', '--root', root], dir, { ASSET_STUDIO_CACHE: notes });
    assert.equal(env.code, 2);
    assert.match(env.stderr, /ASSET_STUDIO_CACHE: .*notes\.txt is not a discovery cache/);
    assert.equal(readFileSync(notes, 'utf8'), 'my notes\n');
    assert.equal((await cli(['list', '--cache'], dir)).code, 2, '--cache needs a value');
    // A cache that cannot be written (its folder would be a file) leaves the listing as it is.
    const unwritable = await cli(['list', '--json', '--cache', join(notes, 'c'), '--root', root], dir);
    assert.equal(unwritable.code, 0);
    assert.equal(unwritable.stdout, (await cli(['list', '--json', '--root', root], dir)).stdout);
  } finally {
    cleanup();
  }
});

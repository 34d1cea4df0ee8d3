import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readAssetStates } from '../../src/core/engine/assetStates';
import { planMaterialization } from '../../src/core/engine/materializationPlan';
import { runPlan } from '../../src/core/engine/planRunner';
import { parseSelection } from '../../src/core/engine/selection';
import type { AssetRunOutcome } from '../../src/core/editorModel/assetRunOutcome';
import { TargetStateCache } from '../../src/core/editorModel/targetStateCache';
import type { TargetStateSource } from '../../src/core/editorModel/targetStateCache';
import type { AssetGraph } from '../../src/core/graph/assetGraph';
import type { TargetConfig } from '../../src/core/project/targetConfig';
import { duckTarget, sqlAsset, tempDir, testGraph } from './engineFixtures';

/** A cache over one folder's real DuckDB target; `hold` keeps the next read's answer until released. */
function cacheOn(root: string, graph: AssetGraph, target: TargetConfig) {
  const seen = { reads: 0, changes: 0, warnings: [] as string[] };
  let hold: Promise<void> | undefined;
  let failWith: string | undefined;
  const source: TargetStateSource = {
    current: (r) => (r === root ? { graph, target } : undefined),
    read: async (r, g, t) => {
      seen.reads++;
      // The read that starts next is the one held, whichever finishes reading first.
      const gate = hold;
      hold = undefined;
      if (failWith) throw new Error(failWith);
      const states = await readAssetStates(t, g, { projectRoot: r });
      if (gate) await gate;
      return states;
    },
    changed: () => seen.changes++,
    warn: (m) => seen.warnings.push(m),
  };
  const cache = new TargetStateCache(source);
  return {
    cache,
    seen,
    /** Holds the next read's answer; call the returned function to let it through. */
    holdNextRead(): () => void {
      let release!: () => void;
      hold = new Promise((resolve) => (release = resolve));
      return release;
    },
    failReads(message: string | undefined): void {
      failWith = message;
    },
  };
}

function outcome(key: string, status: AssetRunOutcome['status'], extra: Partial<AssetRunOutcome> = {}): AssetRunOutcome {
  return { key, status, checks: [], ...extra };
}

test('state cache: reads the target, takes a run\'s outcome at once, and reads again only after the last overlapping run', async () => {
  const { dir, cleanup } = tempDir('state-cache-');
  try {
    const target = duckTarget(dir);
    const graph = testGraph(dir, [sqlAsset({ name: 'a', sql: 'select 1 as x union all select 2' }), sqlAsset({ name: 'b', sql: 'select x from a', deps: ['a'] })]);
    const { cache, seen } = cacheOn(dir, graph, target);
    await cache.refresh([dir]);
    assert.deepEqual([...cache.states(dir, 'dev').values()].map((s) => s.status), ['never', 'never']);
    assert.equal(seen.changes, 1);

    const endFirst = cache.beginWrite(dir, 'dev');
    const endSecond = cache.beginWrite(dir, 'dev');
    await runPlan(planMaterialization(graph, parseSelection('a')), graph, target, { projectRoot: dir });
    cache.record(dir, 'dev', [outcome('a', 'success', { rows: 2 })], false, 1234);
    assert.deepEqual(cache.states(dir, 'dev').get('a'), { status: 'fresh', rows: 2, finishedAt: 1234, checks: new Map() });
    // While runs write, no read: the recorded outcome stands.
    await cache.refresh([dir]);
    assert.equal(seen.reads, 1);
    await endFirst();
    await endFirst(); // ending twice counts once
    assert.equal(seen.reads, 1, 'the second run still writes');
    await endSecond();
    assert.equal(seen.reads, 2);
    const a = cache.states(dir, 'dev').get('a');
    assert.equal(a?.status, 'fresh');
    assert.equal(a?.rows, 2);
    assert.notEqual(a?.finishedAt, 1234, 'what the target holds replaced what the run said');
    assert.equal(cache.states(dir, 'dev').get('b')?.status, 'never');
    // Another target of the same folder is another entry.
    assert.equal(cache.states(dir, 'prod').size, 0);
    assert.equal(cache.states(dir, undefined).size, 0);
  } finally {
    cleanup();
  }
});

test('state cache: a read overtaken by a write, or by forgetting the folder, is dropped', async () => {
  const { dir, cleanup } = tempDir('state-cache-');
  try {
    const target = duckTarget(dir);
    const graph = testGraph(dir, [sqlAsset({ name: 'a', sql: 'select 1 as x' })]);
    const { cache, seen, holdNextRead } = cacheOn(dir, graph, target);
    await cache.refresh([dir]);
    assert.equal(cache.states(dir, 'dev').get('a')?.status, 'never');

    // A read that started before the run wrote answers "never" after the run recorded "fresh": dropped.
    let release = holdNextRead();
    const stale = cache.refresh([dir]);
    const end = cache.beginWrite(dir, 'dev');
    await runPlan(planMaterialization(graph, parseSelection('a')), graph, target, { projectRoot: dir });
    cache.record(dir, 'dev', [outcome('a', 'success', { rows: 1 })], false);
    release();
    await stale;
    assert.equal(cache.states(dir, 'dev').get('a')?.status, 'fresh');
    await end();
    assert.equal(cache.states(dir, 'dev').get('a')?.status, 'fresh');

    // Of two reads, the later one wins even when the earlier one ends last.
    release = holdNextRead();
    const first = cache.refresh([dir]);
    await cache.refresh([dir]);
    const changes = seen.changes;
    release();
    await first;
    assert.equal(seen.changes, changes, 'the overtaken read changed nothing');

    // A folder forgotten while its read runs gets nothing back.
    release = holdNextRead();
    const forgotten = cache.refresh([dir]);
    cache.forget(dir);
    release();
    await forgotten;
    assert.equal(cache.states(dir, 'dev').size, 0);
  } finally {
    cleanup();
  }
});

test('state cache: a target that cannot be read warns with its name and reads as empty, keeping what was read before', async () => {
  const { dir, cleanup } = tempDir('state-cache-');
  try {
    const target = duckTarget(dir);
    const graph = testGraph(dir, [sqlAsset({ name: 'a', sql: 'select 1 as x' })]);
    const { cache, seen, failReads } = cacheOn(dir, graph, target);
    failReads('IO Error: Could not set lock on file');
    await cache.refresh([dir, '/not/a/folder']);
    assert.equal(seen.reads, 1, 'a folder without a graph or target is not read');
    assert.match(seen.warnings[0] ?? '', /State of target 'dev' could not be read: IO Error: Could not set lock/);
    assert.equal(cache.states(dir, 'dev').size, 0);
    assert.equal(seen.changes, 1);
    failReads(undefined);
    await cache.refresh([dir]);
    assert.equal(cache.states(dir, 'dev').get('a')?.status, 'never');
    // A later failure keeps the states read before.
    failReads('IO Error: busy');
    await cache.refresh([dir]);
    assert.equal(cache.states(dir, 'dev').get('a')?.status, 'never');
    assert.equal(seen.changes, 2);
  } finally {
    cleanup();
  }
});

test('state cache: a failed run keeps the row count, a checks-only run keeps the status, skipped and cancelled change nothing', () => {
  const changes: number[] = [];
  const cache = new TargetStateCache({ current: () => undefined, read: async () => new Map(), changed: () => changes.push(1), warn: () => undefined });
  const passed = { name: 'not_null_x', passed: true } as AssetRunOutcome['checks'][number];
  const failedCheck = { name: 'unique_x', passed: false } as AssetRunOutcome['checks'][number];
  cache.record('/w', 'dev', [outcome('a', 'success', { rows: 5, checks: [passed] }), outcome('b', 'skipped'), outcome('c', 'cancelled')], false, 10);
  cache.record('/w', 'dev', [outcome('a', 'failed', { error: 'Binder Error', errorLine: 7 })], false, 20);
  let a = cache.states('/w', 'dev').get('a');
  assert.deepEqual({ ...a, checks: [...(a?.checks?.keys() ?? [])] }, { status: 'failed', rows: 5, finishedAt: 20, error: 'Binder Error', errorLine: 7, checks: ['not_null_x'] });
  assert.equal(cache.states('/w', 'dev').has('b'), false);
  assert.equal(cache.states('/w', 'dev').has('c'), false);
  cache.record('/w', 'dev', [outcome('a', 'success', { checks: [failedCheck] })], true, 30);
  a = cache.states('/w', 'dev').get('a');
  assert.equal(a?.status, 'failed');
  assert.equal(a?.finishedAt, 20);
  assert.deepEqual([...(a?.checks?.values() ?? [])].map((c) => `${c.name}:${c.passed}`), ['not_null_x:true', 'unique_x:false']);
  cache.record('/w', 'dev', [outcome('new', 'success', { checks: [passed] })], true, 40);
  assert.equal(cache.states('/w', 'dev').get('new')?.status, 'never');
  assert.equal(changes.length, 4);
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { appendFileSync, cpSync, existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { EngineEvent } from '../../src/core/engine/engineEvents';
import { planMaterialization } from '../../src/core/engine/materializationPlan';
import { runPlan } from '../../src/core/engine/planRunner';
import { parseSelection } from '../../src/core/engine/selection';
import { duckTarget, queryFile, sqlAsset, tempDir, testGraph } from './engineFixtures';
import { cli } from './cliRun';

function digest(path: string): string {
  return createHash('sha256').update(readFileSync(path)).digest('hex');
}

// Upstream in a schema with a quote in its name; a CTE named like a prod table must stay the CTE.
const DEFS = [
  sqlAsset({ name: 'we"ird.events', sql: 'select range as id, range % 3 as kind from range(30)' }, '/tmp/defer/events.sql'),
  sqlAsset({ name: 'ref.kinds', sql: "select * from (values (0, 'zero'), (1, 'one'), (2, 'two')) as v(kind, label)" }, '/tmp/defer/kinds.sql'),
  sqlAsset(
    {
      name: 'marts.by_kind',
      sql: 'with kinds as (select 99 as kind, \'cte\' as label)\nselect k.label, count(*) as n, (select count(*) from kinds) as from_cte\nfrom "we""ird".events as e join ref.kinds as k using (kind)\ngroup by all order by all',
      deps: ['we"ird.events', 'ref.kinds'],
      checks: [{ name: 'labels_known', type: 'relationships', config: { column: 'label', to: 'ref.kinds', field: 'label' } }],
    },
    '/tmp/defer/by_kind.sql',
  ),
];

test('--defer: a dev build reads the upstream dev lacks from prod, attached read-only; prod is not written; what dev has wins', async () => {
  const { dir, cleanup } = tempDir('defer-');
  try {
    const graph = testGraph(dir, DEFS);
    const dev = duckTarget(dir, { name: 'dev', path: join(dir, 'dev.duckdb') });
    const prod = duckTarget(dir, { name: 'prod', path: join(dir, 'prod.duckdb'), protected: true });
    const all = await runPlan(planMaterialization(graph, parseSelection('*')), graph, prod, { projectRoot: dir });
    assert.deepEqual(all.runs.map((r) => r.status), ['success', 'success', 'success'], JSON.stringify(all.runs));
    const before = digest(prod.path!);

    const events: EngineEvent[] = [];
    const result = await runPlan(planMaterialization(graph, parseSelection('marts.by_kind')), graph, dev, { projectRoot: dir, deferTo: prod, onEvent: (e) => events.push(e) });
    assert.equal(result.runs[0]!.status, 'success', result.runs[0]!.error);
    assert.equal(result.runs[0]!.checks[0]!.passed, true, 'the relationships check read ref.kinds from prod too');
    const built = await queryFile(dev.path!, 'select label, n, from_cte from marts.by_kind order by label');
    assert.deepEqual(built, [
      { label: 'one', n: '10', from_cte: '1' },
      { label: 'two', n: '10', from_cte: '1' },
      { label: 'zero', n: '10', from_cte: '1' },
    ]);
    const devTables = await queryFile(dev.path!, "select schema_name || '.' || table_name as t from duckdb_tables() where schema_name <> '_asset_studio' order by 1");
    assert.deepEqual(devTables, [{ t: 'marts.by_kind' }], 'nothing upstream was copied into dev');
    assert.equal(digest(prod.path!), before, 'prod is byte for byte as it was');
    const said = events.filter((e): e is Extract<EngineEvent, { type: 'log' }> => e.type === 'log' && e.deferred !== undefined).map((e) => e.deferred);
    assert.deepEqual(said.map((d) => [d!.relation, d!.readFrom]).sort(), [
      ['ref.kinds', 'prod:ref.kinds'],
      ['we"ird.events', 'prod:we"ird.events'],
    ]);

    // Once dev has its own ref.kinds (different labels), dev's is read, and only events is deferred.
    const kindsOnDev = testGraph(dir, [
      DEFS[0]!,
      sqlAsset({ name: 'ref.kinds', sql: "select * from (values (0, 'ZERO'), (1, 'ONE'), (2, 'TWO')) as v(kind, label)" }, '/tmp/defer/kinds.sql'),
      DEFS[2]!,
    ]);
    const second = await runPlan(planMaterialization(kindsOnDev, parseSelection('ref.kinds marts.by_kind')), kindsOnDev, dev, {
      projectRoot: dir,
      deferTo: prod,
    });
    assert.deepEqual(second.runs.map((r) => [r.key, r.status]), [
      ['ref/kinds', 'success'],
      ['marts/by_kind', 'success'],
    ]);
    const relabelled = await queryFile(dev.path!, 'select label from marts.by_kind order by label');
    assert.deepEqual(relabelled.map((r) => r['label']), ['ONE', 'TWO', 'ZERO']);
    assert.equal(digest(prod.path!), before);
  } finally {
    cleanup();
  }
});

test('without --defer the same build fails on the missing upstream, and a missing deferred file names its target', async () => {
  const { dir, cleanup } = tempDir('defer-');
  try {
    const graph = testGraph(dir, DEFS);
    const dev = duckTarget(dir, { name: 'dev', path: join(dir, 'dev.duckdb') });
    const plan = planMaterialization(graph, parseSelection('marts.by_kind'));
    const alone = await runPlan(plan, graph, dev, { projectRoot: dir });
    assert.equal(alone.runs[0]!.status, 'failed');
    assert.match(alone.runs[0]!.error!, /we"ird|events|kinds/i);
    const ghost = duckTarget(dir, { name: 'prod', path: join(dir, 'never-built.duckdb') });
    await assert.rejects(runPlan(plan, graph, dev, { projectRoot: dir, deferTo: ghost }), /Deferring to target 'prod'/);
    assert.equal(existsSync(ghost.path!), false, 'deferring never creates the deferred database');
  } finally {
    cleanup();
  }
});

const SHOP = join(import.meta.dirname, '../fixtures/dbt/shop_duckdb');

test('--defer with dbt: ref() of a model dev has not built reads prod\'s relation (another schema there), tests too; prod unchanged', async () => {
  const { dir, cleanup } = tempDir('defer-dbt-');
  try {
    const root = join(dir, 'shop');
    cpSync(SHOP, root, { recursive: true, filter: (src) => !src.endsWith('.duckdb') });
    // prod builds into schema `analytics`: dev's "shop"."main"."stg_orders" is prod's "shop_prod"."analytics"."stg_orders".
    appendFileSync(join(root, 'profiles.yml'), '    prod:\n      type: duckdb\n      path: shop_prod.duckdb\n      schema: analytics\n      threads: 2\n');
    const prodBuild = await cli(['materialize', '*', '--target', 'prod', '--confirm', 'prod', '--json', '--root', root], dir);
    assert.equal(prodBuild.code, 0, prodBuild.stdout + prodBuild.stderr);
    const prodFile = join(root, 'shop_prod.duckdb');
    const before = digest(prodFile);

    const refused = await cli(['materialize', 'orders', '--json', '--root', root], dir);
    assert.equal(refused.code, 1, 'without --defer, orders has no upstream on dev');

    const run = await cli(['materialize', 'orders', '--defer', 'prod', '--root', root], dir);
    assert.equal(run.code, 0, run.stdout + run.stderr);
    assert.match(run.stdout, /✓ orders {2}success .*checks 6\/6 passed/);
    assert.match(run.stdout, /read main\.stg_orders from prod:analytics\.stg_orders \(deferred\)/);
    assert.match(run.stdout, /read main\.payments from prod:analytics\.payments \(deferred\)/);
    assert.match(run.stdout, /read main\.stg_customers from prod:analytics\.stg_customers \(deferred\)/, 'the relationships test read prod too');

    const devFile = join(root, 'shop.duckdb');
    const devRows = await queryFile(devFile, 'SELECT order_id, customer_id, status, amount FROM main_marts.orders ORDER BY order_id');
    const prodRows = await queryFile(prodFile, 'SELECT order_id, customer_id, status, amount FROM analytics_marts.orders ORDER BY order_id');
    assert.ok(devRows.length > 0);
    assert.deepEqual(devRows, prodRows);
    const devRelations = await queryFile(devFile, "SELECT schema_name || '.' || table_name AS r FROM duckdb_tables() WHERE schema_name <> '_asset_studio' UNION ALL SELECT schema_name || '.' || view_name FROM duckdb_views() WHERE NOT internal ORDER BY 1");
    assert.deepEqual(devRelations, [{ r: 'main_marts.orders' }]);
    assert.equal(digest(prodFile), before, 'prod is byte for byte as it was');
  } finally {
    cleanup();
  }
});

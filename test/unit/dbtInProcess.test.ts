import { test } from 'node:test';
import assert from 'node:assert/strict';
import { appendFileSync, cpSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { loadDbtRunProject } from '../../src/core/dbt/dbtRunProject';
import { DbtModelCompiler } from '../../src/core/dbt/dbtModelCompiler';
import { materializeSelection } from '../../src/core/engine/materializeWorkspace';
import { readAssetStates } from '../../src/core/engine/assetStates';
import { assetLenses } from '../../src/core/editorModel/assetLensModel';
import { loadWorkspace } from '../../src/core/engine/materializeWorkspace';
import type { TargetConfig } from '../../src/core/project/targetConfig';
import { queryFile, tempDir } from './engineFixtures';
import { cli } from './cliRun';

// A dbt-duckdb project in the style of dbt's documentation (jaffle shop): seeds,
// staging views, marts tables in a custom schema, an ephemeral and an incremental
// model, a project macro, a project generic test, var/env_var, an external source.
const FIXTURE = resolve(import.meta.dirname, '../fixtures/dbt/shop_duckdb');

function copyShop(dir: string): string {
  const root = join(dir, 'shop');
  cpSync(FIXTURE, root, { recursive: true, filter: (src) => !src.endsWith('.duckdb') });
  return root;
}

function devTarget(root: string): TargetConfig {
  return { name: 'dev', type: 'duckdb', path: join(root, 'shop.duckdb'), schema: 'main', threads: 2, env: {}, protected: false, from: 'dbt-profile' };
}

test('dbt compile: relations, macros, aliases, custom schemas, vars and ephemeral CTEs as dbt-duckdb compiles them', async () => {
  const { dir, cleanup } = tempDir('dbt-compile-');
  try {
    const root = copyShop(dir);
    const compiler = new DbtModelCompiler(await loadDbtRunProject(root), { target: devTarget(root), env: {} });
    const payments = compiler.compile('stg_payments', false);
    assert.ok(payments.ok, JSON.stringify(payments));
    // config(alias=...) names the view; the macro renders in place; refs carry the database (the file's stem).
    assert.deepEqual(payments.value.plan.relation, { database: 'shop', schema: 'main', identifier: 'payments' });
    assert.equal(payments.value.plan.materialized, 'view');
    assert.equal(
      payments.value.rendered,
      '\n\nselect\n    id as payment_id,\n    order_id,\n    payment_method,\n    round(amount / 100, 2) as amount\nfrom "shop"."main"."raw_payments"',
    );

    const orders = compiler.compile('orders', false);
    assert.ok(orders.ok, JSON.stringify(orders));
    // +schema: marts under a top-level +materialized: view → table in <target schema>_marts.
    assert.deepEqual(orders.value.plan.relation, { database: 'shop', schema: 'main_marts', identifier: 'orders' });
    assert.equal(orders.value.plan.materialized, 'table');
    assert.equal(
      orders.value.sql,
      'WITH __dbt__cte__int_order_payments AS (\n\n\nselect\n    order_id,\n    ' +
        "sum(case when payment_method = 'credit_card' then amount else 0 end) as credit_card_amount,\n    " +
        "sum(case when payment_method = 'coupon' then amount else 0 end) as coupon_amount,\n    " +
        "sum(case when payment_method = 'bank_transfer' then amount else 0 end) as bank_transfer_amount,\n    " +
        'sum(amount) as total_amount\nfrom "shop"."main"."payments"\ngroup by order_id\n)\nSELECT * FROM (\n\n' +
        'select\n    o.order_id,\n    o.customer_id,\n    o.order_date,\n    o.status,\n    p.total_amount as amount,\n' +
        "    'eu' as region\nfrom \"shop\".\"main\".\"stg_orders\" as o\nleft join __dbt__cte__int_order_payments as p using (order_id)\n) AS __dbt_model",
    );

    const events = compiler.compile('order_events', true);
    assert.ok(events.ok, JSON.stringify(events));
    assert.equal(events.value.isIncremental, true);
    assert.equal(events.value.incremental?.uniqueKey, 'event_id');
    assert.equal(events.value.incremental?.strategy, 'delete+insert');
    assert.match(events.value.sql, /where event_at > \(select max\(event_at\) from "shop"\."main_marts"\."order_events"\)/);
    const first = compiler.compile('order_events', false);
    assert.ok(first.ok);
    assert.doesNotMatch(first.value.sql, /where event_at/);

    const source = compiler.sourceRelation('events', 'order_events');
    assert.equal(source, "read_csv('data/order_events.csv', header = true)");

    // flags.FULL_REFRESH follows --full-refresh, as in dbt.
    const fullRefresh = new DbtModelCompiler(await loadDbtRunProject(root), { target: devTarget(root), env: {}, fullRefresh: true });
    assert.deepEqual(fullRefresh.renderIn(join(root, 'models/marts/orders.sql'), '{{ flags.FULL_REFRESH }}'), { ok: true, value: 'true' });
    assert.deepEqual(compiler.renderIn(join(root, 'models/marts/orders.sql'), '{{ flags.FULL_REFRESH }}'), { ok: true, value: 'false' });

    const withEnv = new DbtModelCompiler(await loadDbtRunProject(root), { target: devTarget(root), env: { SHOP_REGION: 'us' } }).compile('orders', false);
    assert.ok(withEnv.ok);
    assert.match(withEnv.value.sql, /'us' as region/);
  } finally {
    cleanup();
  }
});

test("dbt compile: this.schema, this.identifier, this.database and this.name read the model's relation, in a model and in a macro; this stays the quoted relation", async () => {
  const { dir, cleanup } = tempDir('dbt-this-');
  try {
    const root = copyShop(dir);
    writeFileSync(join(root, 'macros/this_name.sql'), '{% macro this_name() %}{{ this.name }}{% endmacro %}\n');
    writeFileSync(
      join(root, 'models/marts/this_attrs.sql'),
      "select '{{ this.schema }}' as s,\n  '{{ this.identifier }}' as i, '{{ this.database }}' as d, '{{ this_name() }}' as n,\n  '{{ this }}' as whole -- this.schema outside a tag stays\n",
    );
    const compiler = new DbtModelCompiler(await loadDbtRunProject(root), { target: devTarget(root), env: {} });
    const made = compiler.compile('this_attrs', false);
    assert.ok(made.ok, JSON.stringify(made));
    assert.equal(
      made.value.rendered,
      `select 'main_marts' as s,\n  'this_attrs' as i, 'shop' as d, 'this_attrs' as n,\n  '"shop"."main_marts"."this_attrs"' as whole -- this.schema outside a tag stays`,
    );
  } finally {
    cleanup();
  }
});

test('dbt in-process: the whole project builds with no dbt installed, table for table, and an incremental run loads only new rows', async () => {
  const { dir, cleanup } = tempDir('dbt-run-');
  try {
    const root = copyShop(dir);
    const run = await cli(['materialize', '*', '--json', '--root', root], dir);
    assert.equal(run.code, 0, run.stdout + run.stderr);
    const runs = JSON.parse(run.stdout).runs as { key: string; status: string; runner?: string; checks: { passed: boolean }[] }[];
    assert.ok(runs.every((r) => r.status === 'success'), run.stdout);
    assert.ok(runs.every((r) => r.runner === 'in-process'), run.stdout);
    const orders = runs.find((r) => r.key === 'orders')!;
    assert.equal(orders.checks.length, 6);
    assert.ok(orders.checks.every((c) => c.passed));

    const db = join(root, 'shop.duckdb');
    const customers = await queryFile(db, 'SELECT customer_id, first_name, number_of_orders, CAST(lifetime_value AS DOUBLE) AS lv FROM "main_marts"."customers" ORDER BY customer_id');
    assert.deepEqual(customers, [
      { customer_id: 1, first_name: 'Michael', number_of_orders: '2', lv: 35 },
      { customer_id: 2, first_name: 'Shawn', number_of_orders: '1', lv: 26 },
      { customer_id: 3, first_name: 'Kathleen', number_of_orders: '1', lv: 20 },
    ]);
    // Seeds typed as dbt's agate inference types them (whole numbers INTEGER), column_types winning.
    const types = await queryFile(db, "SELECT table_name, column_name, data_type FROM information_schema.columns WHERE table_name IN ('raw_orders', 'raw_payments') AND column_name IN ('id', 'order_date', 'amount') ORDER BY 1, 2");
    assert.deepEqual(types, [
      { table_name: 'raw_orders', column_name: 'id', data_type: 'INTEGER' },
      { table_name: 'raw_orders', column_name: 'order_date', data_type: 'DATE' },
      { table_name: 'raw_payments', column_name: 'amount', data_type: 'BIGINT' },
      { table_name: 'raw_payments', column_name: 'id', data_type: 'INTEGER' },
    ]);
    const views = await queryFile(db, "SELECT table_schema, table_name, table_type FROM information_schema.tables WHERE table_name IN ('payments', 'stg_orders', 'orders', 'int_order_payments') ORDER BY 2");
    assert.deepEqual(views, [
      { table_schema: 'main_marts', table_name: 'orders', table_type: 'BASE TABLE' },
      { table_schema: 'main', table_name: 'payments', table_type: 'VIEW' },
      { table_schema: 'main', table_name: 'stg_orders', table_type: 'VIEW' },
    ]);

    appendFileSync(join(root, 'data/order_events.csv'), '4,3,2018-01-04 08:00:00,created\n');
    const again = await cli(['materialize', 'order_events', '--json', '--root', root], dir);
    assert.equal(again.code, 0, again.stdout);
    assert.equal(JSON.parse(again.stdout).runs[0].rows, 1);
    assert.deepEqual(await queryFile(db, 'SELECT count(*)::INT AS n FROM "main_marts"."order_events"'), [{ n: 4 }]);
    const full = await cli(['materialize', 'order_events', '--full-refresh', '--json', '--root', root], dir);
    assert.equal(JSON.parse(full.stdout).runs[0].rows, 4);

    // The run history says who built each model, and its state lens says it.
    const ws = await loadWorkspace(root);
    const states = await readAssetStates(devTarget(root), ws.graph, { projectRoot: root });
    assert.equal(states.get('orders')?.builtBy, 'in-process');
    const lens = assetLenses(ws.graph.nodes.get('orders')!, states.get('orders'), 'dev', Date.now()).at(-1)!;
    assert.match(lens.title, / · in-process$/);
    assert.match(lens.tooltip ?? '', /Built in-process by Asset Studio/);
  } finally {
    cleanup();
  }
});

test('dbt in-process: a failing error-severity test rolls the model back, keeps its previous data and skips what depends on it', async () => {
  const { dir, cleanup } = tempDir('dbt-block-');
  try {
    const root = copyShop(dir);
    assert.equal((await cli(['materialize', '*', '--root', root], dir)).code, 0);
    const csv = join(root, 'seeds/raw_orders.csv');
    writeFileSync(csv, readFileSync(csv, 'utf8').replace('4,1,2018-01-05,placed', '4,1,2018-01-05,lost'));
    const run = await cli(['materialize', '+customers', '--json', '--root', root], dir);
    assert.notEqual(run.code, 0);
    const runs = JSON.parse(run.stdout).runs as { key: string; status: string; checks: { name: string; passed: boolean; failing_rows: number }[] }[];
    const orders = runs.find((r) => r.key === 'orders')!;
    assert.equal(orders.status, 'failed');
    const accepted = orders.checks.find((c) => c.name.startsWith('accepted_values_orders_status'))!;
    assert.equal(accepted.passed, false);
    assert.equal(accepted.failing_rows, 1);
    assert.equal(runs.find((r) => r.key === 'customers')!.status, 'skipped');
    // The previous orders table is untouched: no 'lost' status landed.
    assert.deepEqual(await queryFile(join(root, 'shop.duckdb'), `SELECT count(*)::INT AS n FROM "main_marts"."orders" WHERE status = 'lost'`), [{ n: 0 }]);
  } finally {
    cleanup();
  }
});

test('dbt in-process: a relationships test reads its other parent after the plan built it; alone, it could not run and says what to build', async () => {
  const { dir, cleanup } = tempDir('dbt-test-parent-');
  try {
    const root = copyShop(dir);
    // orders' relationships test reads stg_customers, which orders does not ref: key order alone would build orders first.
    const run = await cli(['materialize', '+customers', '--json', '--root', root], dir);
    assert.equal(run.code, 0, run.stdout + run.stderr);
    const keys = (JSON.parse(run.stdout).runs as { key: string }[]).map((r) => r.key);
    assert.ok(keys.indexOf('stg_customers') < keys.indexOf('orders'), keys.join(' '));
    // Alone, orders' test reads a stg_customers that was never built: it could not run, and says what to build.
    const { dir: dir2, cleanup: cleanup2 } = tempDir('dbt-test-parent-alone-');
    try {
      const fresh = copyShop(dir2);
      const alone = await cli(['materialize', '+orders', '--root', fresh], dir2);
      assert.notEqual(alone.code, 0);
      assert.match(alone.stdout, /relationships_orders_customer_id.*stg_customers does not exist on this target; materialize it first \(models\/marts\/schema\.yml:17\)/);
    } finally {
      cleanup2();
    }
  } finally {
    cleanup();
  }
});

test('dbt in-process: a run creates each schema its models write to once, not once per model', async () => {
  const { dir, cleanup } = tempDir('dbt-schema-once-');
  try {
    const root = copyShop(dir);
    const statements: string[] = [];
    const { result } = await materializeSelection(root, ['*'], { env: {}, onEvent: (e) => e.type === 'statement' && statements.push(e.sql) });
    assert.ok(result.runs.every((r) => r.status === 'success'), JSON.stringify(result.runs));
    // Three models write to main_marts: one CREATE SCHEMA for all of them.
    const marts = result.runs.filter((r) => ['orders', 'customers', 'order_events'].includes(r.key));
    assert.equal(marts.length, 3);
    assert.equal(statements.filter((s) => s === 'CREATE SCHEMA IF NOT EXISTS "main_marts"').length, 1);
  } finally {
    cleanup();
  }
});

test('dbt in-process: what needs dbt says so at its line; a project generate_schema_name override names the schemas', async () => {
  const { dir, cleanup } = tempDir('dbt-needs-');
  try {
    const root = copyShop(dir);
    writeFileSync(
      join(root, 'models/staging/stg_dynamic.sql'),
      "select 1 as a\n{% set rows = run_query('select 1') %}\nfrom {{ ref('stg_orders') }}\n",
    );
    const inProcess = await materializeSelection(root, ['stg_dynamic'], { dbtRunner: 'in-process', env: {} });
    const r = inProcess.result.runs[0]!;
    assert.equal(r.status, 'failed');
    assert.match(r.error!, /run_query/);
    assert.equal(r.location?.line, 2);
    assert.match(r.location!.file, /stg_dynamic\.sql$/);
    // auto gives it to dbt, which is not installed here: the message says which tool is missing.
    const auto = await materializeSelection(root, ['stg_dynamic'], { env: {}, pythonPath: '/nonexistent/python3' });
    assert.equal(auto.result.runs[0]!.status, 'failed');
    assert.match(auto.result.runs[0]!.error!, /dbt/);

    mkdirSync(join(root, 'macros'), { recursive: true });
    writeFileSync(
      join(root, 'macros/generate_schema_name.sql'),
      '{% macro generate_schema_name(custom_schema_name, node) -%}\n  {%- if custom_schema_name is none -%}{{ target.schema }}{%- else -%}{{ custom_schema_name | trim }}{%- endif -%}\n{%- endmacro %}\n',
    );
    const compiler = new DbtModelCompiler(await loadDbtRunProject(root), { target: devTarget(root), env: {} });
    const orders = compiler.compile('orders', false);
    assert.ok(orders.ok, JSON.stringify(orders));
    assert.equal(orders.value.plan.relation.schema, 'marts');
    const staging = compiler.compile('stg_orders', false);
    assert.ok(staging.ok);
    assert.equal(staging.value.plan.relation.schema, 'main');
  } finally {
    cleanup();
  }
});

test('dbt discovery: configs directly under models: count (a top-level +materialized: table makes tables)', async () => {
  const { dir, cleanup } = tempDir('dbt-top-');
  try {
    const root = join(dir, 'p');
    mkdirSync(join(root, 'models'), { recursive: true });
    writeFileSync(join(root, 'dbt_project.yml'), 'name: p\nprofile: p\nmodels:\n  +materialized: table\n');
    writeFileSync(join(root, 'models/a.sql'), 'select 1 as x\n');
    const listed = await cli(['list', '--json', '--root', root], dir);
    const a = JSON.parse(listed.stdout).assets.find((x: { key: string }) => x.key === 'a');
    assert.equal(a.kind, 'table');
  } finally {
    cleanup();
  }
});

test('asset-studio compile prints the SQL that runs, answers is_incremental from the target, takes --vars, and a render error at its line', async () => {
  const { dir, cleanup } = tempDir('dbt-cli-compile-');
  try {
    const root = copyShop(dir);
    const before = await cli(['compile', 'order_events', '--json', '--root', root], dir);
    assert.equal(before.code, 0, before.stderr);
    assert.equal(JSON.parse(before.stdout).is_incremental, false);
    assert.equal(JSON.parse(before.stdout).relation, '"shop"."main_marts"."order_events"');
    assert.equal((await cli(['materialize', '+order_events', '--root', root], dir)).code, 0);
    const after = await cli(['compile', 'order_events', '--root', root], dir);
    assert.match(after.stdout, /where event_at > \(select max\(event_at\) from "shop"\."main_marts"\."order_events"\)/);

    // --vars wins over dbt_project.yml's vars:, as in dbt; what is not a mapping says what to write.
    const cash = await cli(['compile', 'int_order_payments', '--vars', '{payment_methods: [cash]}', '--root', root], dir);
    assert.equal(cash.code, 0, cash.stderr);
    assert.match(cash.stdout, /payment_method = 'cash'/);
    assert.doesNotMatch(cash.stdout, /credit_card/);
    const badVars = await cli(['materialize', 'orders', '--vars', '[cash]', '--root', root], dir);
    assert.equal(badVars.code, 2);
    assert.match(badVars.stderr, /--vars must be a mapping/);

    writeFileSync(join(root, 'models/staging/broken.sql'), "select 1 as a\nfrom {{ ref('stg_orders' }}\n");
    const broken = await cli(['compile', 'broken', '--root', root], dir);
    assert.equal(broken.code, 1);
    assert.match(broken.stderr, /^models\/staging\/broken\.sql:2: syntax error/);
  } finally {
    cleanup();
  }
});

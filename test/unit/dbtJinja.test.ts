import { test } from 'node:test';
import assert from 'node:assert/strict';
import { findJinjaCalls, findSnapshotBlocks, jinjaBlocks } from '../../src/core/discovery/dbt/jinjaCalls';
import { genericTestName } from '../../src/core/discovery/dbt/dbtTestNames';

test('ref, two-argument ref, versioned ref and source are found with exact positions', () => {
  const text = [
    "select * from {{ ref('orders') }}", // 1
    'join {{ ref("jaffle", "customers") }} using (id)', // 2
    "join {{ref('payments', v=2)}} p", // 3
    "  join {{ source('raw', 'taxi_trips') }} t", // 4
  ].join('\n');
  const calls = findJinjaCalls(text);
  assert.deepEqual(
    calls.map((c) => [c.name, c.args, c.kwargs, c.line, c.column]),
    [
      ['ref', ['orders'], {}, 1, 18],
      ['ref', ['jaffle', 'customers'], {}, 2, 9],
      ['ref', ['payments'], { v: 2 }, 3, 8],
      ['source', ['raw', 'taxi_trips'], {}, 4, 11],
    ],
  );
  assert.equal(calls[0].endColumn, 31, 'end is after the closing parenthesis');
});

test('Jinja comments, strings holding }} and other objects\' ref methods are not dependencies', () => {
  const text = [
    "{# {{ ref('commented_out') }} #}",
    "select '}}' as x, {{ ref('real') }}",
    "{% set s = \"{{ ref('in_a_string') }}\" %}",
    "{{ my_macro.ref('not_dbt') }} {{ builtins.ref('builtin') }}",
    "{{- ref('trimmed') -}}",
  ].join('\n');
  const names = findJinjaCalls(text).map((c) => `${c.name}:${String(c.args[c.args.length - 1])}:${c.line}`);
  assert.deepEqual(names, ['ref:real:2', 'ref:builtin:4', 'ref:trimmed:5']);
});

test('a statement block and a multi-line config call are read; dynamic arguments are flagged, not guessed', () => {
  const text = [
    '{{',
    '  config(',
    "    materialized='incremental',",
    '    enabled=true,',
    "    meta={'dagster': {'group': 'marts'}}",
    '  )',
    '}}',
    "{% set upstream = ref(var('upstream_model')) %}",
  ].join('\n');
  const calls = findJinjaCalls(text);
  assert.equal(calls.length, 2);
  assert.deepEqual(calls[0].kwargs, { materialized: 'incremental', enabled: true, meta: { dagster: { group: 'marts' } } });
  assert.equal(calls[0].line, 2);
  assert.equal(calls[0].endLine, 6);
  assert.equal(calls[1].name, 'ref');
  assert.equal(calls[1].dynamic, true);
  assert.equal(calls[1].line, 8);
});

test('an unclosed block does not hang or throw and still yields what it can', () => {
  const calls = findJinjaCalls("select 1 {{ ref('a') ");
  assert.equal(calls.length, 1);
  assert.equal(calls[0].args[0], 'a');
  assert.equal(jinjaBlocks('{{').length, 1);
  assert.deepEqual(findJinjaCalls('{# never closed'), []);
});

test('snapshot blocks are named', () => {
  const text = "{% snapshot orders_snapshot %}\nselect 1\n{% endsnapshot %}\n{%- snapshot  second -%}{% endsnapshot %}";
  assert.deepEqual(findSnapshotBlocks(text).map((b) => b.name), ['orders_snapshot', 'second']);
});

test('generic test names are the ones dbt gives (jaffle_shop manifest values)', () => {
  assert.equal(genericTestName('not_null', undefined, 'orders', { column_name: 'order_id' }, false).name, 'not_null_orders_order_id');
  assert.equal(
    genericTestName('relationships', undefined, 'orders', { column_name: 'customer_id', to: "ref('customers')", field: 'customer_id' }, false).name,
    'relationships_orders_customer_id__customer_id__ref_customers_',
  );
  // dbt-core's own test of jaffle_shop: name is the full name, the alias is shortened with an md5.
  const long = genericTestName(
    'accepted_values',
    undefined,
    'orders',
    { column_name: 'status', values: ['placed', 'shipped', 'completed', 'return_pending', 'returned'] },
    false,
  );
  assert.equal(long.name, 'accepted_values_orders_status__placed__shipped__completed__return_pending__returned');
  assert.equal(long.shortName, 'accepted_values_orders_1ce6ab157c285f7cd2ac656013faf758');
  assert.equal(genericTestName('unique', undefined, 'raw_taxi_trips', { column_name: 'trip_id' }, true).name, 'source_unique_raw_taxi_trips_trip_id');
  assert.equal(
    genericTestName('unique_combination_of_columns', 'dbt_utils', 'orders', { combination_of_columns: ['a', 'b'] }, false).name,
    'dbt_utils_unique_combination_of_columns_orders_a__b',
  );
});

test('a dict literal holding }} stays inside its block; an unbalanced bracket does not swallow the file', () => {
  const calls = findJinjaCalls("{{ config(meta={'dagster': {'group': 'g'}}) }}\n{{ ref('a' }}\nselect {{ ref('b') }}");
  assert.deepEqual(calls.map((c) => [c.name, c.line]), [['config', 1], ['ref', 2], ['ref', 3]]);
  assert.deepEqual(calls[0].kwargs, { meta: { dagster: { group: 'g' } } });
});

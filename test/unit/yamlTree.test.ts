import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseYamlTree, yamlToJs } from '../../src/core/yamlTree';
import { child } from '../../src/core/discovery/dbt/yamlDocument';
import type { YamlNode } from '../../src/core/yamlTree';

const slice = (text: string, n: YamlNode | null | undefined) => (n ? text.slice(n.start, n.end) : undefined);

test('values follow the YAML 1.2 core schema', () => {
  const text = [
    'name: analytics.daily_trips   # a comment',
    'n: 12',
    'hex: 0x1F',
    'f: 2.5',
    'exp: 1e3',
    'yes_is_text: yes',
    'flag: true',
    'nothing: ~',
    'empty:',
    'quoted: "12"',
    'date: 2022-11-01',
    'list: [1, two, false]',
    'sql: |',
    '  select *',
    '  from t',
    'folded: >',
    '  one',
    '  two',
    'anchor: &cols [a, b]',
    'alias: *cols',
  ].join('\n');
  const tree = parseYamlTree(text);
  assert.deepEqual(tree.errors, []);
  assert.deepEqual(yamlToJs(tree.root), {
    name: 'analytics.daily_trips',
    n: 12,
    hex: 31,
    f: 2.5,
    exp: 1000,
    yes_is_text: 'yes',
    flag: true,
    nothing: null,
    empty: null,
    quoted: '12',
    date: '2022-11-01',
    list: [1, 'two', false],
    sql: 'select *\nfrom t\n',
    folded: 'one two\n',
    anchor: ['a', 'b'],
    alias: ['a', 'b'],
  });
});

test('every node knows where it is written', () => {
  const text = 'name: x\nchecks:\n  - not_null: [id, at]\n  - name: custom\n    sql: select 1\n';
  const root = parseYamlTree(text).root;
  assert.equal(root?.kind, 'map');
  if (root?.kind !== 'map') return;
  assert.equal(slice(text, root.pairs[1]!.key), 'checks');
  const checks = child(root, 'checks');
  assert.equal(checks?.kind, 'seq');
  if (checks?.kind !== 'seq') return;
  assert.equal(slice(text, checks.items[0]), 'not_null: [id, at]');
  assert.equal(slice(text, child(checks.items[0], 'not_null')), '[id, at]');
  assert.equal(slice(text, checks.items[1]), 'name: custom\n    sql: select 1');
  assert.equal(text.slice(0, checks.items[1]!.start).split('\n').length, 4, 'the second check starts on line 4');
});

test('errors are data at their offset: the first syntax error, duplicate keys, tabs as warnings', () => {
  const unclosed = 'a: [1, 2\nb: 3\n';
  const u = parseYamlTree(unclosed);
  assert.equal(u.errors.length, 1, JSON.stringify(u.errors));
  assert.equal(u.errors[0]!.warning, false);
  assert.equal(unclosed.slice(0, u.errors[0]!.offset).split('\n').length, 2);
  assert.doesNotMatch(u.errors[0]!.message, /JS-YAML|line \d/);

  const dup = parseYamlTree('name: a\nkind: table\nname: b\n');
  assert.deepEqual(dup.errors.map((e) => [e.offset, e.warning]), [[20, false]]);
  assert.match(dup.errors[0]!.message, /'name' is written twice/);
  assert.deepEqual(parseYamlTree('name: a\nname: b\n', { uniqueKeys: false }).errors, []);

  const tab = parseYamlTree('a:\n\t- b\n');
  assert.ok(tab.errors.length > 0 && tab.errors.every((e) => e.warning));
});

test('never throws, whatever the input', () => {
  const inputs = ['', '\u0000\u0001', ': : :', '- [', '{{ this }}', '&a [*a]', 'a: *nowhere', '? [a, b]\n: c', '\ufeffa: 1', 'x'.repeat(100_000), '['.repeat(5_000)];
  for (const input of inputs) {
    const tree = parseYamlTree(input);
    assert.ok(Array.isArray(tree.errors));
  }
  assert.equal(parseYamlTree('').root, null);
});

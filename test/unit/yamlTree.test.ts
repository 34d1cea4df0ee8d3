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

const lineOf = (text: string, offset: number) => text.slice(0, offset).split('\n').length;

function aliasBomb(levels: number): string {
  const names = 'abcdefghij';
  const lines = ['a: &a [x, x, x, x, x, x, x, x, x]'];
  for (let i = 1; i < levels; i++) lines.push(`${names[i]}: &${names[i]} [${Array(9).fill(`*${names[i - 1]}`).join(', ')}]`);
  return lines.join('\n') + '\n';
}

test('an alias bomb stops at the cap with one error at the alias that crosses it', () => {
  const text = aliasBomb(8);
  const tree = parseYamlTree(text);
  assert.equal(tree.errors.length, 1, JSON.stringify(tree.errors));
  assert.match(tree.errors[0]!.message, /alias \*e expands to more than 100000 nodes/);
  // a..e expand to 10, 91, 820, 7381, 66430 nodes: the first *e on line f crosses 100,000.
  assert.equal(lineOf(text, tree.errors[0]!.offset), 6);
  const count = (v: unknown): number => (Array.isArray(v) ? 1 + v.reduce((n: number, x) => n + count(x), 0) : 1);
  assert.ok(count(yamlToJs(tree.root)) <= 200_000, 'the tree holds at most the cap');
});

test('aliases reused within the cap read in full, with no error', () => {
  const text = aliasBomb(5);
  const tree = parseYamlTree(text);
  assert.deepEqual(tree.errors, []);
  const e = yamlToJs(tree.root) as Record<string, unknown[][][][][]>;
  assert.equal(e.e!.length, 9);
  assert.deepEqual(e.e![8]![8]![8]![8], ['x', 'x', 'x', 'x', 'x', 'x', 'x', 'x', 'x']);
});

test('nesting deeper than the parser can go is an error at the line it is written on', () => {
  for (const deep of ['['.repeat(100_000) + ']'.repeat(100_000), '{a: '.repeat(100_000) + '1' + '}'.repeat(100_000), '\n  ' + '- '.repeat(100_000) + 'x']) {
    const text = `name: x\nkind: table\ndepends: ${deep}\n`;
    const tree = parseYamlTree(text);
    assert.equal(tree.errors.length, 1, JSON.stringify(tree.errors));
    assert.match(tree.errors[0]!.message, /nested more than 200 levels deep/);
    assert.ok(lineOf(text, tree.errors[0]!.offset) >= 3, `${deep.slice(0, 5)}: at line ${lineOf(text, tree.errors[0]!.offset)}`);
  }
  const moderateText = `a: 1\nb: ${'['.repeat(300)}${']'.repeat(300)}\n`;
  const moderate = parseYamlTree(moderateText);
  assert.equal(moderate.errors.length, 1);
  assert.equal(lineOf(moderateText, moderate.errors[0]!.offset), 2);
});

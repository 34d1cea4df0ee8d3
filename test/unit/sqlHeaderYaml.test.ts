import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isMap, isScalar, isSeq, parseDocument } from 'yaml';
import type { Node } from 'yaml';
import { parseHeaderYaml } from '../../src/core/discovery/sql/headerYaml';

// Start offsets of every scalar, in document order: the fast reader must place nodes where `yaml` does.
function scalarStarts(node: Node | null): number[] {
  if (node === null) return [];
  if (isScalar(node)) return [node.range![0]];
  if (isSeq(node)) return node.items.flatMap((n) => scalarStarts(n as Node));
  if (isMap(node)) return node.items.flatMap((p) => [...scalarStarts(p.key as Node), ...scalarStarts(p.value as Node | null)]);
  return [];
}

const SAME = [
  '\nname: analytics.daily_trips     # a comment\nkind: table\n',
  '\nname: x\ndepends: [raw.taxi_trips, "raw.zones", \'q\'\'s\']\nblocking: false\n',
  '\ncheck: 1\nnum: -3\nf: 1.5e3\nhex: 0x1F\nnul: ~\nempty:\nyes: True\ndate: 2022-11-01\n',
  '\npartition: { by: day, column: pickup_date, start: 2022-11-01 }\n',
  '\nchecks:\n  - not_null: [trip_id, pickup_at]\n  - unique: trip_id\n  - accepted_values: { column: payment_type, values: [1, 2, 3, 4] }\n  - relationships: { column: zone_id, to: raw.zones, field: id }\n  - row_count: { min: 1, max: 10000000 }\n  - freshness: { column: pickup_at, max_age: 2 days }\n  - name: no_negative_totals\n    sql: select * from {{ this }} where total_amount < 0   # fails when it returns rows\n    severity: warn\n',
  '\nchecks:\n- not_null: a\n- unique:\n    - a\n    - b\n',
  '\n  name: indented\n  description: the whole header is indented\n',
  '\ndescription: "has # inside quotes"\nurl: http://example.com/a#b\n',
  '\n# only a comment\n',
  '',
  '\nnested:\n  deeper:\n    x: [a, [b, c], {d: e}]\n',
  '\nd: {}\ne: []\n',
];

const FALLBACK = [
  '\ndescription: |\n  block scalar\n',
  '\na: &anchor 1\nb: *anchor\n',
  '\na: "esc\\n"\n',
  '\na: [1,\n  2]\n',
  '\nchecks:\n  - not_null: id\n   - unique: id\n',
  '\na: 1\na: 2\n',
  '\nkey: value: other\n',
  '\na: b\n  c\n',
  '\n\ta: 1\n',
  '\n"quoted key": 1\n',
];

test('the fast header reader gives the same values and positions as yaml', () => {
  for (const text of SAME) {
    const fast = parseHeaderYaml(text);
    assert.ok(fast, `fast reader gave up on ${JSON.stringify(text)}`);
    const doc = parseDocument(text);
    assert.equal(doc.errors.length, 0);
    const want = doc.contents === null ? null : (doc.contents as Node).toJSON();
    const got = fast.contents === null ? null : fast.contents.toJSON();
    assert.deepEqual(got ?? null, want ?? null, JSON.stringify(text));
    assert.deepEqual(scalarStarts(fast.contents), scalarStarts(doc.contents as Node | null), JSON.stringify(text));
  }
});

test('anything outside the subset falls back to yaml', () => {
  for (const text of FALLBACK) assert.equal(parseHeaderYaml(text), undefined, JSON.stringify(text));
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { findTemplates, renderTemplate, sqlForParsing, usesTemplate, THIS_PLACEHOLDER } from '../../src/core/discovery/sql/sqlTemplate';

test('renderTemplate substitutes the five values and nothing else', () => {
  const sql = 'select * from src where ts > {{ watermark }} and d >= {{partition_start}} and d < {{ partition_end }} -- {{ target }} into {{ this }}';
  const out = renderTemplate(sql, {
    watermark: "TIMESTAMP '2024-01-01'",
    partition_start: "DATE '2024-01-01'",
    partition_end: "DATE '2024-01-02'",
    target: "'dev'",
    this: '"analytics"."daily"',
  });
  assert.equal(
    out,
    `select * from src where ts > TIMESTAMP '2024-01-01' and d >= DATE '2024-01-01' and d < DATE '2024-01-02' -- 'dev' into "analytics"."daily"`,
  );
});

test('a known value without a value renders NULL; unknown ones stay as written', () => {
  assert.equal(renderTemplate('x > {{ watermark }} {{ foo }}', {}), 'x > NULL {{ foo }}');
});

test('findTemplates reports unknown and unclosed templates with offsets', () => {
  const uses = findTemplates('a {{ this }} b {{ config.x }} c {{ oops\nd');
  assert.deepEqual(
    uses.map((u) => [u.name, u.offset, u.known, !!u.unclosed]),
    [
      ['this', 2, true, false],
      ['config.x', 15, false, false],
      ['oops', 32, false, true],
    ],
  );
  assert.equal(usesTemplate('select {{watermark}}', 'watermark'), true);
  assert.equal(usesTemplate('select {{ this }}', 'watermark'), false);
});

test('sqlForParsing keeps every offset and names {{ this }} by a placeholder table', () => {
  const sql = 'select * from {{ this }} where x > {{ watermark }} and {{ bad }}';
  const parsed = sqlForParsing(sql);
  assert.equal(parsed.length, sql.length);
  assert.ok(parsed.includes(THIS_PLACEHOLDER));
  assert.ok(!parsed.includes('{{'));
  assert.equal(parsed.indexOf(' where'), sql.indexOf(' where'));
});

// The lexical outline and the excerpt tree-sitter parses instead of the whole file.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { logicalLines, outlinePython } from '../../src/core/discovery/python/pythonOutline';
import { excerptPython } from '../../src/core/discovery/python/pythonExcerpt';

const SOURCE = [
  'import dagster as dg', // 0
  'import pandas as pd', // 1
  '', // 2
  'QUERY = """', // 3
  'select *', // 4  column 0 inside a string: not a statement
  'from t', // 5
  '"""', // 6
  '', // 7
  '@dg.asset(', // 8
  '    deps=["a",', // 9
  '"b"],  # a comment: with a colon', // 10  column 0 inside brackets
  ')', // 11
  'def x(up):  # trailing comment', // 12
  '    """Doc."""', // 13
  '    sql = """', // 14
  'select 1', // 15
  '"""', // 16
  "    return 'it''s' \\", // 17
  '        + "x"', // 18
  '', // 19
  'if True:', // 20
  '    pass', // 21
  'else:', // 22
  '    y = 1', // 23
  'def helper():', // 24
  '    return 1', // 25
].join('\n');

test('logical lines join brackets, strings and backslashes; rows are counted through them', () => {
  const lines = logicalLines(SOURCE).map((l) => [l.row, l.rows, l.indent, l.opensBlock]);
  assert.deepEqual(lines, [
    [0, 1, 0, false],
    [1, 1, 0, false],
    [3, 4, 0, false],
    [8, 4, 0, false],
    [12, 1, 0, true], // the colon before the comment opens the block
    [13, 1, 4, false],
    [14, 3, 4, false],
    [17, 2, 4, false],
    [20, 1, 0, true],
    [21, 1, 4, false],
    [22, 1, 0, true],
    [23, 1, 4, false],
    [24, 1, 0, true],
    [25, 1, 4, false],
  ]);
});

test('top-level statements: decorators with their def, else with its if', () => {
  const kinds = outlinePython(SOURCE).map((s) => `${s.kind}@${s.lines[0]!.row}`);
  assert.deepEqual(kinds, ['import@0', 'import@1', 'simple@3', 'decorated@8', 'compound@20', 'def@24']);
});

test('the excerpt keeps Dagster imports, decorators, the def line and a placeholder body, at their rows', () => {
  const excerpt = excerptPython(SOURCE);
  const lines = excerpt.text.split('\n');
  const kept = excerpt.rows.map((row, i) => `${row}:${lines[i]}`);
  assert.deepEqual(kept, [
    '0:import dagster as dg',
    // import pandas: not Dagster's, not needed
    // a short module-level assignment is kept: a decorator may name it
    '3:QUERY = """',
    '4:select *',
    '5:from t',
    '6:"""',
    '8:@dg.asset(',
    '9:    deps=["a",',
    '10:"b"],  # a comment: with a colon',
    '11:)',
    '12:def x(up):  # trailing comment',
    '13:    ...',
    // if/else without Dagster names and helper() are left out
  ]);
  assert.equal(excerpt.docstrings.get(10), '"""Doc."""');
  const extent = excerpt.statements.get(5);
  assert.ok(extent);
  assert.ok(SOURCE.slice(extent.start, extent.end).startsWith('@dg.asset('));
  assert.ok(SOURCE.slice(extent.start, extent.end).trimEnd().endsWith('+ "x"'));
});

test('unterminated strings and brackets end at the end of the text', () => {
  assert.deepEqual(
    logicalLines('x = """never closed\n\ny = 1\n').map((l) => [l.row, l.rows]),
    [[0, 3]],
  );
  assert.deepEqual(
    logicalLines("a = 'open\nb = (1,\n2\n").map((l) => [l.row, l.rows]),
    [
      [0, 1],
      [1, 2],
    ],
  );
  assert.deepEqual(logicalLines('x = 1\r\n\ty = 2\r\n').map((l) => [l.row, l.indent]), [
    [0, 0],
    [1, 8],
  ]);
});

test('a module docstring is not parsed; a short constant is', () => {
  const excerpt = excerptPython('"""Assets of the taxi project."""\nimport dagster as dg\nrows = 3\n');
  assert.deepEqual(excerpt.rows, [1, 2]);
  assert.equal(excerpt.text, 'import dagster as dg\nrows = 3\n');
});

import { parseYamlTree, yamlToJs } from '../../yamlTree';
import type { YamlNode, YamlPair } from '../../yamlTree';
import type { CheckDefinition, CheckSeverity, PartitionSpec, SqlAssetKind } from '../../asset';
import type { Problem, SourceLocation } from '../../problem';
import { problemAt } from '../../problem';
import type { LineIndex } from '../textPosition';

// A header is the first block comment when it starts with `@asset`; only line comments and blank
// space may come before it. Anchored, so the pre-check on a non-asset file costs almost nothing.
const HEADER_START = /^\s*(?:--[^\n]*\n\s*)*\/\*\s*@asset(?=\s|\*\/)/;

/** Cheap test run on every .sql file before any YAML or DuckDB work. */
export function hasAssetHeader(text: string): boolean {
  return HEADER_START.test(text);
}

export interface HeaderSpan {
  /** Offset of `/*`. */
  readonly commentStart: number;
  /** Offset just after `@asset`: the YAML starts here. */
  readonly yamlStart: number;
  /** Offset of the closing `*\/`, or -1 when the comment is never closed. */
  readonly yamlEnd: number;
  /** Offset of the first character after the header comment. */
  readonly bodyStart: number;
}

export function findHeader(text: string): HeaderSpan | undefined {
  const m = HEADER_START.exec(text);
  if (!m) return undefined;
  const yamlStart = m[0].length;
  const commentStart = text.lastIndexOf('/*', yamlStart);
  const yamlEnd = text.indexOf('*/', yamlStart);
  return { commentStart, yamlStart, yamlEnd, bodyStart: yamlEnd === -1 ? text.length : yamlEnd + 2 };
}

export interface ParsedHeader {
  readonly name?: string;
  readonly nameLocation?: SourceLocation;
  readonly kind: SqlAssetKind;
  readonly description?: string;
  readonly group?: string;
  readonly depends: readonly { readonly text: string; readonly location: SourceLocation }[];
  readonly uniqueKey?: readonly string[];
  readonly watermark?: string;
  readonly partition?: PartitionSpec;
  readonly blocking: boolean;
  readonly checks: readonly CheckDefinition[];
  readonly problems: readonly Problem[];
}

export const HEADER_KEYS = [
  'name',
  'kind',
  'description',
  'group',
  'depends',
  'unique_key',
  'watermark',
  'partition',
  'blocking',
  'checks',
] as const;

export const CHECK_TYPES = ['not_null', 'unique', 'accepted_values', 'relationships', 'row_count', 'freshness'] as const;
type BuiltinType = (typeof CHECK_TYPES)[number];
const CHECK_OPTION_KEYS = new Set(['name', 'severity', 'blocking', 'description']);

/**
 * Parses the YAML of a header. Every problem is placed in the .sql file: node
 * offsets are relative to the header, so `yamlStart` shifts them into the file.
 */
export function parseSqlHeader(file: string, lines: LineIndex, span: HeaderSpan): ParsedHeader {
  const problems: Problem[] = [];
  const at = (offset: number): SourceLocation => ({ file, ...lines.position(span.yamlStart + offset) });
  const nodeAt = (node: YamlNode | null | undefined, fallback = 0): SourceLocation => {
    if (!node) return at(fallback);
    const start = lines.position(span.yamlStart + node.start);
    const end = lines.position(span.yamlStart + node.end);
    return { file, line: start.line, column: start.column, endLine: end.line, endColumn: end.column };
  };
  const problem = (loc: SourceLocation, code: string, message: string, severity: Problem['severity'] = 'error') =>
    problems.push(problemAt(loc, severity, code, message));

  const result: {
    -readonly [K in keyof ParsedHeader]: ParsedHeader[K];
  } = { kind: 'table', depends: [], blocking: true, checks: [], problems };

  if (span.yamlEnd === -1) {
    problem(
      { file, ...lines.position(span.commentStart) },
      'sql.header.unclosed',
      'The @asset header comment is never closed: end it with */ before the SQL.',
    );
    return result;
  }

  // Offsets into the YAML are relative to yamlStart; continuation lines of the header are plain YAML.
  const yamlText = lines.text.slice(span.yamlStart, span.yamlEnd);
  const tree = parseYamlTree(yamlText, { uniqueKeys: true });
  for (const e of tree.errors) {
    problem(at(e.offset), 'sql.header.invalid-yaml', `Invalid YAML in the @asset header: ${e.message}`, e.warning ? 'warning' : 'error');
  }
  if (tree.errors.some((e) => !e.warning)) return result;
  const contents = tree.root;
  if (contents === null || (contents.kind === 'scalar' && (contents.value === null || contents.value === ''))) return result;
  if (contents.kind !== 'map') {
    problem(nodeAt(contents), 'sql.header.invalid-yaml', 'The @asset header must be a YAML mapping (key: value lines).');
    return result;
  }

  let checksNode: YamlNode | null = null;
  for (const pair of contents.pairs) {
    const keyNode = pair.key;
    const key = String(keyNode.value);
    const value = pair.value;
    const keyLoc = nodeAt(keyNode);
    const valueLoc = nodeAt(value ?? keyNode);
    const str = (what: string): string | undefined => {
      if (value?.kind === 'scalar' && value.value !== null) return String(value.value);
      problem(valueLoc, 'sql.header.invalid-value', `'${key}' must be ${what}.`);
      return undefined;
    };
    switch (key) {
      case 'name': {
        const v = str('a name like analytics.daily_trips');
        if (v !== undefined && v.trim().length > 0) {
          result.name = v.trim();
          result.nameLocation = valueLoc;
        }
        break;
      }
      case 'kind': {
        const v = str('table, view or incremental');
        if (v === 'table' || v === 'view' || v === 'incremental') result.kind = v;
        else if (v !== undefined)
          problem(valueLoc, 'sql.header.invalid-value', `Unknown kind '${v}': use table, view or incremental.`);
        break;
      }
      case 'description':
        result.description = str('text');
        break;
      case 'group':
        result.group = str('a group name');
        break;
      case 'depends': {
        const items = value?.kind === 'seq' ? value.items : value ? [value] : [];
        const deps: { text: string; location: SourceLocation }[] = [];
        for (const item of items) {
          if (item?.kind === 'scalar' && item.value !== null) {
            deps.push({ text: String(item.value), location: nodeAt(item) });
          } else {
            problem(nodeAt(item ?? value), 'sql.header.invalid-value', "'depends' lists asset keys, e.g. [raw.taxi_trips].");
          }
        }
        result.depends = deps;
        break;
      }
      case 'unique_key': {
        const cols = stringList(value);
        if (cols) result.uniqueKey = cols;
        else problem(valueLoc, 'sql.header.invalid-value', "'unique_key' must be a column or a list of columns.");
        break;
      }
      case 'watermark':
        result.watermark = str('a column name');
        break;
      case 'partition': {
        const p = parsePartition(value);
        if (typeof p === 'string') problem(valueLoc, 'sql.header.invalid-value', p);
        else result.partition = p;
        break;
      }
      case 'blocking':
        if (value?.kind === 'scalar' && typeof value.value === 'boolean') result.blocking = value.value;
        else problem(valueLoc, 'sql.header.invalid-value', "'blocking' must be true or false.");
        break;
      case 'checks':
        checksNode = value;
        break;
      default:
        problem(
          keyLoc,
          'sql.header.unknown-key',
          `Unknown key '${key}' in the @asset header; expected one of: ${HEADER_KEYS.join(', ')}.`,
        );
    }
  }

  if (result.kind !== 'incremental') {
    if (result.uniqueKey || result.watermark) {
      const keyNode = contents.pairs.find((p) => p.key.value === 'unique_key' || p.key.value === 'watermark')?.key;
      problem(
        nodeAt(keyNode),
        'sql.header.incremental-only',
        "'unique_key' and 'watermark' apply to incremental assets only: add 'kind: incremental'.",
        'warning',
      );
    }
  }

  if (checksNode) result.checks = parseChecks(checksNode, result.blocking, nodeAt, problem);
  return result;
}

function stringList(node: YamlNode | null): string[] | undefined {
  if (node?.kind === 'scalar' && typeof node.value === 'string' && node.value.trim()) return [node.value.trim()];
  if (node?.kind === 'seq') {
    const out: string[] = [];
    for (const item of node.items) {
      if (item?.kind !== 'scalar' || item.value === null) return undefined;
      out.push(String(item.value));
    }
    return out.length > 0 ? out : undefined;
  }
  return undefined;
}

function parsePartition(node: YamlNode | null): PartitionSpec | string {
  const usage = "'partition' must be { by: day|month, column: <column>, start: <YYYY-MM-DD> }.";
  if (node?.kind !== 'map') return usage;
  const v = yamlToJs(node) as Record<string, unknown>;
  const extra = Object.keys(v).filter((k) => k !== 'by' && k !== 'column' && k !== 'start');
  if (extra.length > 0) return `Unknown key '${extra[0]}' in 'partition'. ${usage}`;
  if (v['by'] !== 'day' && v['by'] !== 'month') return `'partition.by' must be day or month. ${usage}`;
  if (typeof v['column'] !== 'string' || !v['column']) return `'partition.column' is required. ${usage}`;
  const start = String(v['start'] ?? '');
  if (!/^\d{4}-\d{2}-\d{2}$/.test(start)) return `'partition.start' must be a date like 2022-11-01. ${usage}`;
  return { by: v['by'], column: v['column'], start };
}

type NodeAt = (node: YamlNode | null | undefined) => SourceLocation;
type Report = (loc: SourceLocation, code: string, message: string, severity?: Problem['severity']) => void;

function parseChecks(node: YamlNode, defaultBlocking: boolean, nodeAt: NodeAt, problem: Report): CheckDefinition[] {
  if (node.kind !== 'seq') {
    problem(nodeAt(node), 'sql.check.invalid', "'checks' must be a list, one check per '- ' line.");
    return [];
  }
  const checks: CheckDefinition[] = [];
  const names = new Set<string>();
  const add = (check: CheckDefinition) => {
    if (names.has(check.name)) {
      problem(
        check.location,
        'sql.check.duplicate-name',
        `Two checks of this asset are named '${check.name}': give one a 'name:'.`,
      );
      return;
    }
    names.add(check.name);
    checks.push(check);
  };

  for (const item of node.items) {
    if (item?.kind !== 'map') {
      problem(
        nodeAt(item ?? node),
        item?.kind === 'scalar' && CHECK_TYPES.includes(String(item.value) as BuiltinType) ? 'sql.check.invalid' : 'sql.check.unknown-type',
        `A check is a mapping such as '- not_null: [col]' or '- name: … sql: …'; got '${item?.kind === 'scalar' ? String(item.value) : item ? 'a list' : 'nothing'}'.`,
      );
      continue;
    }
    const pairs: readonly YamlPair[] = item.pairs;
    const get = (k: string) => pairs.find((p) => p.key.value === k);
    const typePairs = pairs.filter((p) => CHECK_TYPES.includes(String(p.key.value) as BuiltinType));
    const isCustom = typePairs.length === 0 && get('sql') !== undefined;
    let bad = false;
    for (const p of pairs) {
      const k = String(p.key.value);
      if (CHECK_TYPES.includes(k as BuiltinType) || CHECK_OPTION_KEYS.has(k) || (isCustom && k === 'sql')) continue;
      bad = true;
      problem(
        nodeAt(p.key),
        typePairs.length === 0 && !isCustom ? 'sql.check.unknown-type' : 'sql.check.unknown-key',
        typePairs.length === 0 && !isCustom
          ? `Unknown check type '${k}'; expected one of: ${CHECK_TYPES.join(', ')}, or a custom check with 'name' and 'sql'.`
          : `Unknown key '${k}' in this check; allowed besides the check itself: ${[...CHECK_OPTION_KEYS].join(', ')}.`,
      );
    }
    if (typePairs.length > 1) {
      problem(nodeAt(typePairs[1]!.key), 'sql.check.invalid', 'One check per list item: start another line with "- ".');
      continue;
    }
    if (bad) continue;
    if (typePairs.length === 0 && !isCustom) {
      problem(nodeAt(item), 'sql.check.invalid', "A custom check needs 'name' and 'sql'.");
      continue;
    }

    // Options shared by built-in and custom checks.
    let severity: CheckSeverity = 'error';
    const sevPair = get('severity');
    if (sevPair) {
      const s = sevPair.value?.kind === 'scalar' ? String(sevPair.value.value) : '';
      if (s === 'error' || s === 'warn') severity = s;
      else if (s === 'warning') severity = 'warn';
      else {
        problem(nodeAt(sevPair.value ?? sevPair.key), 'sql.check.invalid', "'severity' must be error or warn.");
        continue;
      }
    }
    let blocking = defaultBlocking;
    const blockPair = get('blocking');
    if (blockPair) {
      if (blockPair.value?.kind === 'scalar' && typeof blockPair.value.value === 'boolean') blocking = blockPair.value.value;
      else {
        problem(nodeAt(blockPair.value ?? blockPair.key), 'sql.check.invalid', "'blocking' must be true or false.");
        continue;
      }
    }
    const namePair = get('name');
    const explicitName =
      namePair?.value?.kind === 'scalar' && namePair.value.value !== null ? String(namePair.value.value) : undefined;
    if (namePair && !explicitName) {
      problem(nodeAt(namePair.value ?? namePair.key), 'sql.check.invalid', "A check's 'name' must be text.");
      continue;
    }

    if (isCustom) {
      const sqlPair = get('sql')!;
      const sql = sqlPair.value?.kind === 'scalar' && typeof sqlPair.value.value === 'string' ? sqlPair.value.value : undefined;
      if (!explicitName) {
        problem(nodeAt(sqlPair.key), 'sql.check.invalid', "A custom check needs a 'name'.");
        continue;
      }
      if (!sql || !sql.trim()) {
        problem(nodeAt(sqlPair.value ?? sqlPair.key), 'sql.check.invalid', "A custom check's 'sql' must be a query.");
        continue;
      }
      add({ name: explicitName, type: 'sql', severity, blocking, location: nodeAt(item), config: { sql } });
      continue;
    }

    const typePair = typePairs[0]!;
    const type = String(typePair.key.value) as BuiltinType;
    const loc = nodeAt(typePair.key);
    const made = builtinChecks(type, typePair.value);
    if (typeof made === 'string') {
      problem(nodeAt(typePair.value ?? typePair.key), 'sql.check.invalid', made);
      continue;
    }
    for (const m of made) {
      const name = made.length === 1 && explicitName ? explicitName : m.name;
      add({ name, type, severity, blocking, location: loc, config: m.config });
    }
  }
  return checks;
}

/** The normalised config of each built-in check (what the engine compiles), or a message. */
function builtinChecks(
  type: BuiltinType,
  node: YamlNode | null,
): { name: string; config: Record<string, unknown> }[] | string {
  const v: unknown = yamlToJs(node);
  const obj = (v !== null && typeof v === 'object' && !Array.isArray(v) ? v : undefined) as Record<string, unknown> | undefined;
  const isIdent = (x: unknown): x is string => typeof x === 'string' && x.trim().length > 0;
  const onlyKeys = (allowed: string[]): string | undefined => {
    const extra = Object.keys(obj ?? {}).filter((k) => !allowed.includes(k));
    return extra.length > 0 ? `Unknown key '${extra[0]}' in ${type}; expected: ${allowed.join(', ')}.` : undefined;
  };
  switch (type) {
    case 'not_null': {
      const cols = stringList(node);
      if (!cols) return "'not_null' takes a column or a list of columns.";
      return cols.map((column) => ({ name: `not_null_${column}`, config: { column } }));
    }
    case 'unique': {
      // A list is one composite key, as `unique_key` is.
      const cols = stringList(node);
      if (!cols) return "'unique' takes a column or a list of columns (one composite key).";
      return [{ name: `unique_${cols.join('_')}`, config: { columns: cols } }];
    }
    case 'accepted_values': {
      const usage = "'accepted_values' takes { column: <column>, values: [ … ] }.";
      if (!obj) return usage;
      const extra = onlyKeys(['column', 'values']);
      if (extra) return extra;
      if (!isIdent(obj['column']) || !Array.isArray(obj['values']) || obj['values'].length === 0) return usage;
      return [{ name: `accepted_values_${obj['column']}`, config: { column: obj['column'], values: obj['values'] } }];
    }
    case 'relationships': {
      const usage = "'relationships' takes { column: <column>, to: <asset>, field: <column> }.";
      if (!obj) return usage;
      const extra = onlyKeys(['column', 'to', 'field']);
      if (extra) return extra;
      if (!isIdent(obj['column']) || !isIdent(obj['to']) || !isIdent(obj['field'])) return usage;
      return [
        {
          name: `relationships_${obj['column']}`,
          config: { column: obj['column'], to: obj['to'], field: obj['field'] },
        },
      ];
    }
    case 'row_count': {
      const usage = "'row_count' takes { min: <n>, max: <n> } (either may be left out).";
      if (!obj) return usage;
      const extra = onlyKeys(['min', 'max']);
      if (extra) return extra;
      const okNum = (x: unknown) => x === undefined || (typeof x === 'number' && Number.isFinite(x) && x >= 0);
      if (!okNum(obj['min']) || !okNum(obj['max']) || (obj['min'] === undefined && obj['max'] === undefined)) return usage;
      const config: Record<string, unknown> = {};
      if (obj['min'] !== undefined) config['min'] = obj['min'];
      if (obj['max'] !== undefined) config['max'] = obj['max'];
      return [{ name: 'row_count', config }];
    }
    case 'freshness': {
      const usage = "'freshness' takes { column: <timestamp column>, max_age: <interval like '2 days'> }.";
      if (!obj) return usage;
      const extra = onlyKeys(['column', 'max_age']);
      if (extra) return extra;
      const age = obj['max_age'];
      if (!isIdent(obj['column']) || !(isIdent(age) && /^\s*\d+(\.\d+)?\s*[a-z]+\s*$/i.test(age))) return usage;
      return [{ name: `freshness_${obj['column']}`, config: { column: obj['column'], max_age: age.trim() } }];
    }
  }
}

// YAML with positions, as plain objects. Parsed by @stoplight/yaml-ast-parser
// (the js-yaml-based parser behind Stoplight's Spectral): it keeps every node's
// offsets and reports errors as data, and it reads an @asset header about ten
// times faster than the `yaml` library's Document API, which was a third of a
// cold discovery (the README's benchmark budgets). Scalars are typed by the YAML 1.2 core schema.
import { Kind, ScalarType, determineScalarType, load, parseYamlBoolean, parseYamlFloat, parseYamlInteger } from '@stoplight/yaml-ast-parser';
import type { YAMLAnchorReference, YAMLMapping, YAMLNode, YAMLScalar, YAMLSequence, YamlMap as StoplightMap } from '@stoplight/yaml-ast-parser';

/** Offsets are 0-based characters of the parsed text; `end` is just past the node. */
interface Span {
  readonly start: number;
  readonly end: number;
}

export interface YamlScalar extends Span {
  readonly kind: 'scalar';
  readonly value: string | number | boolean | null;
}

export interface YamlPair {
  /** A key that is not a scalar (`? [a, b]: x`) reads as ''. */
  readonly key: YamlScalar;
  /** Null for `key:` with nothing after it. */
  readonly value: YamlNode | null;
}

export interface YamlMap extends Span {
  readonly kind: 'map';
  readonly pairs: readonly YamlPair[];
}

export interface YamlSeq extends Span {
  readonly kind: 'seq';
  /** Null for a `-` with nothing after it. */
  readonly items: readonly (YamlNode | null)[];
}

export type YamlNode = YamlScalar | YamlMap | YamlSeq;

export interface YamlError {
  readonly message: string;
  readonly offset: number;
  /** Tabs in indentation and the like: the document is still read. */
  readonly warning: boolean;
}

export interface YamlTree {
  /** The first document's contents; null when it is empty. */
  readonly root: YamlNode | null;
  readonly errors: readonly YamlError[];
}

export interface YamlTreeOptions {
  /** A key written twice in one mapping is an error at the second (default true). */
  readonly uniqueKeys?: boolean;
}

// Deeper than any header or dbt file; stops an alias that refers to its own parent.
const MAX_DEPTH = 200;

/** Parses the first YAML document of `text`. Never throws: what it cannot read is an error. */
export function parseYamlTree(text: string, options: YamlTreeOptions = {}): YamlTree {
  let doc: YAMLNode | undefined;
  try {
    // Duplicate keys are found below: the parser would report both occurrences.
    doc = load(text, { ignoreDuplicateKeys: true }) as YAMLNode | undefined;
  } catch (err) {
    return { root: null, errors: [{ message: `cannot read YAML (${err instanceof Error ? err.message : String(err)})`, offset: 0, warning: false }] };
  }
  const errors: YamlError[] = [];
  const seen = new Set<string>();
  let failed = false;
  for (const e of doc?.errors ?? []) {
    const warning = e.isWarning === true;
    // After the first error the parser has lost its place: what it reports next is noise.
    if (!warning && failed) continue;
    failed ||= !warning;
    const offset = e.mark?.position ?? 0;
    const message = (e.reason || e.message || 'invalid YAML').replace(/^JS-YAML: /, '').replace(/ at line \d+, column \d+:?[\s\S]*$/, '');
    const id = `${offset}\u0000${message}`;
    if (seen.has(id)) continue;
    seen.add(id);
    errors.push({ message, offset, warning });
  }
  const root = doc ? convert(doc, 0, options.uniqueKeys !== false, errors) : null;
  errors.sort((a, b) => a.offset - b.offset);
  return { root, errors };
}

function convert(node: YAMLNode | null | undefined, depth: number, uniqueKeys: boolean, errors: YamlError[]): YamlNode | null {
  if (!node || depth > MAX_DEPTH) return null;
  switch (node.kind) {
    case Kind.SCALAR:
      return scalar(node as YAMLScalar);
    case Kind.MAP: {
      const pairs: YamlPair[] = [];
      const keys = uniqueKeys ? new Set<string>() : undefined;
      for (const m of ((node as StoplightMap).mappings ?? []) as YAMLMapping[]) {
        if (!m) continue;
        const key = keyOf(m);
        if (keys) {
          const name = String(key.value);
          if (keys.has(name)) errors.push({ message: `the key '${name}' is written twice in this mapping`, offset: key.start, warning: false });
          keys.add(name);
        }
        pairs.push({ key, value: convert(m.value, depth + 1, uniqueKeys, errors) });
      }
      return { kind: 'map', pairs, start: node.startPosition, end: node.endPosition };
    }
    case Kind.SEQ: {
      const items = ((node as YAMLSequence).items ?? []).map((i) => convert(i, depth + 1, uniqueKeys, errors));
      return { kind: 'seq', items, start: node.startPosition, end: node.endPosition };
    }
    case Kind.ANCHOR_REF: {
      // An alias reads as what it names, placed where the alias is written.
      const target = convert((node as YAMLAnchorReference).value, depth + 1, uniqueKeys, errors);
      return target ? { ...target, start: node.startPosition, end: node.endPosition } : null;
    }
    default:
      return null;
  }
}

function keyOf(m: YAMLMapping): YamlScalar {
  const k = m.key as YAMLNode | null;
  if (k && k.kind === Kind.SCALAR) {
    // Keys are names: `1:` or `true:` is the key '1' or 'true', as the text has it.
    const s = k as YAMLScalar;
    return { kind: 'scalar', value: s.value ?? '', start: s.startPosition, end: s.endPosition };
  }
  const start = k?.startPosition ?? m.startPosition;
  return { kind: 'scalar', value: '', start, end: k?.endPosition ?? start };
}

function scalar(s: YAMLScalar): YamlScalar {
  return { kind: 'scalar', value: scalarValue(s), start: s.startPosition, end: s.endPosition };
}

function scalarValue(s: YAMLScalar): string | number | boolean | null {
  try {
    switch (determineScalarType(s)) {
      case ScalarType.null:
        return null;
      case ScalarType.bool:
        return parseYamlBoolean(s.value);
      case ScalarType.int:
        return parseYamlInteger(s.value);
      case ScalarType.float:
        return parseYamlFloat(s.value);
      default:
        return s.value ?? '';
    }
  } catch {
    return s.value ?? '';
  }
}

/** A plain JavaScript value (for check arguments, dbt test arguments, meta). */
export function yamlToJs(node: YamlNode | null | undefined): unknown {
  if (!node) return null;
  switch (node.kind) {
    case 'scalar':
      return node.value;
    case 'seq':
      return node.items.map((i) => yamlToJs(i));
    case 'map': {
      const out: Record<string, unknown> = {};
      for (const p of node.pairs) out[String(p.key.value)] = yamlToJs(p.value);
      return out;
    }
  }
}

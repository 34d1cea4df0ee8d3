// YAML with positions, as plain objects. Parsed by @stoplight/yaml-ast-parser
// (the js-yaml-based parser behind Stoplight's Spectral): it keeps every node's
// offsets and reports errors as data, and it reads an @asset header about ten
// times faster than the `yaml` library's Document API, which was a third of a
// cold discovery (the README's benchmark budgets). Scalars are typed by the YAML 1.2 core schema.
import { Kind, ScalarType, determineScalarType, load, parseYamlBoolean, parseYamlFloat, parseYamlInteger } from '@stoplight/yaml-ast-parser';
import { tooDeepOffset } from './yamlNesting';
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
export const MAX_YAML_DEPTH = 200;
// Nodes that aliases may add by expansion: generous for anchors reused across a dbt
// file, small enough that an alias bomb (aliases of aliases, 9^8 nodes) stops at once.
export const MAX_YAML_ALIAS_NODES = 100_000;

interface Conversion {
  readonly uniqueKeys: boolean;
  readonly errors: YamlError[];
  /** Nodes aliases may still add; below zero, no alias expands any more. */
  aliasBudget: number;
  /** The alias being expanded outermost, where a bomb is reported. */
  outerAlias: YAMLNode | null;
  tooDeepReported: boolean;
}

/** Parses the first YAML document of `text`. Never throws: what it cannot read is an error. */
export function parseYamlTree(text: string, options: YamlTreeOptions = {}): YamlTree {
  let doc: YAMLNode | undefined;
  try {
    // Duplicate keys are found below: the parser would report both occurrences.
    doc = load(text, { ignoreDuplicateKeys: true }) as YAMLNode | undefined;
  } catch (err) {
    // The parser recurses per level: a stack overflow is nesting too deep, reported where it gets too deep.
    const deep = err instanceof RangeError ? tooDeepOffset(text, MAX_YAML_DEPTH) : undefined;
    if (deep !== undefined) return { root: null, errors: [{ message: tooDeepMessage, offset: deep, warning: false }] };
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
  const conversion: Conversion = { uniqueKeys: options.uniqueKeys !== false, errors, aliasBudget: MAX_YAML_ALIAS_NODES, outerAlias: null, tooDeepReported: false };
  const root = doc ? convert(doc, 0, conversion) : null;
  errors.sort((a, b) => a.offset - b.offset);
  return { root, errors };
}

const tooDeepMessage = `nested more than ${MAX_YAML_DEPTH} levels deep`;

function convert(node: YAMLNode | null | undefined, depth: number, c: Conversion): YamlNode | null {
  if (!node) return null;
  if (depth > MAX_YAML_DEPTH) {
    if (!c.tooDeepReported) c.errors.push({ message: tooDeepMessage, offset: node.startPosition, warning: false });
    c.tooDeepReported = true;
    return null;
  }
  if (c.outerAlias !== null && --c.aliasBudget < 0) return null;
  switch (node.kind) {
    case Kind.SCALAR:
      return scalar(node as YAMLScalar);
    case Kind.MAP: {
      const pairs: YamlPair[] = [];
      const keys = c.uniqueKeys ? new Set<string>() : undefined;
      for (const m of ((node as StoplightMap).mappings ?? []) as YAMLMapping[]) {
        if (!m) continue;
        const key = keyOf(m);
        if (keys) {
          const name = String(key.value);
          if (keys.has(name)) c.errors.push({ message: `the key '${name}' is written twice in this mapping`, offset: key.start, warning: false });
          keys.add(name);
        }
        pairs.push({ key, value: convert(m.value, depth + 1, c) });
      }
      return { kind: 'map', pairs, start: node.startPosition, end: node.endPosition };
    }
    case Kind.SEQ: {
      const items = ((node as YAMLSequence).items ?? []).map((i) => convert(i, depth + 1, c));
      return { kind: 'seq', items, start: node.startPosition, end: node.endPosition };
    }
    case Kind.ANCHOR_REF:
      return alias(node as YAMLAnchorReference, depth, c);
    default:
      return null;
  }
}

// An alias reads as what it names, placed where the alias is written; every node it
// adds counts against the budget, so aliases of aliases cannot grow without bound.
function alias(node: YAMLAnchorReference, depth: number, c: Conversion): YamlNode | null {
  if (c.aliasBudget < 0) return null;
  const outermost = c.outerAlias === null;
  if (outermost) c.outerAlias = node;
  const target = convert(node.value, depth + 1, c);
  if (outermost) {
    c.outerAlias = null;
    if (c.aliasBudget < 0) {
      c.errors.push({ message: `the alias *${node.referencesAnchor} expands to more than ${MAX_YAML_ALIAS_NODES} nodes (aliases of aliases): it is not read`, offset: node.startPosition, warning: false });
      return null;
    }
  }
  return target ? { ...target, start: node.startPosition, end: node.endPosition } : null;
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

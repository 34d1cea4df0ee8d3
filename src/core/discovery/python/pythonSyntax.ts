// A tree-sitter tree copied into plain objects: every read of a wasm-backed
// node is a call into wasm, so each node is read once (type, start, end, named
// children) and the reader then runs on plain JavaScript.
import type { Node, Tree } from 'web-tree-sitter';
import type { PythonParser } from './pythonParser';

export interface PySyntax {
  readonly type: string;
  /** The field this node fills in its parent (`name`, `value`, `function`…), if any. */
  readonly field: string | null;
  readonly start: number;
  readonly end: number;
  /** Named children only (punctuation is dropped; an operator is read from the text). */
  readonly children: readonly PySyntax[];
}

interface MutableSyntax extends PySyntax {
  readonly children: MutableSyntax[];
}

/** Nodes read as text alone: their inside is not copied (a string's parts, a dotted name, an annotation). */
const LEAVES = new Set(['string', 'dotted_name', 'type', 'identifier', 'integer', 'float', 'true', 'false', 'none']);

export function copySyntax(parser: PythonParser, tree: Tree): PySyntax {
  return copyNode(parser, tree.rootNode, null);
}

// Node.namedChildren fetches all named children in one call into wasm, punctuation
// never crosses over; fields are then given by position (see FIELDS).
function copyNode(parser: PythonParser, node: Node, field: string | null): MutableSyntax {
  const type = parser.typeNames[node.typeId] ?? 'ERROR';
  const out: MutableSyntax = { type, field, start: node.startIndex, end: node.endIndex, children: [] };
  if (LEAVES.has(type)) return out;
  const children = node.namedChildren;
  const fields = FIELDS[type];
  for (let i = 0; i < children.length; i++) {
    const child = children[i];
    if (!child) continue;
    const copy = copyNode(parser, child, null);
    if (copy.type === 'comment') continue;
    out.children.push(copy);
  }
  if (fields) fields(out.children);
  return out;
}

type Fielder = (children: MutableSyntax[]) => void;

function name(c: MutableSyntax | undefined, field: string): void {
  if (c) (c as { field: string | null }).field = field;
}

function byType(children: MutableSyntax[], type: string, field: string): void {
  name(children.find((c) => c.type === type), field);
}

/** The fields the reader asks for, by the parent's type (tree-sitter-python's grammar order). */
const FIELDS: Record<string, Fielder> = {
  call: (c) => {
    name(c[0], 'function');
    name(c[1], 'arguments');
  },
  keyword_argument: (c) => {
    name(c[0], 'name');
    name(c[1], 'value');
  },
  attribute: (c) => {
    name(c[0], 'object');
    if (c.length > 1) name(c[c.length - 1], 'attribute');
  },
  assignment: (c) => {
    name(c[0], 'left');
    const last = c[c.length - 1];
    if (c.length > 1 && last?.type !== 'type') name(last, 'right');
    byType(c.slice(1), 'type', 'type');
  },
  binary_operator: (c) => {
    name(c[0], 'left');
    if (c.length > 1) name(c[c.length - 1], 'right');
  },
  pair: (c) => {
    name(c[0], 'key');
    name(c[1], 'value');
  },
  decorated_definition: (c) => name(c[c.length - 1], 'definition'),
  function_definition: (c) => {
    name(c[0], 'name');
    byType(c, 'parameters', 'parameters');
    byType(c, 'type', 'return_type');
    byType(c, 'block', 'body');
  },
  class_definition: (c) => {
    name(c[0], 'name');
    byType(c, 'argument_list', 'superclasses');
    byType(c, 'block', 'body');
  },
  import_from_statement: (c) => name(c[0], 'module_name'),
  aliased_import: (c) => {
    name(c[0], 'name');
    name(c[1], 'alias');
  },
  typed_parameter: (c) => byType(c, 'type', 'type'),
  default_parameter: (c) => {
    name(c[0], 'name');
    name(c[1], 'value');
  },
  typed_default_parameter: (c) => {
    name(c[0], 'name');
    byType(c, 'type', 'type');
    if (c.length > 2) name(c[c.length - 1], 'value');
  },
  if_statement: (c) => name(c[0], 'condition'),
  elif_clause: (c) => name(c[0], 'condition'),
  while_statement: (c) => name(c[0], 'condition'),
};

/** The first child filling `field`. */
export function fieldOf(node: PySyntax, field: string): PySyntax | undefined {
  for (const c of node.children) if (c.field === field) return c;
  return undefined;
}

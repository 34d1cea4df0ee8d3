// A tree-sitter tree copied into plain objects in one cursor pass: reading
// fields of wasm-backed nodes one by one costs a call into wasm each time,
// the copy costs a few per node and the reader then runs on plain JavaScript.
import type { Tree } from 'web-tree-sitter';
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

export function copySyntax(parser: PythonParser, tree: Tree): PySyntax {
  const { typeNames, fieldNames } = parser;
  const cursor = tree.walk();
  try {
    const root: MutableSyntax = { type: 'module', field: null, start: 0, end: cursor.endIndex, children: [] };
    const stack: MutableSyntax[] = [root];
    if (!cursor.gotoFirstChild()) return root;
    for (;;) {
      const parent = stack[stack.length - 1]!;
      let node: MutableSyntax | undefined;
      if (cursor.nodeIsNamed || cursor.nodeTypeId === 65535) {
        node = {
          type: typeNames[cursor.nodeTypeId] ?? 'ERROR',
          field: fieldNames[cursor.currentFieldId] ?? null,
          start: cursor.startIndex,
          end: cursor.endIndex,
          children: [],
        };
        parent.children.push(node);
      }
      if (node && cursor.gotoFirstChild()) {
        stack.push(node);
        continue;
      }
      while (!cursor.gotoNextSibling()) {
        if (!cursor.gotoParent() || stack.length <= 1) return root;
        stack.pop();
      }
    }
  } finally {
    cursor.delete();
  }
}

/** The first child filling `field`. */
export function fieldOf(node: PySyntax, field: string): PySyntax | undefined {
  for (const c of node.children) if (c.field === field) return c;
  return undefined;
}

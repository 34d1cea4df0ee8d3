// Values of Python literals as written: strings (no f-string holes), lists of
// strings, booleans. Anything computed yields undefined.
import type { PySyntax } from './pythonSyntax';

const ESCAPES: Record<string, string> = { n: '\n', t: '\t', r: '\r', '\\': '\\', "'": "'", '"': '"', '\n': '' };

export function stringValue(node: PySyntax | undefined, source: string): string | undefined {
  if (!node) return undefined;
  if (node.type === 'concatenated_string') {
    let out = '';
    for (const part of node.children) {
      const v = stringValue(part, source);
      if (v === undefined) return undefined;
      out += v;
    }
    return out;
  }
  if (node.type === 'parenthesized_expression' && node.children.length === 1) return stringValue(node.children[0], source);
  if (node.type !== 'string') return undefined;
  const open = node.children.find((c) => c.type === 'string_start');
  const close = node.children.find((c) => c.type === 'string_end');
  if (!open || !close || node.children.some((c) => c.type === 'interpolation')) return undefined;
  const prefix = source.slice(open.start, open.end).toLowerCase();
  if (prefix.includes('b')) return undefined;
  const body = source.slice(open.end, close.start);
  if (prefix.includes('r') || !body.includes('\\')) return body;
  return body.replace(/\\(.)/gs, (whole, c: string) => ESCAPES[c] ?? whole);
}

/** `["a", "b"]`, `("a",)`, `{"a"}`: the strings, or undefined when any element is not one. */
export function stringList(node: PySyntax | undefined, source: string): string[] | undefined {
  if (!node) return undefined;
  if (node.type !== 'list' && node.type !== 'tuple' && node.type !== 'set') return undefined;
  const out: string[] = [];
  for (const c of node.children) {
    const v = stringValue(c, source);
    if (v === undefined) return undefined;
    out.push(v);
  }
  return out;
}

/** Python's `inspect.cleandoc`: first line stripped, the rest dedented, blank edges dropped. */
export function cleanDocstring(doc: string): string {
  const lines = doc.replace(/\r\n?/g, '\n').split('\n');
  let indent = Infinity;
  for (const line of lines.slice(1)) {
    const stripped = line.trimStart();
    if (stripped.length > 0) indent = Math.min(indent, line.length - stripped.length);
  }
  const out = [lines[0]!.trim(), ...lines.slice(1).map((l) => (indent === Infinity ? l : l.slice(indent)).trimEnd())];
  while (out.length > 0 && out[0] === '') out.shift();
  while (out.length > 0 && out[out.length - 1] === '') out.pop();
  return out.join('\n');
}

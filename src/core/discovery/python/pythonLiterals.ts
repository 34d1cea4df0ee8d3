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
  return literalValue(source.slice(node.start, node.end));
}

/** The value of one string literal's source text (`r"..."`, `"""..."""`); undefined for bytes and f-strings with holes. */
export function literalValue(raw: string): string | undefined {
  let i = 0;
  while (i < raw.length && /[a-zA-Z]/.test(raw[i]!)) i++;
  const prefix = raw.slice(0, i).toLowerCase();
  const quote = raw[i];
  if (prefix.includes('b') || (quote !== '"' && quote !== "'")) return undefined;
  const triple = quote.repeat(3);
  const isTriple = raw.startsWith(triple, i) && raw.length >= i + 6 && raw.endsWith(triple);
  if (!isTriple && (raw.length < i + 2 || !raw.endsWith(quote))) return undefined;
  const body = isTriple ? raw.slice(i + 3, -3) : raw.slice(i + 1, -1);
  if (prefix.includes('f') && body.includes('{')) return undefined;
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
  if (!doc.includes('\n')) return doc.trim();
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

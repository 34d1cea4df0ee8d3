// Where YAML text nests too deep, found by one pass over the characters. The parser
// recurses once per level and overflows the stack on 100,000 nested brackets with no
// position; this pass gives the problem its place. It counts flow brackets outside
// quotes and comments, block indentation levels and compact `- - x` entries: close
// enough to the parser's depth to point at the line where nesting runs away.

/** The offset where nesting first exceeds `limit` levels, or undefined when it never does. */
export function tooDeepOffset(text: string, limit: number): number | undefined {
  const indents: number[] = [];
  let flow = 0;
  let i = 0;
  const n = text.length;
  while (i < n) {
    // A line: its indentation opens or closes block levels (flow content spans lines freely).
    let col = 0;
    while (i < n && text[i] === ' ') {
      i++;
      col++;
    }
    if (flow === 0 && i < n && text[i] !== '\n' && text[i] !== '#') {
      while (indents.length > 0 && indents[indents.length - 1]! >= col) indents.pop();
      indents.push(col);
      if (indents.length > limit) return i;
      // `- - - x`: each dash opens a sequence inside the previous one.
      let dashes = 0;
      while (i < n && text[i] === '-' && text[i + 1] === ' ') {
        dashes++;
        if (indents.length + dashes > limit) return i;
        i += 2;
        while (i < n && text[i] === ' ') i++;
      }
    }
    let quote = '';
    while (i < n && text[i] !== '\n') {
      const ch = text[i]!;
      if (quote) {
        if (ch === '\\' && quote === '"') i++;
        else if (ch === quote) quote = '';
      } else if (ch === '"' || ch === "'") quote = ch;
      else if (ch === '#' && (i === 0 || /\s/.test(text[i - 1]!))) {
        while (i < n && text[i] !== '\n') i++;
        break;
      } else if (ch === '[' || ch === '{') {
        flow++;
        if (flow + indents.length > limit) return i;
      } else if ((ch === ']' || ch === '}') && flow > 0) flow--;
      i++;
    }
    i++;
  }
  return undefined;
}

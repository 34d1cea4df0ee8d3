/** Maps character offsets of one text to 1-based line/column, by binary search over line starts. */
export class LineIndex {
  private readonly starts: number[];

  constructor(readonly text: string) {
    const starts = [0];
    for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
    this.starts = starts;
  }

  /** 1-based line and column of a 0-based character offset (clamped to the text). */
  position(offset: number): { line: number; column: number } {
    const o = Math.max(0, Math.min(offset, this.text.length));
    let lo = 0;
    let hi = this.starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.starts[mid]! <= o) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo + 1, column: o - this.starts[lo]! + 1 };
  }

  /** 1-based line of a 0-based offset. */
  line(offset: number): number {
    return this.position(offset).line;
  }
}

/** DuckDB reports byte offsets into UTF-8; turns one into a character offset of `text`. */
export function byteToCharOffset(text: string, byteOffset: number): number {
  // eslint-disable-next-line no-control-regex
  if (!/[^\x00-\x7f]/.test(text)) return byteOffset;
  return Buffer.from(text, 'utf8').subarray(0, byteOffset).toString('utf8').length;
}

/** DuckDB's parser errors count Unicode code points; turns one such offset into a character offset. */
export function codePointToCharOffset(text: string, codePoints: number): number {
  // eslint-disable-next-line no-control-regex
  if (!/[\ud800-\udfff]/.test(text)) return codePoints;
  let chars = 0;
  for (let n = 0; n < codePoints && chars < text.length; n++) chars += text.codePointAt(chars)! > 0xffff ? 2 : 1;
  return chars;
}

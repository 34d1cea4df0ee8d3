import { readFileSync } from 'node:fs';
import type { Problem } from '../../problem';

/** dbt files bigger than this are not project sources (a data dump in models/): skipped with a problem. */
export const MAX_DBT_FILE_BYTES = 5 * 1024 * 1024;

const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * Reads a text file, or says why not: missing, too big, binary, not UTF-8. Never throws.
 * Synchronous: for thousands of small files one read call each is several
 * times faster than the promise API's open/stat/read/close; callers read in
 * batches and yield between them.
 */
export function readDbtFileText(file: string, maxBytes = MAX_DBT_FILE_BYTES): { text?: string; problem?: Problem } {
  const at = (message: string, code: string): { problem: Problem } => ({
    problem: { file, line: 1, column: 1, severity: 'warning', code, message },
  });
  let buf: Buffer;
  try {
    buf = readFileSync(file);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    return { problem: { file, line: 1, column: 1, severity: 'error', code: 'dbt.file.unreadable', message: `Cannot read ${file}: ${code ?? String(err)}` } };
  }
  if (buf.length > maxBytes) return at(`Skipped: ${Math.round(buf.length / 1024 / 1024)} MB is too big for a dbt source file`, 'dbt.file.too-big');
  if (buf.subarray(0, 8192).includes(0)) return at('Skipped: binary file', 'dbt.file.binary');
  try {
    let text = utf8.decode(buf);
    if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    return { text };
  } catch {
    return at('Skipped: not UTF-8 text', 'dbt.file.encoding');
  }
}

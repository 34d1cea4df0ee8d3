import { readFileSync } from 'node:fs';
import type { Problem } from '../problem';

/** SQL and Python files bigger than this are not definitions (a data dump named .sql): skipped with a problem. */
export const MAX_DISCOVERY_FILE_BYTES = 1024 * 1024;

/** A dbt project's files may be bigger (generated schema files), up to this. */
export const MAX_DBT_FILE_BYTES = 5 * 1024 * 1024;

/** A source file's text, or why it was skipped (a problem at its first line), or that it is gone. */
export interface SourceText {
  readonly text?: string;
  readonly problem?: Problem;
  readonly missing?: boolean;
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * Reads a source file as text, or says why it was skipped (too big, binary, not UTF-8, unreadable)
 * or that it is missing. Never throws. Synchronous: for thousands of small files one blocking read
 * each is several times cheaper than the open/stat/read/close round trips of the async API
 * (callers read in slices and yield between them).
 */
export function readSourceText(file: string, maxBytes = MAX_DISCOVERY_FILE_BYTES): SourceText {
  let buf: Buffer;
  try {
    buf = readFileSync(file);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'EISDIR' || code === 'ENOTDIR') return { missing: true };
    return { problem: skipped(file, 'error', 'discovery.unreadable', `Cannot read this file (${code ?? String(err)}); it was skipped.`) };
  }
  if (buf.length > maxBytes) {
    const mb = (n: number) => `${(n / 1024 / 1024).toFixed(n % (1024 * 1024) === 0 ? 0 : 1)} MB`;
    return { problem: skipped(file, 'warning', 'discovery.file-too-large', `Skipped: ${mb(buf.length)} is more than the ${mb(maxBytes)} a source file may have.`) };
  }
  if (buf.subarray(0, 8192).includes(0)) {
    return { problem: skipped(file, 'warning', 'discovery.binary-file', 'Skipped: this is a binary file, not text.') };
  }
  try {
    let text = utf8.decode(buf);
    if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    return { text };
  } catch {
    return { problem: skipped(file, 'warning', 'discovery.not-utf8', 'Skipped: this file is not UTF-8 text; save it as UTF-8 to have it read.') };
  }
}

function skipped(file: string, severity: Problem['severity'], code: string, message: string): Problem {
  return { file, line: 1, column: 1, severity, code, message };
}

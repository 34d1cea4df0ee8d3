import { readFileSync, statSync } from 'node:fs';
import { sha1Hex } from '../sha1Hex';

/**
 * What tells a file's content may have changed without reading it: size, modification time and
 * inode (a file replaced by a rename, as editors and git save, is a new inode). Undefined when it
 * cannot be stat'ed or is not a file. Used by the discovery cache across starts and by dbt
 * discovery within one.
 */
export function fileStamp(file: string): string | undefined {
  try {
    const s = statSync(file, { throwIfNoEntry: false });
    return s?.isFile() ? `${s.mtimeMs}:${s.size}:${s.ino}` : undefined;
  } catch {
    return undefined;
  }
}

/** The modification time a stamp holds, in milliseconds. */
export function stampedMtime(stamp: string): number {
  return Number(stamp.slice(0, stamp.indexOf(':')));
}

/**
 * A hash of the file's bytes, or undefined when it cannot be read. What a stamp cannot tell: a file
 * with the same content under a new stamp (a fresh clone, a checkout, a copy) is the same file.
 */
export function fileContentHash(file: string): string | undefined {
  try {
    return sha1Hex(readFileSync(file));
  } catch {
    return undefined;
  }
}

// Workspaces for tests of the discovery cache: files old enough to be cached, and edits that only a
// cache can miss.
import assert from 'node:assert/strict';
import { cpSync, readFileSync, readdirSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

const fixtures = resolve(__dirname, '../fixtures');

export const HOUR_AGO = new Date(Date.now() - 3600_000);

/** The named fixture folders copied under `root`, every file dated an hour ago (older than the cache's racy window). */
export function agedFixtures(root: string, names: readonly string[]): void {
  for (const name of names) cpSync(join(fixtures, name), join(root, name), { recursive: true });
  const age = (dir: string): void => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const p = join(dir, e.name);
      if (e.isDirectory()) age(p);
      else utimesSync(p, HOUR_AGO, HOUR_AGO);
    }
  };
  age(root);
}

/** Rewrites a file with text of the same length, then gives it back the modification time it had. */
export function sameSizeAndTime(file: string, edit: (text: string) => string): void {
  const before = statSync(file);
  const text = readFileSync(file, 'utf8');
  const next = edit(text);
  assert.equal(Buffer.byteLength(next), Buffer.byteLength(text));
  writeFileSync(file, next);
  utimesSync(file, before.atime, before.mtime);
}

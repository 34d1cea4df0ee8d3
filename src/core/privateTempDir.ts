import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * A folder with the prefix and no process id in its name (the older naming) is
 * removed once nothing in it has changed for this long: its process cannot be
 * known, and one still using it would have written to it since.
 */
export const UNOWNED_TEMP_AGE_MS = 24 * 60 * 60 * 1000;

/**
 * A new private folder for this process's temporary files, named with its
 * process id, so that folders left by a process that ended without removing
 * them (a crash, a kill) are removed by the next one. A folder whose process
 * may still run — or belongs to another user — is left alone.
 */
export function privateTempDir(prefix: string, parent = tmpdir(), now = Date.now()): string {
  for (const name of readdirSync(parent)) {
    if (!name.startsWith(prefix)) continue;
    const owner = /^(\d+)-/.exec(name.slice(prefix.length));
    const stale = owner ? !isRunning(Number(owner[1])) : unchangedSince(join(parent, name), now - UNOWNED_TEMP_AGE_MS);
    if (stale) rmSync(join(parent, name), { recursive: true, force: true });
  }
  return mkdtempSync(join(parent, `${prefix}${process.pid}-`));
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The folder and everything directly in it last changed before `time` (unreadable: treated as changed, kept). */
function unchangedSince(dir: string, time: number): boolean {
  try {
    if (statSync(dir).mtimeMs >= time) return false;
    return readdirSync(dir).every((entry) => statSync(join(dir, entry)).mtimeMs < time);
  } catch {
    return false;
  }
}

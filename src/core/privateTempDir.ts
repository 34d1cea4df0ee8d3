import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * A new private folder for this process's temporary files, named with its
 * process id, so that folders left by a process that ended without removing
 * them (a crash, a kill) are removed by the next one. A folder whose process
 * may still run — or belongs to another user — is left alone.
 */
export function privateTempDir(prefix: string, parent = tmpdir()): string {
  for (const name of readdirSync(parent)) {
    const owner = name.startsWith(prefix) ? /^(\d+)-/.exec(name.slice(prefix.length)) : null;
    if (owner && !isRunning(Number(owner[1]))) rmSync(join(parent, name), { recursive: true, force: true });
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

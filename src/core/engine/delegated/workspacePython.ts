import { existsSync, statSync } from 'node:fs';
import * as path from 'node:path';

/** A Python interpreter found without the user choosing one, and where it was found. */
export interface FoundPython {
  readonly path: string;
  /** For the run log: `the virtual environment <folder>` or `PATH`. */
  readonly foundIn: string;
}

const VENV_FOLDERS = ['.venv', 'venv', 'env'];

function isFile(file: string): boolean {
  try {
    return statSync(file).isFile();
  } catch {
    return false;
  }
}

function venvPython(venv: string): string | undefined {
  const candidates = process.platform === 'win32' ? [path.join(venv, 'Scripts', 'python.exe')] : [path.join(venv, 'bin', 'python3'), path.join(venv, 'bin', 'python')];
  return candidates.find(isFile);
}

/** An executable `name` in one of the folders of a PATH value. */
export function onPath(name: string, envPath: string | undefined): string | undefined {
  const exts = process.platform === 'win32' ? ['.exe', '.cmd', ''] : [''];
  for (const dir of (envPath ?? '').split(path.delimiter)) {
    if (!dir) continue;
    for (const ext of exts) {
      const file = path.join(dir, name + ext);
      if (isFile(file)) return file;
    }
  }
  return undefined;
}

/**
 * The interpreter a user of this stack expects when none was chosen (what the
 * Python extension would pick first): a virtual environment (`.venv`, `venv`,
 * `env` holding a pyvenv.cfg) in one of `folders`, in that order, else
 * `python3` / `python` on PATH. Undefined when there is none at all.
 */
export function findWorkspacePython(folders: readonly string[], envPath: string | undefined = process.env.PATH): FoundPython | undefined {
  for (const dir of folders) {
    for (const name of VENV_FOLDERS) {
      const venv = path.join(dir, name);
      if (!existsSync(path.join(venv, 'pyvenv.cfg'))) continue;
      const python = venvPython(venv);
      if (python) return { path: python, foundIn: `the virtual environment ${venv}` };
    }
  }
  for (const name of process.platform === 'win32' ? ['python'] : ['python3', 'python']) {
    const found = onPath(name, envPath);
    if (found) return { path: found, foundIn: 'PATH' };
  }
  return undefined;
}

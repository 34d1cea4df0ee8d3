import { CHOOSE_INTERPRETER_EDITOR, INTERPRETER_SOURCE_EDITOR } from '../../userHints';
import type { DelegatedCommand } from './delegatedCommand';
import { toolOf } from './delegatedCommand';

const WHERE_INTERPRETER = INTERPRETER_SOURCE_EDITOR;

/** pip package of a missing Python module, for the install hint. */
function pipPackage(moduleName: string): string {
  const top = moduleName.split('.')[0];
  if (top === 'dbt') return 'dbt-duckdb';
  if (top === 'dagster') return 'dagster dagster-duckdb';
  if (top.startsWith('dagster_')) return top.replace(/_/g, '-');
  return top;
}

/** Why a delegated tool could not even start, in words the user can act on; undefined when it did start. */
export function explainSpawnError(cmd: DelegatedCommand, errorCode: string | undefined): string | undefined {
  if (errorCode === 'ENOENT') {
    if (toolOf(cmd) === 'dbt') {
      const where = cmd.python ? `next to ${cmd.python} or on PATH` : 'on PATH';
      return `dbt was not found (${where}). Install it in your Python environment: pip install dbt-duckdb. ${WHERE_INTERPRETER}`;
    }
    return `The Python interpreter '${cmd.command}' was not found. ${CHOOSE_INTERPRETER_EDITOR}, then install Dagster in it: pip install dagster dagster-duckdb.`;
  }
  if (errorCode === 'EACCES') return `Cannot run '${cmd.command}': permission denied. Check that it is an executable file.`;
  if (errorCode) return `Cannot start '${cmd.command}' (${errorCode}).`;
  return undefined;
}

/**
 * Recognises "the tool is not installed" in the output of a failed run:
 * `No module named dagster` (from `python -m dagster`), `ModuleNotFoundError:
 * No module named 'dagster_duckdb'`, dbt's `Could not find adapter type duckdb!`.
 */
export function explainMissingTool(cmd: DelegatedCommand, lines: readonly string[]): string | undefined {
  for (const line of lines) {
    const m = /No module named '?([A-Za-z_][\w.]*)'?/.exec(line);
    if (m) {
      const mod = m[1];
      const interp = cmd.python ? ` in ${cmd.python}` : '';
      const top = mod.split('.')[0];
      if (top === 'dagster' || top.startsWith('dagster_') || top === 'dbt') {
        const tool = top === 'dbt' ? 'dbt' : top === 'dagster' ? 'Dagster' : `The Python package ${pipPackage(mod)}`;
        return `${tool} is not installed${interp} (No module named ${mod}). Install it: pip install ${pipPackage(mod)}. ${WHERE_INTERPRETER}`;
      }
      return `The Python module '${mod}' imported by your code is not installed${interp}. Install it: pip install ${pipPackage(mod)}. ${WHERE_INTERPRETER}`;
    }
    const adapter = /Could not find adapter type (\w+)/.exec(line);
    if (adapter) {
      return `The dbt adapter for ${adapter[1]} is not installed. Install it: pip install dbt-${adapter[1]}. ${WHERE_INTERPRETER}`;
    }
  }
  return undefined;
}

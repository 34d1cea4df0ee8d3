import * as vscode from 'vscode';
import { readSettings } from './config';

/** The bits of the Python extension's API (`ms-python.python`) used here. */
interface PythonExtensionApi {
  readonly environments?: {
    getActiveEnvironmentPath(resource?: vscode.Uri): { readonly id: string; readonly path: string };
    resolveEnvironment(env: { readonly id: string; readonly path: string } | string): Promise<
      { readonly executable: { readonly uri?: vscode.Uri } } | undefined
    >;
    readonly onDidChangeActiveEnvironmentPath?: vscode.Event<unknown>;
  };
}

/**
 * The interpreter Dagster and dbt run with: the one the Python extension has
 * chosen for the folder, else the assetStudio.pythonPath setting, else none
 * (the engine then takes the workspace's virtual environment, else python3 on PATH).
 */
export async function pythonInterpreterFor(folder: vscode.Uri, log: vscode.LogOutputChannel): Promise<string | undefined> {
  const extension = vscode.extensions.getExtension<PythonExtensionApi>('ms-python.python');
  if (extension) {
    try {
      const api = extension.isActive ? extension.exports : await extension.activate();
      const environments = api.environments;
      if (environments) {
        const active = environments.getActiveEnvironmentPath(folder);
        const resolved = await environments.resolveEnvironment(active);
        const executable = resolved?.executable.uri?.fsPath ?? active.path;
        if (executable) return executable;
      }
    } catch (err) {
      log.warn(`The Python extension did not give an interpreter: ${err instanceof Error ? err.message : String(err)}`);
    }
  }
  return readSettings(folder).pythonPath;
}

/** Calls `listener` when the Python extension's chosen interpreter changes (nothing without that extension). */
export function onDidChangePythonInterpreter(listener: () => void): vscode.Disposable {
  const extension = vscode.extensions.getExtension<PythonExtensionApi>('ms-python.python');
  if (!extension) return new vscode.Disposable(() => undefined);
  let subscription: vscode.Disposable | undefined;
  let disposed = false;
  void Promise.resolve(extension.isActive ? extension.exports : extension.activate()).then(
    (api) => {
      const event = api.environments?.onDidChangeActiveEnvironmentPath;
      if (event && !disposed) subscription = event(() => listener());
    },
    () => undefined,
  );
  return new vscode.Disposable(() => {
    disposed = true;
    subscription?.dispose();
  });
}

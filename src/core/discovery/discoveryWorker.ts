// Worker thread entry (bundled to dist/discovery-worker.js): parses a chunk of Python files off the
// main thread, with the function the main thread uses without workers.
import { parentPort } from 'node:worker_threads';
import { readPythonSourceFile } from './python/pythonFileRead';
import type { DiscoveryTask, DiscoveryTaskReply } from './discoveryPool';
import { loadPythonWorkspaceReader } from './pythonWorkspaceReader';
import type { PythonWorkspaceReader } from './pythonWorkspaceReader';

let python: Promise<PythonWorkspaceReader> | undefined;

function pythonReader(): Promise<PythonWorkspaceReader> {
  python ??= loadPythonWorkspaceReader().then((loaded) => {
    if (!loaded.reader) throw new Error(loaded.error ?? 'the Python grammar did not load');
    return loaded.reader;
  });
  return python;
}

async function run(task: DiscoveryTask): Promise<DiscoveryTaskReply> {
  const reader = await pythonReader();
  return { id: task.id, reads: task.files.map((f) => readPythonSourceFile(reader, f)) };
}

const port = parentPort;
if (port) {
  // The grammar loads (and its WebAssembly compiles) while the first task is still on its way.
  void pythonReader().catch(() => undefined);
  port.on('message', (task: DiscoveryTask) => {
    run(task)
      .then((reply) => port.postMessage(reply))
      // The main thread reads this chunk itself: a worker problem never loses files.
      .catch((err: unknown) => port.postMessage({ id: task.id, error: err instanceof Error ? err.message : String(err) }));
  });
}

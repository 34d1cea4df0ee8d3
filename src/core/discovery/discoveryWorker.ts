// Worker thread entry (bundled to dist/discovery-worker.js): reads and parses a chunk of SQL or
// Python files, or a dbt project, off the main thread, with the same functions the main thread
// uses without workers.
import { parentPort } from 'node:worker_threads';
import { discoverDbtProject, parsedDbtSchemaFiles } from './dbt/dbtProject';
import { readPythonSourceFile, readSqlSourceFile } from './discoveryFileReads';
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
  if (task.kind === 'sql') return { id: task.id, reads: task.files.map((f) => readSqlSourceFile(f, task.context)) };
  if (task.kind === 'dbt') {
    const project = await discoverDbtProject(task.projectDir);
    return { id: task.id, reads: [{ project, parsed: parsedDbtSchemaFiles(task.projectDir) }] };
  }
  const reader = await pythonReader();
  return { id: task.id, reads: task.files.map((f) => readPythonSourceFile(reader, f)) };
}

const port = parentPort;
if (port) {
  port.on('message', (task: DiscoveryTask) => {
    run(task)
      .then((reply) => port.postMessage(reply))
      // The main thread reads this chunk itself: a worker problem never loses files.
      .catch((err: unknown) => port.postMessage({ id: task.id, error: err instanceof Error ? err.message : String(err) }));
  });
}

/** Files per worker task: small enough to balance the threads at the end, big enough to amortise messages. */
const TASK_FILES = 128;

/** Files read between two yields to the event loop, so a cold start never blocks it for long. */
const READ_SLICE = 256;

/** Worker threads that read chunks of files, and when this thread may help them. */
export interface ChunkWorkers<R> {
  readonly pool: { readonly size: number; readPython(chunk: readonly string[]): Promise<R[]> };
  readonly helpAfter?: Promise<unknown>;
  /** Settles when this thread can read a file itself (its parser loaded): tasks go to the workers before. */
  readonly ready?: Promise<unknown>;
}

/**
 * Reads files in chunks, in this thread with a yield to the event loop between slices; with
 * workers, each worker takes the next waiting chunk as it finishes one, and so does this thread
 * once `helpAfter` settles (on a quiet 2-core machine it would otherwise wait ~1 s for the last
 * Python chunks), so that all end together. A chunk whose worker fails is read here. Results come
 * back in the order of `files`, whichever way they were read.
 */
export async function readChunks<R>(
  files: readonly string[],
  workers: ChunkWorkers<R> | undefined,
  inThread: (file: string) => R,
  onChunk?: (reads: readonly R[]) => void,
): Promise<R[]> {
  const size = workers ? TASK_FILES : READ_SLICE;
  const chunks: (readonly string[])[] = [];
  for (let i = 0; i < files.length; i += size) chunks.push(files.slice(i, i + size));
  const readHere = async (chunk: readonly string[], first: boolean): Promise<R[]> => {
    if (!first) await new Promise<void>((r) => setImmediate(r));
    await workers?.ready;
    return chunk.map(inThread);
  };
  const out: R[][] = [];
  if (!workers) {
    for (const chunk of chunks) {
      const reads = await readHere(chunk, out.length === 0);
      onChunk?.(reads);
      out.push(reads);
    }
    return out.flat();
  }
  let next = 0;
  const take = async (read: (chunk: readonly string[]) => Promise<R[]>): Promise<void> => {
    for (let i = next++; i < chunks.length; i = next++) {
      out[i] = await read(chunks[i]!);
      onChunk?.(out[i]!);
    }
  };
  const inWorker = (chunk: readonly string[]) => workers.pool.readPython(chunk).catch(() => readHere(chunk, false));
  const here = async (): Promise<void> => {
    await workers.helpAfter?.catch(() => undefined);
    await take((chunk) => readHere(chunk, false));
  };
  await Promise.all([...Array.from({ length: workers.pool.size }, () => take(inWorker)), ...(workers.helpAfter ? [here()] : [])]);
  return out.flat();
}

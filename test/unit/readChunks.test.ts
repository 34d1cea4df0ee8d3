import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readChunks } from '../../src/core/discovery/readChunks';

test('chunks go to the workers before this thread can read, and this thread reads only once it can', async () => {
  const files = Array.from({ length: 1000 }, (_, i) => `f${i}.py`);
  const toWorker: string[][] = [];
  const answers: (() => void)[] = [];
  const pool = {
    size: 1,
    readPython: (chunk: readonly string[]) =>
      new Promise<string[]>((resolve) => {
        toWorker.push([...chunk]);
        answers.push(() => resolve(chunk.map((f) => `worker:${f}`)));
      }),
  };
  let canRead!: () => void;
  const ready = new Promise<void>((resolve) => (canRead = resolve));
  const here: string[] = [];
  const reading = readChunks(files, { pool, helpAfter: Promise.resolve(), ready }, (f) => {
    here.push(f);
    return `here:${f}`;
  });
  await new Promise((r) => setImmediate(r));
  await new Promise((r) => setImmediate(r));
  assert.equal(toWorker.length, 1, 'the worker has its first chunk while this thread cannot read yet');
  assert.deepEqual(here, [], 'this thread waits for its parser instead of reading');
  canRead();
  await new Promise((r) => setImmediate(r));
  await new Promise((r) => setImmediate(r));
  assert.ok(here.length > 0, 'once it can, this thread helps with the chunks still waiting');
  for (const answer of answers.splice(0)) answer();
  // Whatever is still asked of the worker is answered as it comes.
  const flush = setInterval(() => answers.splice(0).forEach((a) => a()), 1);
  const reads = await reading;
  clearInterval(flush);
  assert.equal(reads.length, files.length);
  assert.deepEqual(
    reads.map((r) => r.slice(r.indexOf(':') + 1)),
    files,
    'results come back in the order of the files, whoever read them',
  );
  assert.ok(reads.some((r) => r.startsWith('worker:')) && reads.some((r) => r.startsWith('here:')));
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { withinDeadline } from '../../src/core/withinDeadline';

const after = <T>(ms: number, value: T) => new Promise<T>((resolve) => setTimeout(() => resolve(value), ms));

test('withinDeadline: the value when the work is in time, "late" when it is not, a failure in time as a failure', async () => {
  assert.deepEqual(await withinDeadline(after(1, ['a']), 200), ['a']);
  assert.equal(await withinDeadline(Promise.resolve(undefined), 200), undefined);
  assert.equal(await withinDeadline(after(200, 'slow'), 5), 'late');
  await assert.rejects(withinDeadline(Promise.reject(new Error('no file')), 200), /no file/);
  // A late failure is not an unhandled rejection (node:test would report it).
  assert.equal(await withinDeadline(new Promise((_, reject) => setTimeout(() => reject(new Error('later')), 20)), 1), 'late');
  await after(40, null);
});

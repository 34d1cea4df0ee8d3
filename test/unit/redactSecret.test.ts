import { test } from 'node:test';
import assert from 'node:assert/strict';
import { redact } from '../../src/core/redactSecret';

test('redacting a token replaces the token only; a value too short to be a token is left alone', () => {
  const message = 'Failed to load the motherduck extension for linux_amd64';
  assert.equal(redact(message, 'x'), message);
  assert.equal(redact(message, 'ext'), message);
  const token = 'eyJhbGciOiJIUzI1NiJ9.payload.sig';
  assert.equal(redact(`md:db?motherduck_token=${token} refused (${token})`, token), 'md:db?motherduck_token=*** refused (***)');
  assert.equal(redact(message, undefined), message);
});

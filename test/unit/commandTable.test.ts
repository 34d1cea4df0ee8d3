import * as assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { test } from 'node:test';
import { EDITOR_COMMAND_IDS } from '../../src/core/editorModel/editorCommandIds';
import { commands } from '../../src/extension/commands';
import type { CommandId } from '../../src/extension/commands';

const ROOT = resolve(import.meta.dirname, '../..');
const EXTENSION = join(ROOT, 'src/extension');

function contributedCommands(): string[] {
  const manifest = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { contributes: { commands: { command: string }[] } };
  return manifest.contributes.commands.map((c) => c.command);
}

function sourcesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name);
    if (e.isDirectory()) return sourcesUnder(path);
    return e.name.endsWith('.ts') ? [path] : [];
  });
}

test('every command contributed in package.json has exactly one entry in the command table, and every entry is contributed', () => {
  const contributed = contributedCommands();
  const twice = contributed.filter((id, i) => contributed.indexOf(id) !== i);
  assert.deepEqual(twice, [], 'commands contributed twice in package.json');
  const inTable = Object.keys(commands);
  assert.deepEqual(
    contributed.filter((id) => !inTable.includes(id)),
    [],
    'contributed in package.json but missing from src/extension/commands.ts',
  );
  assert.deepEqual(
    inTable.filter((id) => !contributed.includes(id)),
    [],
    'in src/extension/commands.ts but not contributed in package.json',
  );
});

test('every command core\'s editor models name (lenses, hover links) is in the command table', () => {
  // A type error first (npm run typecheck), a failure here if the types are bypassed.
  const named: readonly CommandId[] = EDITOR_COMMAND_IDS;
  assert.deepEqual(
    named.filter((id) => !Object.hasOwn(commands, id)),
    [],
    'named in src/core/editorModel/editorCommandIds.ts but not in src/extension/commands.ts',
  );
});

test('every entry of the command table is a function of the features', () => {
  for (const [id, command] of Object.entries(commands)) {
    assert.equal(typeof command, 'function', id);
    assert.ok(command.length >= 1, `${id} takes the session's features as its first argument`);
  }
});

test('commands are registered in one place: the session, from the table', () => {
  const registering = sourcesUnder(EXTENSION)
    .filter((file) => /\bregisterCommand\s*\(/.test(readFileSync(file, 'utf8')))
    .map((file) => relative(ROOT, file));
  assert.deepEqual(registering, ['src/extension/session.ts'], 'only the session registers commands; add new ones to src/extension/commands.ts');
  const session = readFileSync(join(EXTENSION, 'session.ts'), 'utf8');
  assert.equal(session.match(/\bregisterCommand\s*\(/g)?.length, 1, 'the session registers commands in one loop over the table');
});

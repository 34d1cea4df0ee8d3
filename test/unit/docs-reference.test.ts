import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { CHECK_TYPES, HEADER_KEYS } from '../../src/core/discovery/sql/sqlHeader';
import { TEMPLATE_NAMES } from '../../src/core/discovery/sql/sqlTemplate';
import { PROJECT_KEYS, TARGET_KEYS } from '../../src/core/project/projectFile';
import { VALUE_FLAGS } from '../../src/cli/cliIo';
import { COMMAND_USAGE } from '../../src/cli/cliUsage';

const repo = resolve(import.meta.dirname, '../..');
const doc = (name: string) => readFileSync(join(repo, 'docs', name), 'utf8');

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    if (['node_modules', '.git', '.cache', 'dist', 'fixtures', 'screenshots'].includes(name)) return [];
    return statSync(p).isDirectory() ? files(p) : /\.(ts|mjs|md|json|yml|sh)$/.test(name) ? [p] : [];
  });
}

test('nothing in the repository points at a design file outside it', () => {
  const outside: string[] = [];
  for (const f of [...files(join(repo, 'src')), ...files(join(repo, 'test')), ...files(join(repo, 'scripts')), ...files(join(repo, 'docs')), ...files(join(repo, 'webview')), join(repo, 'README.md')]) {
    if (f === import.meta.filename) continue; // this test names what it looks for
    const text = readFileSync(f, 'utf8');
    if (/\.\.\/shared\/|DESIGN\.md|DESIGN §|§\d/.test(text)) outside.push(relative(repo, f));
  }
  assert.deepEqual(outside, []);
});

test('the docs name every header key, check type, template, project and target key, command and flag', () => {
  const sql = doc('sql-assets.md');
  for (const k of HEADER_KEYS) assert.ok(sql.includes(`\`${k}\``), `sql-assets.md names ${k}`);
  for (const t of TEMPLATE_NAMES) assert.ok(sql.includes(`{{ ${t} }}`), `sql-assets.md names {{ ${t} }}`);
  const checks = doc('checks.md');
  for (const c of CHECK_TYPES) assert.ok(checks.includes(`\`${c}\``), `checks.md names ${c}`);
  const project = doc('project-file.md');
  for (const k of [...PROJECT_KEYS, ...TARGET_KEYS]) assert.ok(project.includes(`\`${k}\``), `project-file.md names ${k}`);
  const cli = doc('cli.md');
  for (const c of Object.keys(COMMAND_USAGE)) assert.ok(cli.includes(`asset-studio ${c}`), `cli.md names ${c}`);
  for (const f of VALUE_FLAGS) assert.ok(cli.includes(`--${f}`), `cli.md names --${f}`);
  const readme = readFileSync(join(repo, 'README.md'), 'utf8');
  assert.match(readme, /\(docs\/README\.md\)/);
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';

const root = join(__dirname, '..', '..');

function tsFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = join(dir, e.name);
    if (e.isDirectory()) return tsFiles(p);
    return e.name.endsWith('.ts') ? [p] : [];
  });
}

// `import … from 'vscode'`, `import type * as vscode from "vscode"`, `require('vscode')`, `import('vscode')`.
const VSCODE_IMPORT = /(?:from\s*|require\s*\(\s*|import\s*\(\s*)['"]vscode['"]/;

function offenders(dir: string, pattern: RegExp): string[] {
  return tsFiles(join(root, dir))
    .filter((f) => pattern.test(readFileSync(f, 'utf8')))
    .map((f) => relative(root, f));
}

test('src/core never imports vscode, so the CLI and tests can use it alone', () => {
  assert.deepEqual(offenders('src/core', VSCODE_IMPORT), []);
});

test('src/cli and src/protocol never import vscode', () => {
  assert.deepEqual([...offenders('src/cli', VSCODE_IMPORT), ...offenders('src/protocol', VSCODE_IMPORT)], []);
});

test('the webview imports nothing from the extension but the protocol', () => {
  const fromExtensionOrCore = /from\s*['"](?:\.\.\/)+(?:src\/)?(?:extension|core|cli)\//;
  assert.deepEqual(offenders('webview/src', fromExtensionOrCore), []);
});

test('the layering check itself catches a vscode import', () => {
  assert.ok(VSCODE_IMPORT.test("import * as vscode from 'vscode';"));
  assert.ok(VSCODE_IMPORT.test('import type { Uri } from "vscode"'));
  assert.ok(!VSCODE_IMPORT.test("import { x } from './vscodeish';"));
});

// One build for the three outputs (extension, CLI, lineage webview) plus the
// in-editor test suite. Type checking is `tsc --noEmit`, separately.
import * as esbuild from 'esbuild';
import { cpSync, mkdirSync, readdirSync, existsSync, chmodSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const watch = process.argv.includes('--watch');
const production = process.argv.includes('--production');

// DuckDB's native binding and minijinja (its WebAssembly sits beside its own glue) are
// required at run time from node_modules, never bundled. DuckDB's JavaScript API is bundled:
// required from node_modules its ~120 small modules took ~80 ms of CPU to load and compile
// in every CLI process, against ~3 ms bundled.
const nodeExternals = ['vscode', '@duckdb/node-bindings', 'minijinja-js'];

const common = {
  bundle: true,
  sourcemap: !production,
  minify: production,
  logLevel: 'warning',
  legalComments: 'none',
};

function listTests(dir) {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).filter((f) => f.endsWith('.test.ts')).map((f) => join(dir, f));
}

const builds = [
  {
    ...common,
    entryPoints: ['src/extension/main.ts'],
    outfile: 'dist/extension.js',
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    external: nodeExternals,
  },
  {
    ...common,
    entryPoints: ['src/cli/main.ts'],
    outfile: 'dist/cli.js',
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    external: nodeExternals,
    banner: { js: '#!/usr/bin/env node' },
  },
  {
    // Discovery's worker threads (src/core/discovery/discoveryPool.ts finds it next to the bundles).
    ...common,
    entryPoints: ['src/core/discovery/discoveryWorker.ts'],
    outfile: 'dist/discovery-worker.js',
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    external: nodeExternals,
  },
  {
    ...common,
    entryPoints: { lineage: 'webview/src/main.ts', 'layout-worker': 'webview/src/layoutWorker.ts' },
    outdir: 'dist/webview',
    platform: 'browser',
    format: 'iife',
    target: 'es2022',
    // Always minified (source maps kept): the lineage page parses 40% less before its first paint.
    minify: true,
  },
  {
    ...common,
    entryPoints: { data: 'webview/src/data/main.ts' },
    outdir: 'dist/webview',
    platform: 'browser',
    format: 'iife',
    target: 'es2022',
  },
  {
    ...common,
    entryPoints: ['test/vscode/index.ts', ...listTests('test/vscode')],
    outdir: 'dist/test/vscode',
    outbase: 'test/vscode',
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    external: [...nodeExternals, 'mocha'],
  },
].filter((b) => {
  const entries = Array.isArray(b.entryPoints) ? b.entryPoints : Object.values(b.entryPoints);
  return entries.every((e) => existsSync(e));
});

function copyAssets() {
  mkdirSync('dist', { recursive: true });
  // The Python grammar and its runtime are WebAssembly loaded beside the bundle.
  cpSync('node_modules/web-tree-sitter/tree-sitter.wasm', 'dist/tree-sitter.wasm');
  cpSync('node_modules/tree-sitter-python/tree-sitter-python.wasm', 'dist/tree-sitter-python.wasm');
  mkdirSync('dist/webview', { recursive: true });
  cpSync('node_modules/@vscode/codicons/dist/codicon.ttf', 'dist/webview/codicon.ttf');
  // The font's URL without its cache-busting query, so that the pages can preload it by a URL that matches.
  const codicons = readFileSync('node_modules/@vscode/codicons/dist/codicon.css', 'utf8');
  writeFileSync('dist/webview/codicon.css', codicons.replace(/\.\/codicon\.ttf\?[^"')]*/g, './codicon.ttf'));
  if (existsSync('webview/lineage.css')) cpSync('webview/lineage.css', 'dist/webview/lineage.css');
  if (existsSync('webview/data.css')) cpSync('webview/data.css', 'dist/webview/data.css');
}

if (watch) {
  copyAssets();
  const contexts = await Promise.all(builds.map((b) => esbuild.context(b)));
  await Promise.all(contexts.map((c) => c.watch()));
  console.log('esbuild: watching');
} else {
  const started = Date.now();
  await Promise.all(builds.map((b) => esbuild.build(b)));
  copyAssets();
  if (existsSync('dist/cli.js')) chmodSync('dist/cli.js', 0o755);
  console.log(`esbuild: built ${builds.length} bundles in ${Date.now() - started} ms`);
}

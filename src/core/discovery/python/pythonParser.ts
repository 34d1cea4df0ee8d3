import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type * as TreeSitter from 'web-tree-sitter';

/** One tree-sitter parser with the Python grammar, shared by every read (parsers are reusable, not re-entrant). */
export interface PythonParser {
  readonly parser: TreeSitter.Parser;
  readonly language: TreeSitter.Language;
  /** `language.types`/`language.fields` by id, cached so walking a tree reads names without calls into wasm. */
  readonly typeNames: readonly string[];
  readonly fieldNames: readonly (string | null)[];
  /** By type id: whether nodes of that type are named (punctuation and keywords are not). */
  readonly namedTypes: readonly boolean[];
}

let loading: Promise<PythonParser> | undefined;

/** Loads the runtime and the grammar once; later calls share the same parser. */
export function loadPythonParser(): Promise<PythonParser> {
  loading ??= load().catch((error: unknown) => {
    loading = undefined; // a failed load (missing wasm) may succeed after a rebuild
    throw error;
  });
  return loading;
}

async function load(): Promise<PythonParser> {
  // The CommonJS build on purpose: bundled into dist/*.js it locates itself with
  // __dirname, where the ESM build would need import.meta.url (empty in a CJS bundle).
  const treeSitter = require('web-tree-sitter') as typeof TreeSitter;
  const runtimeWasm = locateWasm('tree-sitter.wasm', join('node_modules', 'web-tree-sitter', 'tree-sitter.wasm'));
  const grammarWasm = locateWasm(
    'tree-sitter-python.wasm',
    join('node_modules', 'tree-sitter-python', 'tree-sitter-python.wasm'),
  );
  await treeSitter.Parser.init({ locateFile: () => runtimeWasm });
  const language = await treeSitter.Language.load(grammarWasm);
  const parser = new treeSitter.Parser();
  parser.setLanguage(language);
  const namedTypes = language.types.map((_, id) => language.nodeTypeIsNamed(id));
  return { parser, language, typeNames: language.types, fieldNames: language.fields, namedTypes };
}

/** Next to the bundle (dist/) first, else in node_modules of this file's folder or one above it. */
function locateWasm(name: string, inNodeModules: string): string {
  let dir = typeof __dirname === 'string' ? __dirname : process.cwd();
  for (;;) {
    const beside = join(dir, name);
    if (existsSync(beside)) return beside;
    const installed = join(dir, inNodeModules);
    if (existsSync(installed)) return installed;
    const parent = dirname(dir);
    if (parent === dir) break;
    dir = parent;
  }
  throw new Error(
    `Asset Studio cannot find ${name}: it should be next to the extension bundle (dist/) or in node_modules. Rebuild with \`npm run build\`.`,
  );
}

import type { DependencyRef, FileDiscovery } from '../../asset';
import { keyToString } from '../../assetKey';
import type { Problem, SourceLocation } from '../../problem';
import { problemAt } from '../../problem';
import { LineIndex, byteToCharOffset, codePointToCharOffset } from '../textPosition';
import { crashedSqlRead, leadingBlank, readSqlHeader } from './sqlHeaderRead';
import type { MutableAsset, SqlHeaderRead, SqlReadContext, SqlSourceFile } from './sqlHeaderRead';
import { parseSqlBatch } from './sqlParser';
import type { SqlParseResult } from './sqlParser';
import { THIS_PLACEHOLDER } from './sqlTemplate';

// Table functions that generate rows rather than read data: not sources.
const GENERATORS = new Set(['generate_series', 'range', 'unnest', 'repeat', 'duckdb_tables', 'duckdb_columns']);

/** Reads one .sql file. Prefer readSqlFiles for many: DuckDB parses them in one batch. */
export async function readSqlAssetFile(file: string, text: string, context: SqlReadContext): Promise<FileDiscovery> {
  return (await readSqlFiles([{ file, text }], context))[0]!;
}

/**
 * Reads .sql files into asset definitions. Files without an `@asset` header
 * yield nothing. Never throws: every problem is data at its line and column.
 */
export async function readSqlFiles(files: readonly SqlSourceFile[], context: SqlReadContext): Promise<FileDiscovery[]> {
  const reads = files.map((f) => readSqlHeader(f.file, f.text, context));
  const headers = reads.filter((r): r is SqlHeaderRead => 'header' in r);
  await completeSqlHeaders(headers);
  return reads.map((r) => ('header' in r ? r.discovery : r));
}

/** The second half: parses the bodies with DuckDB (one batch) and adds what it finds to each discovery. */
export async function completeSqlHeaders(headers: readonly SqlHeaderRead[]): Promise<void> {
  const pending = headers.filter((h) => h.parseText !== undefined);
  let parsed: SqlParseResult[];
  try {
    parsed = await parseSqlBatch(pending.map((p) => p.parseText!));
  } catch (err) {
    const message = `DuckDB's SQL parser could not run: ${err instanceof Error ? err.message : String(err)}`;
    parsed = pending.map(() => ({ ok: false, message }));
  }
  for (let i = 0; i < pending.length; i++) {
    const p = pending[i]!;
    try {
      completeWithParse(p, parsed[i]!);
    } catch (err) {
      (p.discovery.problems as Problem[]).push(crashedSqlRead(p.discovery.file, err).problems[0]!);
    }
  }
}

function completeWithParse(p: SqlHeaderRead, result: SqlParseResult): void {
  const file = p.discovery.file;
  const problems = p.discovery.problems as Problem[];
  // The asset is in the discovery unless its key was empty; then only the problems matter.
  const asset = p.discovery.assets[0] as MutableAsset | undefined;
  let bodyLines: LineIndex | undefined;
  // Positions in the body, shifted to the file: the body starts at bodyLine:bodyColumn.
  const position = (off: number): { line: number; column: number } => {
    bodyLines ??= new LineIndex(p.body);
    const at = bodyLines.position(off);
    return at.line === 1 ? { line: p.bodyLine, column: p.bodyColumn + at.column - 1 } : { line: p.bodyLine + at.line - 1, column: at.column };
  };
  // Table locations are UTF-8 byte offsets, parser errors code point offsets (DuckDB 1.5).
  const bodyLoc = (offset: number | undefined, unit: 'byte' | 'codepoint' = 'byte'): SourceLocation => {
    const off =
      offset === undefined
        ? leadingBlank(p.body)
        : unit === 'byte'
          ? byteToCharOffset(p.parseText!, offset)
          : codePointToCharOffset(p.parseText!, offset);
    return { file, ...position(off) };
  };
  if (!result.ok) {
    if (result.errorType === 'parser' || result.offset !== undefined) {
      problems.push(problemAt(bodyLoc(result.offset, 'codepoint'), 'error', 'sql.syntax', `SQL syntax error: ${result.message}`));
    } else {
      problems.push(
        problemAt(
          bodyLoc(undefined),
          'error',
          'sql.not-select',
          `The SQL after the header must be one SELECT query (CTEs allowed). DuckDB: ${result.message}`,
        ),
      );
    }
    return;
  }
  if (result.statementCount > 1) {
    problems.push(
      problemAt(bodyLoc(undefined), 'error', 'sql.multiple-statements', `A SQL asset is one SELECT query; this file has ${result.statementCount} statements.`),
    );
  }
  if (!asset) return;
  const own = keyToString(asset.key).toLowerCase();
  const seen = new Set(asset.deps.map((d) => keyToString(d.key).toLowerCase()));
  const deps: DependencyRef[] = [...asset.deps];
  for (const t of result.tables) {
    if (!t.schema && !t.catalog && t.table === THIS_PLACEHOLDER) continue;
    const key = [t.catalog, t.schema, t.table].filter((x): x is string => !!x);
    const id = keyToString(key).toLowerCase();
    // Reading its own relation (an incremental's previous rows) is not a dependency.
    if (id === own || seen.has(id)) continue;
    seen.add(id);
    deps.push({ key, origin: 'sql-table', location: bodyLoc(t.offset) });
  }
  for (const f of result.tableFunctions) {
    if (GENERATORS.has(f.name.toLowerCase())) continue;
    const label = f.firstArgument !== undefined ? `${f.name}('${f.firstArgument}')` : `${f.name}(…)`;
    if (seen.has(label.toLowerCase())) continue;
    seen.add(label.toLowerCase());
    deps.push({ key: [label], origin: 'table-function', label, location: bodyLoc(f.offset) });
  }
  asset.deps = deps;
}

import { createHash } from 'node:crypto';
import { basename, dirname, extname, relative, sep } from 'node:path';
import type { AssetDefinition, DependencyRef, FileDiscovery } from '../../asset';
import type { AssetKey } from '../../assetKey';
import { keyToString, parseKey } from '../../assetKey';
import type { Problem, SourceLocation } from '../../problem';
import { problemAt } from '../../problem';
import { LineIndex, byteToCharOffset, codePointToCharOffset } from '../textPosition';
import { findHeader, hasAssetHeader, parseSqlHeader } from './sqlHeader';
import type { ParsedHeader } from './sqlHeader';
import { parseSqlBatch } from './sqlParser';
import type { SqlParseResult } from './sqlParser';
import { THIS_PLACEHOLDER, TEMPLATE_NAMES, findTemplates, sqlForParsing } from './sqlTemplate';

export interface SqlReadContext {
  /** Absolute workspace root. */
  readonly root: string;
  /**
   * Absolute folders where SQL assets live (the static bases of the project's `assets` globs).
   * A file under one gets the default name `<folder>.<stem>`; elsewhere, the stem.
   */
  readonly assetRoots?: readonly string[];
}

export interface SqlSourceFile {
  readonly file: string;
  readonly text: string;
}

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
  const pending: Pending[] = [];
  const out: FileDiscovery[] = files.map((f) => {
    try {
      if (!hasAssetHeader(f.text)) return { file: f.file, assets: [], problems: [] };
      const p = readHeaderPart(f.file, f.text, context);
      if (p.parseText !== undefined) pending.push(p);
      return p.discovery;
    } catch (err) {
      return crashed(f.file, err);
    }
  });

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
      p.problems.push(crashed(p.discovery.file, err).problems[0]!);
    }
  }
  return out;
}

interface Pending {
  readonly discovery: FileDiscovery;
  readonly asset: { -readonly [K in keyof AssetDefinition]: AssetDefinition[K] };
  readonly problems: Problem[];
  readonly lines: LineIndex;
  readonly body: string;
  readonly bodyStart: number;
  readonly parseText?: string;
  readonly key: AssetKey;
  readonly header: ParsedHeader;
}

function readHeaderPart(file: string, text: string, context: SqlReadContext): Pending {
  const lines = new LineIndex(text);
  const span = findHeader(text)!;
  const header = parseSqlHeader(file, lines, span);
  const problems: Problem[] = [...header.problems];
  const loc = (offset: number): SourceLocation => ({ file, ...lines.position(offset) });

  const key = header.name ? parseKey(header.name) : defaultKey(file, context);
  if (key.length === 0) {
    problems.push(problemAt(header.nameLocation ?? loc(span.commentStart), 'error', 'sql.header.invalid-value', `'name' must name the asset.`));
  }
  const body = span.yamlEnd === -1 ? '' : text.slice(span.bodyStart);
  const sqlLine = lines.line(span.bodyStart + leadingBlank(body));

  for (const use of findTemplates(body)) {
    if (use.known) continue;
    problems.push(
      problemAt(
        { ...loc(span.bodyStart + use.offset), endLine: lines.line(span.bodyStart + use.offset + use.length), endColumn: lines.position(span.bodyStart + use.offset + use.length).column },
        'error',
        'sql.template.unknown',
        use.unclosed
          ? `'{{' is never closed with '}}'. Template values: ${TEMPLATE_NAMES.map((n) => `{{ ${n} }}`).join(', ')}.`
          : `Unknown template value '{{ ${use.name} }}': only ${TEMPLATE_NAMES.map((n) => `{{ ${n} }}`).join(', ')} exist.`,
      ),
    );
  }
  for (const check of header.checks) {
    const sql = check.config?.['sql'];
    if (typeof sql !== 'string') continue;
    for (const use of findTemplates(sql)) {
      if (!use.known) {
        problems.push(
          problemAt(check.location, 'error', 'sql.template.unknown', `Check '${check.name}' uses unknown template value '{{ ${use.name} }}': only ${TEMPLATE_NAMES.map((n) => `{{ ${n} }}`).join(', ')} exist.`),
        );
      }
    }
  }

  let parseText: string | undefined;
  if (span.yamlEnd !== -1) {
    if (body.trim().length === 0) {
      problems.push(problemAt(loc(span.bodyStart), 'error', 'sql.empty', 'No SQL after the @asset header: write one SELECT query below it.'));
    } else {
      parseText = sqlForParsing(body);
    }
  }

  const relation = key.length >= 2 ? { schema: key[key.length - 2]!, name: key[key.length - 1]! } : { name: key[0] ?? '' };
  const headerDeps: DependencyRef[] = header.depends.map((d) => ({ key: parseKey(d.text), origin: 'header', location: d.location }));
  const asset: Pending['asset'] = {
    key,
    source: 'sql',
    location: loc(span.commentStart),
    group: header.group ?? defaultGroup(file, context),
    kind: header.kind,
    deps: headerDeps,
    checks: header.checks,
    definitionHash: createHash('sha256').update(text).digest('hex'),
    sql: {
      kind: header.kind,
      relation,
      sql: body,
      sqlLine,
      ...(header.uniqueKey ? { uniqueKey: header.uniqueKey } : {}),
      ...(header.watermark ? { watermark: header.watermark } : {}),
      ...(header.partition ? { partition: header.partition } : {}),
    },
  };
  if (header.description !== undefined) asset.description = header.description;
  const discovery: FileDiscovery = { file, assets: key.length > 0 ? [asset] : [], problems };
  return { discovery, asset, problems, lines, body, bodyStart: span.bodyStart, key, header, ...(parseText !== undefined ? { parseText } : {}) };
}

function completeWithParse(p: Pending, result: SqlParseResult): void {
  const file = p.discovery.file;
  // Table locations are UTF-8 byte offsets, parser errors code point offsets (DuckDB 1.5).
  const bodyLoc = (offset: number | undefined, unit: 'byte' | 'codepoint' = 'byte'): SourceLocation => {
    const off =
      offset === undefined
        ? leadingBlank(p.body)
        : unit === 'byte'
          ? byteToCharOffset(p.parseText!, offset)
          : codePointToCharOffset(p.parseText!, offset);
    return { file, ...p.lines.position(p.bodyStart + off) };
  };
  if (!result.ok) {
    if (result.errorType === 'parser' || result.offset !== undefined) {
      p.problems.push(problemAt(bodyLoc(result.offset, 'codepoint'), 'error', 'sql.syntax', `SQL syntax error: ${result.message}`));
    } else {
      p.problems.push(
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
    p.problems.push(
      problemAt(bodyLoc(undefined), 'error', 'sql.multiple-statements', `A SQL asset is one SELECT query; this file has ${result.statementCount} statements.`),
    );
  }
  const own = keyToString(p.key).toLowerCase();
  const seen = new Set(p.asset.deps.map((d) => keyToString(d.key).toLowerCase()));
  const deps: DependencyRef[] = [...p.asset.deps];
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
  p.asset.deps = deps;
}

function leadingBlank(s: string): number {
  const m = /^\s*/.exec(s);
  return m ? m[0].length : 0;
}

function underAssetRoot(file: string, context: SqlReadContext): boolean {
  return (context.assetRoots ?? []).some((r) => {
    const rel = relative(r, file);
    return rel !== '' && !rel.startsWith('..') && !rel.startsWith(sep) && dirname(file) !== r;
  });
}

/** `<folder>.<stem>` under an assets root (e.g. assets/raw/taxi_trips.sql => raw/taxi_trips), else the stem. */
export function defaultKey(file: string, context: SqlReadContext): AssetKey {
  const stem = basename(file, extname(file));
  if (underAssetRoot(file, context)) return [basename(dirname(file)), stem];
  return [stem];
}

function defaultGroup(file: string, context: SqlReadContext): string {
  const dir = dirname(file);
  return dir === context.root || relative(context.root, dir).startsWith('..') ? 'default' : basename(dir);
}

function crashed(file: string, err: unknown): FileDiscovery {
  return {
    file,
    assets: [],
    problems: [
      problemAt(
        { file, line: 1, column: 1 },
        'error',
        'sql.internal',
        `Asset Studio could not read this file (please report it): ${err instanceof Error ? err.message : String(err)}`,
      ),
    ],
  };
}

import { Environment } from 'minijinja-js';

/** Where a template failed: the file and line the user wrote, and what went wrong. */
export interface DbtRenderError {
  readonly file: string;
  readonly line: number;
  readonly message: string;
}

export type DbtRenderResult = { readonly ok: true; readonly text: string } | { readonly ok: false; readonly error: DbtRenderError };

export interface DbtMacroFile {
  readonly file: string;
  readonly text: string;
}

/** A macro file minijinja could not read (an adapter-specific block, say): its macros are left out. */
export interface SkippedMacroFile {
  readonly file: string;
  readonly line: number;
  readonly message: string;
}

const MACROS = '__dbt_project_macros__';
/**
 * The global holding `this`'s attributes. minijinja-js turns a JS object into a
 * map, which renders as a map: `this` itself must stay the relation's string, so
 * `this.schema` (and database, identifier, name, table) inside a tag reads this.
 */
export const THIS_ATTRIBUTES = '__dbt_this';
const RENDER_SUFFIX = '#dbt.sql';
/** Bounds a template's work: a runaway loop ends in an error instead of a hung editor. */
const FUEL = 50_000_000;

/**
 * dbt's Jinja on minijinja (the Jinja2 implementation of dbt's Fusion engine).
 * The project's macros are one template whose macros every model imports, so
 * that macros call one another as in dbt's global macro namespace. Callbacks
 * given as globals must never throw: a JS exception inside the WebAssembly
 * engine corrupts it, so they record what went wrong and return a value.
 */
export class DbtJinja {
  /**
   * One environment per nesting level: a callback (`ref()` of a model whose
   * config needs rendering) renders again while the outer render runs, and an
   * environment cannot be entered twice.
   */
  private readonly envs: Environment[] = [];
  private depth = 0;
  /** The combined macro template, added to each environment as it is made. */
  private readonly macroTemplate: string | undefined;
  /** The imports that bring the project's macros into a model, written on the model's first line (no line shift). */
  private readonly importLine: string;
  /** Start line of each macro file inside the combined template, to report errors at the file's own line. */
  private readonly macroSpans: { readonly file: string; readonly start: number; readonly lines: number }[] = [];
  readonly skipped: SkippedMacroFile[] = [];
  readonly macroNames: ReadonlySet<string>;

  constructor(macroFiles: readonly DbtMacroFile[]) {
    const probe = newEnvironment();
    const parts: string[] = [];
    const names = new Set<string>();
    let line = 1;
    for (const m of macroFiles) {
      const text = withThisAttributes(asMacroTemplate(m.text));
      try {
        // Parsed alone first: one unreadable file must not take the others down.
        probe.addTemplate('__probe__', text);
      } catch (err) {
        const e = errorOf(err, m.file);
        this.skipped.push({ file: m.file, line: e.line, message: e.message });
        continue;
      }
      const lines = text.split('\n').length;
      this.macroSpans.push({ file: m.file, start: line, lines });
      parts.push(text);
      line += lines;
      for (const match of text.matchAll(/\{%-?\s*macro\s+([A-Za-z_][A-Za-z0-9_]*)/g)) names.add(match[1]!);
    }
    probe.free();
    this.macroNames = names;
    this.macroTemplate = names.size > 0 ? parts.join('\n') : undefined;
    this.importLine = names.size > 0 ? `{% from "${MACROS}" import ${[...names].join(', ')} %}` : '';
  }

  hasMacro(name: string): boolean {
    return this.macroNames.has(name);
  }

  /**
   * Renders `text` (the contents of `file`) with `globals` set for this render.
   * Never throws: an error says the file and line, inside a macro the macro's.
   */
  render(file: string, text: string, globals: Readonly<Record<string, unknown>>): DbtRenderResult {
    const env = this.environmentAt(this.depth);
    const set = Object.keys(globals);
    for (const k of set) env.addGlobal(k, globals[k]);
    this.depth++;
    try {
      // minijinja escapes output by the name's extension (JSON for .yml): dbt escapes nothing.
      return { ok: true, text: env.renderNamedStr(file + RENDER_SUFFIX, this.importLine + withThisAttributes(text), {}) };
    } catch (err) {
      const e = errorOf(err, file);
      return { ok: false, error: this.located({ ...e, file: e.file.endsWith(RENDER_SUFFIX) ? e.file.slice(0, -RENDER_SUFFIX.length) : e.file }) };
    } finally {
      this.depth--;
      for (const k of set) env.removeGlobal(k);
    }
  }

  private environmentAt(depth: number): Environment {
    let env = this.envs[depth];
    if (!env) {
      env = newEnvironment();
      if (this.macroTemplate !== undefined) env.addTemplate(MACROS, this.macroTemplate);
      this.envs[depth] = env;
    }
    return env;
  }

  /** An error in the combined macro template, placed at its own macro file's line. */
  private located(e: DbtRenderError): DbtRenderError {
    if (e.file !== MACROS) return e;
    const span = this.macroSpans.find((s) => e.line >= s.start && e.line < s.start + s.lines);
    return span ? { ...e, file: span.file, line: e.line - span.start + 1 } : e;
  }
}

/** Jinja as dbt configures it: Python methods on values, undefined names are errors, bounded work. */
function newEnvironment(): Environment {
  const env = new Environment();
  env.enablePyCompat();
  env.undefinedBehavior = 'strict';
  env.fuel = FUEL;
  return env;
}

/** `this.schema` and its siblings inside `{{ }}` and `{% %}` read THIS_ATTRIBUTES; lines do not move. */
function withThisAttributes(text: string): string {
  if (!text.includes('this.')) return text;
  return text.replace(/\{\{[\s\S]*?\}\}|\{%[\s\S]*?%\}/g, (tag) =>
    tag.replace(/(?<![\w.])this\.(database|schema|identifier|name|table)\b/g, `${THIS_ATTRIBUTES}.$1`),
  );
}

/**
 * dbt's `{% test name(args) %}…{% endtest %}` is a macro named `test_name`, as dbt
 * itself defines it; `{% materialization %}` and other adapter blocks are not
 * rewritten (such a file is skipped with a note).
 */
function asMacroTemplate(text: string): string {
  return text
    .replace(/\{%(-?)\s*test\s+([A-Za-z_][A-Za-z0-9_]*)\s*\(/g, '{%$1 macro test_$2(')
    .replace(/\{%(-?)\s*endtest\s*(-?)%\}/g, '{%$1 endmacro $2%}');
}

/** minijinja's message without its `(in name:line)` suffix, with that place. */
function errorOf(err: unknown, fallbackFile: string): DbtRenderError {
  const raw = err instanceof Error ? err.message : String(err);
  const first = raw.split('\n')[0]!.trim();
  const m = /\(in (.+):(\d+)\)\s*$/.exec(first);
  if (!m) return { file: fallbackFile, line: 1, message: first };
  return { file: m[1] === '<string>' ? fallbackFile : m[1]!, line: Number(m[2]), message: first.slice(0, m.index).trim() };
}

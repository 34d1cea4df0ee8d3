// What dbt discovery keeps between reads of the same projects — file texts by stamp, properties
// YAML parses, Jinja calls and model facts by text — so that a save re-reads and re-parses only the
// saved file. One per workspace index: two indexes never see each other's reads.
import * as path from 'node:path';
import { fileStamp } from '../fileStamp';
import { MAX_DBT_FILE_BYTES, readSourceText } from '../sourceText';
import type { SourceText } from '../sourceText';
import { hashText, readCalls } from './dbtModelRead';
import type { ModelRead, ReadCalls } from './dbtModelRead';
import { readDbtSchemaFile } from './dbtSchemaFile';
import type { DbtSchemaFile } from './dbtSchemaFile';
import { findJinjaCalls } from './jinjaCalls';
import type { JinjaCall } from './jinjaCalls';
import type { LineIndex } from '../textPosition';

/** Past this many files a cache starts again empty: a bound on memory, far above any project. */
const MAX_CACHED_FILES = 50_000;

/** A parsed properties YAML file with the text and project it was parsed for (valid while they are the same). */
export interface ParsedDbtSchemaFile {
  readonly text: string;
  readonly ctx: string;
  readonly result: DbtSchemaFile;
}

/** A file's dependencies/config (its ref/source/config calls) and hash, with the text they were read from. */
export interface DbtFileFacts {
  readonly text: string;
  readonly read: ReadCalls;
  readonly hash: string;
}

export class DbtReadState {
  /** Texts read before, by path, with the stamp they were read at: an unchanged file is not read again. */
  private readonly texts = new Map<string, { stamp: string; result: SourceText }>();
  /** Parsed files by path, reused while their text is unchanged (YAML parsing is the expensive part). */
  private readonly schemaFiles = new Map<string, ParsedDbtSchemaFile>();
  private readonly calls = new Map<string, { text: string; calls: JinjaCall[] }>();
  /** A whole file's dependencies/config and its hash, reused while the text is unchanged (treated as immutable). */
  private readonly fileFacts = new Map<string, DbtFileFacts>();
  /** A model as its file alone makes it, by the read result of its text. */
  readonly models = new WeakMap<SourceText, ModelRead>();

  /** Reads files in batches, letting the event loop run between batches (the editor stays responsive). */
  async readAll(files: readonly string[]): Promise<Map<string, SourceText>> {
    const results = new Map<string, SourceText>();
    for (let i = 0; i < files.length; i++) {
      const file = files[i]!;
      const stamp = fileStamp(file);
      const hit = this.texts.get(file);
      if (stamp !== undefined && hit && hit.stamp === stamp) results.set(file, hit.result);
      else results.set(file, this.read(file, stamp));
      if (i % 256 === 255) await new Promise<void>((r) => setImmediate(r));
    }
    return results;
  }

  /** Reads one file (a save), keeping its text for the next read of the project. */
  read(file: string, stamp = fileStamp(file)): SourceText {
    const result = readSourceText(file, MAX_DBT_FILE_BYTES);
    if (stamp !== undefined) {
      if (this.texts.size >= MAX_CACHED_FILES) this.texts.clear();
      this.texts.set(file, { stamp, result });
    }
    return result;
  }

  /** The properties YAML files parsed so far under `projectDir`, by path (for the discovery cache). */
  parsedSchemaFiles(projectDir: string): [string, ParsedDbtSchemaFile][] {
    return entriesUnder(this.schemaFiles, projectDir);
  }

  /**
   * Parses kept from an earlier start (the discovery cache): each is used only while its file still
   * has that text, as if this state had parsed it. Parses this state made win.
   */
  rememberSchemaFiles(entries: readonly [string, ParsedDbtSchemaFile][]): void {
    remember(this.schemaFiles, entries);
  }

  /** The file facts read so far under `projectDir`, by path (for the discovery cache). */
  fileFactsUnder(projectDir: string): [string, DbtFileFacts][] {
    return entriesUnder(this.fileFacts, projectDir);
  }

  /** File facts kept from an earlier start: each is used only while its file still has that text. */
  rememberFileFacts(entries: readonly [string, DbtFileFacts][]): void {
    remember(this.fileFacts, entries);
  }

  schemaFile(file: string, text: string, ctx: { projectDir: string; projectName: string }): DbtSchemaFile {
    const ctxKey = `${ctx.projectDir}\0${ctx.projectName}`;
    const hit = this.schemaFiles.get(file);
    if (hit && hit.text === text && hit.ctx === ctxKey) return hit.result;
    const result = readDbtSchemaFile(file, text, ctx);
    if (this.schemaFiles.size >= MAX_CACHED_FILES) this.schemaFiles.clear();
    this.schemaFiles.set(file, { text, ctx: ctxKey, result });
    return result;
  }

  jinjaCalls(file: string, text: string, lines?: LineIndex): JinjaCall[] {
    const hit = this.calls.get(file);
    if (hit && hit.text === text) return hit.calls;
    const calls = findJinjaCalls(text, lines);
    if (this.calls.size >= MAX_CACHED_FILES) this.calls.clear();
    this.calls.set(file, { text, calls });
    return calls;
  }

  facts(file: string, text: string): DbtFileFacts {
    const hit = this.fileFacts.get(file);
    if (hit && hit.text === text) return hit;
    const facts = { text, read: readCalls(file, this.jinjaCalls(file, text)), hash: hashText(text) };
    if (this.fileFacts.size >= MAX_CACHED_FILES) this.fileFacts.clear();
    this.fileFacts.set(file, facts);
    return facts;
  }
}

function entriesUnder<V>(byFile: ReadonlyMap<string, V>, projectDir: string): [string, V][] {
  const inside = path.resolve(projectDir) + path.sep;
  return [...byFile].filter(([file]) => file.startsWith(inside));
}

/** Adds what an earlier start kept, below the bound; what this state read itself wins. */
function remember<V>(byFile: Map<string, V>, entries: readonly [string, V][]): void {
  for (const [file, value] of entries) {
    if (byFile.has(file) || byFile.size >= MAX_CACHED_FILES) continue;
    byFile.set(file, value);
  }
}

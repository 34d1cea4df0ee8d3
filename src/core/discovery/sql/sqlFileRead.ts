import { readSourceText } from '../sourceText';
import { readSqlHeader } from './sqlHeaderRead';
import type { SqlHeaderResult, SqlReadContext } from './sqlHeaderRead';

/** One .sql file: gone, or what its header gave (a discovery or a header still to complete). */
export type SqlFileRead = { readonly file: string; readonly missing: true } | { readonly file: string; readonly read: SqlHeaderResult };

export function readSqlSourceFile(file: string, context: SqlReadContext): SqlFileRead {
  const source = readSourceText(file);
  if (source.missing) return { file, missing: true };
  if (source.problem) return { file, read: { file, assets: [], problems: [source.problem] } };
  return { file, read: readSqlHeader(file, source.text!, context) };
}

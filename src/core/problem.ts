/** Where something is written. Lines and columns are 1-based; `file` is absolute. */
export interface SourceLocation {
  readonly file: string;
  readonly line: number;
  readonly column: number;
  readonly endLine?: number;
  readonly endColumn?: number;
}

export type ProblemSeverity = 'error' | 'warning' | 'info';

/** A definition problem, reported at the place it was written. Never thrown. */
export interface Problem extends SourceLocation {
  readonly severity: ProblemSeverity;
  readonly message: string;
  /** Stable identifier of the rule, e.g. `sql.header.unknown-key`, `graph.cycle`. */
  readonly code: string;
}

export function problemAt(
  location: SourceLocation,
  severity: ProblemSeverity,
  code: string,
  message: string,
): Problem {
  return { ...location, severity, code, message };
}

/** What a reader that crashed on a file reports there, instead of losing the rest of the workspace. */
export function crashProblem(file: string, code: string, err: unknown): Problem {
  return {
    file,
    line: 1,
    column: 1,
    severity: 'error',
    code,
    message: `Asset Studio could not read this (please report it): ${err instanceof Error ? err.message : String(err)}`,
  };
}

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

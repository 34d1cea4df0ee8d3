/**
 * Tells an environment problem (a tool, interpreter or token missing) from a
 * problem in the user's code, by the messages toolFailure.ts and
 * motherDuckTokenFor write: the editor shows the first kind as a notification
 * with actions, never as a squiggle in the user's code.
 */
export type EnvironmentProblemKind = 'tool' | 'interpreter' | 'token';

export interface EnvironmentProblem {
  readonly kind: EnvironmentProblemKind;
  /** The message as written, for the notification. */
  readonly message: string;
  /** What `pip install` needs (`dbt-duckdb`, `dagster dagster-duckdb`), when a package is missing. */
  readonly pipPackages?: string;
}

const patterns: readonly { readonly re: RegExp; readonly kind: EnvironmentProblemKind; readonly packages?: string }[] = [
  { re: /\bdbt was not found \(/, kind: 'tool', packages: 'dbt-duckdb' },
  { re: /The Python interpreter '[^']*' was not found\./, kind: 'interpreter', packages: 'dagster dagster-duckdb' },
  { re: /\bis not installed\b.*?\. Install it: pip install ([\w .-]+?)\.(?:\s|$)/, kind: 'tool' },
  { re: /The dbt adapter for \w+ is not installed\. Install it: pip install ([\w-]+)\./, kind: 'tool' },
  { re: /\(MotherDuck md:[^)]*\) has no token: /, kind: 'token' },
];

export function environmentProblemOf(error: string | undefined): EnvironmentProblem | undefined {
  if (!error) return undefined;
  for (const p of patterns) {
    const m = p.re.exec(error);
    if (!m) continue;
    const pipPackages = p.packages ?? m[1]?.trim();
    return { kind: p.kind, message: error, ...(pipPackages ? { pipPackages } : {}) };
  }
  return undefined;
}

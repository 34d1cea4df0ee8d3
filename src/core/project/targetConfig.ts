import type { SourceLocation } from '../problem';

export type TargetType = 'duckdb' | 'motherduck';

/** A database the assets can be materialized into (docs/project-file.md). */
export interface TargetConfig {
  readonly name: string;
  readonly type: TargetType;
  /** duckdb: absolute path of the database file. */
  readonly path?: string;
  /** motherduck: the database name used in `md:<database>`. */
  readonly database?: string;
  /** Schema for assets whose name has none. */
  readonly schema: string;
  readonly threads: number;
  /** Passed to Dagster/dbt runs. */
  readonly env: Readonly<Record<string, string>>;
  /** motherduck: environment variable holding the token. Never the token itself. */
  readonly tokenEnv?: string;
  /** Named `prod` or marked `protected`: every switch and write asks first. */
  readonly protected: boolean;
  /** Where it was declared; absent for the built-in default. */
  readonly origin?: SourceLocation;
  readonly from: 'project' | 'dbt-profile' | 'default';
  /**
   * Listed but not usable, and why (a dbt output whose `env_var('X')` has no value):
   * shown with the targets, refused when opened. Never holds a secret.
   */
  readonly unavailable?: string;
}

export const DEFAULT_TARGET_NAME = 'dev';
export const DEFAULT_DUCKDB_PATH = '.asset-studio/dev.duckdb';

export function isProtectedTarget(t: Pick<TargetConfig, 'name' | 'protected'>): boolean {
  return t.protected || t.name === 'prod';
}

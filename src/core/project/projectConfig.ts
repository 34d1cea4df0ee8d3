import type { Problem, SourceLocation } from '../problem';
import type { TargetConfig } from './targetConfig';
import type { DbtRunnerChoice } from '../engine/dbtRunnerChoice';

export const PROJECT_FILE_NAME = 'asset-studio.yml';

/** `asset-studio.yml`, resolved: every key optional, and no file is a valid project (docs/project-file.md). */
export interface ProjectConfig {
  /** Absolute folder holding the project file (the workspace folder when there is none). */
  readonly root: string;
  /** Absolute path of the project file, absent when there is none. */
  readonly file?: string;
  /** Globs, relative to root, where SQL assets live; absent: every *.sql with an @asset header. */
  readonly assets?: readonly string[];
  /** Globs, relative to root, added to the built-in excludes. */
  readonly exclude: readonly string[];
  readonly defaultTarget: string;
  /** Where `default_target` is written, so a problem with it points there. */
  readonly defaultTargetLocation?: SourceLocation;
  /** Targets declared in the project file only; see resolveTargets for dbt profiles and the default. */
  readonly targets: readonly TargetConfig[];
  /** `dbt_runner`: who runs dbt models (absent: auto). */
  readonly dbtRunner?: DbtRunnerChoice;
}

export interface LoadedProject {
  readonly config: ProjectConfig;
  readonly problems: readonly Problem[];
}

/** Always excluded from discovery. */
export const BUILTIN_EXCLUDES: readonly string[] = [
  '**/node_modules/**',
  '**/.git/**',
  '**/.venv/**',
  '**/venv/**',
  '**/__pycache__/**',
  '**/.asset-studio/**',
  '**/dbt_packages/**',
  // dbt's compiled output; only excluded inside dbt projects by the dbt reader, this
  // covers the common layout.
  '**/target/**',
];

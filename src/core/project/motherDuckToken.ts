import { SAVED_TOKEN_EDITOR } from '../userHints';
import type { TargetConfig } from './targetConfig';

export interface MotherDuckTokenChoice {
  /** The token to pass as `motherduck_token`; never logged, never stored in settings. */
  readonly token?: string;
  readonly source: 'env' | 'saved' | 'none';
  /** What to do when there is none, naming the target. */
  readonly hint?: string;
}

/**
 * The token of a MotherDuck target: the `token_env` variable when set, else the
 * one saved with the "Set MotherDuck Token" command (docs/project-file.md).
 */
export function motherDuckTokenFor(
  target: Pick<TargetConfig, 'name' | 'tokenEnv' | 'database'>,
  opts: { readonly env?: Readonly<Record<string, string | undefined>>; readonly saved?: string } = {},
): MotherDuckTokenChoice {
  const env = opts.env ?? process.env;
  const fromEnv = target.tokenEnv ? env[target.tokenEnv] : undefined;
  if (fromEnv) return { token: fromEnv, source: 'env' };
  if (opts.saved) return { token: opts.saved, source: 'saved' };
  const where = target.tokenEnv
    ? `set the environment variable ${target.tokenEnv} (token_env)`
    : 'add token_env to the target in asset-studio.yml';
  return {
    source: 'none',
    hint: `Target '${target.name}' (MotherDuck md:${target.database ?? ''}) has no token: ${where}${SAVED_TOKEN_EDITOR}.`,
  };
}

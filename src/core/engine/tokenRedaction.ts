// Token values a run knows, blanked out of everything it shows or stores. A dbt or
// Dagster child inherits the environment and can print any of it (a debug line, an
// error echoing its profile): its output is redacted before anyone sees it.
import type { TargetConfig } from '../project/targetConfig';
import type { AssetRunResult, EngineEvent } from './engineEvents';

export const REDACTED = '[redacted]';

// Variables that hold credentials by convention: MOTHERDUCK_TOKEN, motherduck_token, *_SECRET…
const SECRET_NAME = /(^|_)(TOKEN|SECRET|PASSWORD|PASSWD|API_KEY|ACCESS_KEY)$/i;
/**
 * Shorter values are not tokens (MotherDuck's are long JWTs): blanking them would cut
 * ordinary words (`x` turned `extension` into `e***tension`) and tell a reader the value.
 */
const MIN_SECRET_LENGTH = 6;

/** Values of the variables of `env` whose names say they hold a credential, plus those named in `names`. */
export function secretValues(env: Readonly<Record<string, string | undefined>>, names: readonly string[] = []): string[] {
  const out: string[] = [];
  for (const [name, value] of Object.entries(env)) {
    if (value && (SECRET_NAME.test(name) || names.includes(name))) out.push(value);
  }
  return out;
}

/** Every token a run on `target` may hand out: the saved one, its token_env, and credential-named variables. */
export function runSecrets(target: Pick<TargetConfig, 'tokenEnv' | 'env'>, opts: { readonly env?: Readonly<Record<string, string | undefined>>; readonly token?: string }): string[] {
  const names = target.tokenEnv ? [target.tokenEnv] : [];
  return [...(opts.token ? [opts.token] : []), ...secretValues(target.env, names), ...secretValues(opts.env ?? {}, names), ...secretValues(process.env, names)];
}

export type Redact = (text: string) => string;

const identity: Redact = (text) => text;

/** Replaces each of `secrets` in a text; the identity when there is none. */
export function redactor(secrets: Iterable<string | undefined>): Redact {
  // Longest first: a token that contains another is blanked whole.
  const list = [...new Set([...secrets].filter((s): s is string => typeof s === 'string' && s.length >= MIN_SECRET_LENGTH))].sort((a, b) => b.length - a.length);
  if (list.length === 0) return identity;
  return (text) => {
    let out = text;
    for (const s of list) if (out.includes(s)) out = out.split(s).join(REDACTED);
    return out;
  };
}

/** One secret (a MotherDuck token) out of a text before it reaches a log, a message or stored state. */
export function redact(text: string, secret: string | undefined): string {
  return redactor([secret])(text);
}

export function redactRunResult(r: AssetRunResult, redact: Redact): AssetRunResult {
  if (redact === identity) return r;
  return {
    ...r,
    ...(r.error !== undefined ? { error: redact(r.error) } : {}),
    checks: r.checks.map((c) => (c.error !== undefined ? { ...c, error: redact(c.error) } : c)),
    ...(r.partitions ? { partitions: r.partitions.map((p) => (p.error !== undefined ? { ...p, error: redact(p.error) } : p)) } : {}),
  };
}

export function redactEvent(e: EngineEvent, redact: Redact): EngineEvent {
  if (redact === identity) return e;
  switch (e.type) {
    case 'log':
      return { ...e, message: redact(e.message) };
    case 'statement':
      return { ...e, sql: redact(e.sql) };
    case 'asset-finished':
      return { ...e, result: redactRunResult(e.result, redact) };
    case 'check':
      return e.result.error !== undefined ? { ...e, result: { ...e.result, error: redact(e.result.error) } } : e;
    default:
      return e;
  }
}

/**
 * Shorter values are not tokens (MotherDuck's are long JWTs): blanking them would cut ordinary
 * words (`x` turned `extension` into `e***tension`) and tell a reader the value besides.
 */
export const MIN_SECRET_LENGTH = 6;

/** Removes a secret (a MotherDuck token) from any text before it reaches a log, a message or stored state. */
export function redact(text: string, secret: string | undefined): string {
  if (!secret || secret.length < MIN_SECRET_LENGTH) return text;
  return text.split(secret).join('***');
}

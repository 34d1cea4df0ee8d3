/** Removes a secret (a MotherDuck token) from any text before it reaches a log, a message or stored state. */
export function redact(text: string, secret: string | undefined): string {
  if (!secret) return text;
  return text.split(secret).join('***');
}

/** An asset key is a list of parts; its string form joins them with `/`, as Dagster prints keys. */
export type AssetKey = readonly string[];

export function keyToString(key: AssetKey): string {
  return key.join('/');
}

/** Parses `raw/taxi_trips`; a dotted relation `raw.taxi_trips` is accepted as the same key. */
export function parseKey(text: string): AssetKey {
  const trimmed = text.trim();
  if (trimmed.includes('/')) return trimmed.split('/').filter((p) => p.length > 0);
  return trimmed.split('.').filter((p) => p.length > 0);
}

export function lastPart(key: AssetKey): string {
  return key[key.length - 1] ?? '';
}

/**
 * Puts the entries of `map` in the order of `keys` (keys not in the map are skipped): a full read
 * that took cache hits first keeps the walk's order, as a start without the cache has it.
 */
export function inWalkOrder<V>(map: Map<string, V>, keys: readonly string[]): void {
  const entries: [string, V][] = [];
  for (const k of keys) if (map.has(k)) entries.push([k, map.get(k)!]);
  map.clear();
  for (const [k, v] of entries) map.set(k, v);
}

// What a layout depends on, as a string to compare and a short key to remember it by; whether a remembered one fits.
import type { LayoutInput, LayoutResult } from './layeredLayout';
import type { RememberedLayout } from '../../../src/protocol/lineageMessages';

/** Everything the layout of `input` depends on: a new snapshot that only changes states keeps its layout. */
export function layoutSignature(input: LayoutInput): string {
  const parts: string[] = [`${input.direction ?? 'lr'}\u0003${input.fast ? 'fast' : ''}`];
  for (const n of input.nodes) parts.push(`${n.id}\u0001${n.cluster ?? ''}\u0001${n.width}x${n.height}`);
  for (const e of input.edges) parts.push(`${e.from}\u0002${e.to}`);
  return parts.join('\u0000');
}

/**
 * A 53-bit hash of a signature (cyrb53) with the node count: the key a
 * remembered layout is stored under. Not a security measure: a layout taken
 * for another graph would only be drawn oddly, and the nodes are checked too.
 */
export function layoutKey(signature: string, nodes: number): string {
  let h1 = 0xdeadbeef;
  let h2 = 0x41c6ce57;
  for (let i = 0; i < signature.length; i++) {
    const c = signature.charCodeAt(i);
    h1 = Math.imul(h1 ^ c, 2654435761);
    h2 = Math.imul(h2 ^ c, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  const hash = 4294967296 * (2097151 & h2) + (h1 >>> 0);
  return `${nodes}:${hash.toString(36)}`;
}

/** A remembered layout under `key` that places exactly the nodes of `input`, as a layout result; else undefined. */
export function layoutFromRemembered(memo: RememberedLayout | undefined, key: string, input: LayoutInput): LayoutResult | undefined {
  if (!memo || memo.key !== key || memo.nodes.length !== input.nodes.length) return undefined;
  const ids = new Set(memo.nodes.map((n) => n.id));
  if (!input.nodes.every((n) => ids.has(n.id))) return undefined;
  return { nodes: memo.nodes, clusters: memo.clusters, width: memo.width, height: memo.height };
}

import * as crypto from 'node:crypto';
import { createHash } from 'node:crypto';

const oneShotHash = (crypto as { hash?: (algorithm: string, data: string | Uint8Array, encoding: 'hex') => string }).hash;

/** sha1 as hex; crypto.hash (Node ≥ 20.12) skips the Hash object, older editors' Node lack it. */
export function sha1Hex(data: string | Uint8Array): string {
  return oneShotHash ? oneShotHash('sha1', data, 'hex') : createHash('sha1').update(data).digest('hex');
}

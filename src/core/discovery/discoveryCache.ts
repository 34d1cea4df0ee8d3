// What a cold start read from each SQL and Python file, kept on disk for the next start: a file
// whose path and stamp (size, modification time, inode) are unchanged is not read, parsed or sent to DuckDB
// again; one whose stamp changed but whose bytes did not (a fresh clone in CI, a checkout, a copy) is
// read and hashed, not parsed. Optional (WorkspaceIndexOptions.cacheFile) and only ever an addition: a
// missing, broken or foreign cache file is an empty cache, and the true cold start does all the work.
import { createHash } from 'node:crypto';
import { closeSync, mkdirSync, openSync, readFileSync, readSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { deserialize, serialize } from 'node:v8';
import { fileContentHash, fileStamp, stampedMtime } from './fileStamp';

/** Bump when what a reader returns changes shape or meaning: older caches are then ignored. */
const CACHE_FORMAT = 9;

/** The first bytes of every cache file, whatever its format: what may be overwritten as a cache. */
const MAGIC = Buffer.from('asset-studio discovery cache\n');

/**
 * A file modified this close to when it was stamped may change again within the same mtime tick
 * (same size, same time): such entries are not kept, so an edit can never hide behind a stamp.
 */
const RACY_MS = 2000;

/** The cache file of one workspace folder inside a folder of caches (the editor's storage). */
export function discoveryCacheFileFor(cacheDir: string, root: string): string {
  return join(cacheDir, `discovery-${createHash('sha256').update(resolve(root)).digest('hex').slice(0, 16)}.cache`);
}

/**
 * SQL and Python reads are checked by the file's stamp, then by a hash of its bytes; dbt YAML
 * parses and dbt file facts (a model's ref/source/config calls) carry their text and are checked
 * by it; pyproject.toml content hashes are kept as values, for the Python reads (which name the
 * module of their pyproject.toml) to be used only while every pyproject.toml is as it was.
 */
export type CacheKind = 'sql' | 'python' | 'dbtYaml' | 'dbtFacts' | 'pyproject';

const KINDS: readonly CacheKind[] = ['sql', 'python', 'dbtYaml', 'dbtFacts', 'pyproject'];

function byKind<V>(): Record<CacheKind, Map<string, V>> {
  return { sql: new Map(), python: new Map(), dbtYaml: new Map(), dbtFacts: new Map(), pyproject: new Map() };
}

/**
 * True when `file` is missing or starts as a discovery cache: the command line takes any path
 * (`--cache FILE`) and must not overwrite a file that is something else.
 */
export function isDiscoveryCacheFile(file: string): boolean {
  let fd: number;
  try {
    fd = openSync(file, 'r');
  } catch (err) {
    // Nothing there to overwrite (a missing file, or a path through a file, where a save fails).
    const code = (err as NodeJS.ErrnoException).code;
    return code === 'ENOENT' || code === 'ENOTDIR';
  }
  try {
    const head = Buffer.alloc(MAGIC.length);
    return readSync(fd, head, 0, head.length, 0) === head.length && head.equals(MAGIC);
  } catch {
    return false;
  } finally {
    closeSync(fd);
  }
}

/**
 * One file's value as stored: JSON text when JSON gives back exactly the value (plain data, no
 * `undefined` field), else V8's serialization. Decoded on first use only: a start decodes the
 * files it finds unchanged, and a save writes the others' bytes back as they were.
 */
type Encoded = string | Uint8Array;

class Entry {
  private decoded: { value: unknown } | undefined;

  constructor(
    readonly stamp: string,
    private encoded: Encoded | undefined,
    value?: { value: unknown },
    /** The hash of the file's bytes the value was read from (SQL and Python reads); '' when not known. */
    readonly hash = '',
  ) {
    this.decoded = value;
  }

  static of(stamp: string, value: unknown): Entry {
    return new Entry(stamp, undefined, { value });
  }

  /** The same value, for the same bytes under another stamp. */
  withStamp(stamp: string): Entry {
    return new Entry(stamp, this.encoded, this.decoded, this.hash);
  }

  withHash(hash: string): Entry {
    return new Entry(this.stamp, this.encoded, this.decoded, hash);
  }

  /** The value; undefined when its bytes cannot be decoded (then it is no entry). */
  decode(): { value: unknown } | undefined {
    try {
      this.decoded ??= { value: typeof this.encoded === 'string' ? JSON.parse(this.encoded) : deserialize(this.encoded!) };
    } catch {
      return undefined;
    }
    return this.decoded;
  }

  /** True when `value` is the very value this entry decoded to. */
  holds(value: unknown): boolean {
    return this.decoded !== undefined && this.decoded.value === value;
  }

  get bytes(): Encoded {
    this.encoded ??= encode(this.decoded!.value);
    return this.encoded;
  }
}

/** JSON parses ~2x faster than V8's format here; it is used where it loses nothing. */
function encode(value: unknown): Encoded {
  return jsonExact(value) ? JSON.stringify(value) : serialize(value);
}

/** True when JSON.parse(JSON.stringify(value)) is deep-equal to `value` (strictly). */
function jsonExact(value: unknown): boolean {
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return true;
    case 'number':
      return Number.isFinite(value) && !Object.is(value, -0);
    case 'object': {
      if (value === null) return true;
      if (Array.isArray(value)) {
        for (let i = 0; i < value.length; i++) if (!(i in value) || !jsonExact(value[i])) return false;
        return true;
      }
      if (Object.getPrototypeOf(value) !== Object.prototype) return false;
      for (const k in value) if (!jsonExact((value as Record<string, unknown>)[k])) return false;
      return true;
    }
    default:
      return false;
  }
}

interface CacheFileContents {
  readonly format: number;
  readonly fingerprint: string;
  /** Per kind: path, stamp, content hash, value as encoded, one after the other. */
  readonly entries: Record<CacheKind, (string | Encoded)[]>;
}

export class DiscoveryCache {
  private readonly fresh = byKind<Entry>();
  /** Reads made after `startedAt` without a stamp: stamped when the cache is saved (see save). */
  private readonly unstamped = byKind<unknown>();
  private readonly startedAt = Date.now();
  /** Each file's stamp as its lookup found it, before it was read. */
  private readonly stamps = new Map<string, string | undefined>();
  hits = 0;

  private constructor(
    readonly file: string,
    private readonly fingerprint: string,
    private readonly old: Record<CacheKind, Map<string, Entry>>,
  ) {}

  /**
   * Reads the cache file. `fingerprint` says what else the results depend on (the reading code,
   * the SQL asset roots…): a cache made under another fingerprint is ignored. Never throws.
   */
  static load(file: string, fingerprint: string): DiscoveryCache {
    try {
      const bytes = readFileSync(file);
      if (!bytes.subarray(0, MAGIC.length).equals(MAGIC)) return DiscoveryCache.empty(file, fingerprint);
      const data = deserialize(bytes.subarray(MAGIC.length)) as CacheFileContents;
      if (data?.format !== CACHE_FORMAT || data.fingerprint !== fingerprint) return DiscoveryCache.empty(file, fingerprint);
      const old = byKind<Entry>();
      for (const kind of KINDS) {
        const flat = data.entries[kind];
        for (let i = 0; i + 3 < flat.length; i += 4) old[kind].set(flat[i] as string, new Entry(flat[i + 1] as string, flat[i + 3]!, undefined, flat[i + 2] as string));
      }
      return new DiscoveryCache(file, fingerprint, old);
    } catch {
      return DiscoveryCache.empty(file, fingerprint);
    }
  }

  /** A cache that knows nothing yet and will be saved to `file`. */
  static empty(file: string, fingerprint: string): DiscoveryCache {
    return new DiscoveryCache(file, fingerprint, byKind<Entry>());
  }

  /** True when the cache holds no stamped entry: every lookup would miss (a first start). */
  get empty(): boolean {
    return this.old.sql.size === 0 && this.old.python.size === 0;
  }

  /** The value stored for `path` when its stamp is still `stamp`. */
  get(kind: CacheKind, path: string, stamp: string | undefined): unknown {
    const hit = stamp === undefined ? undefined : this.old[kind].get(path);
    const decoded = hit && hit.stamp === stamp ? hit.decode() : undefined;
    if (!decoded) return undefined;
    this.hits++;
    this.fresh[kind].set(path, hit!);
    return decoded.value;
  }

  /**
   * The earlier read of `path` when the file has not changed since, else undefined: read it and
   * `keep` that. The stamp taken here (before the read) is the one `keep` stores; a first start
   * (an empty cache) stats nothing and misses.
   */
  lookup(kind: CacheKind, path: string): unknown {
    if (this.empty) return undefined;
    const stamp = fileStamp(path);
    this.stamps.set(path, stamp);
    const byStamp = this.get(kind, path, stamp);
    return byStamp !== undefined || stamp === undefined ? byStamp : this.getByContent(kind, path, stamp);
  }

  /** A new stamp on the very bytes an earlier read was made from: that read, kept under the new stamp. */
  private getByContent(kind: CacheKind, path: string, stamp: string): unknown {
    const entry = this.old[kind].get(path);
    if (!entry?.hash || fileContentHash(path) !== entry.hash) return undefined;
    const decoded = entry.decode();
    if (!decoded) return undefined;
    this.hits++;
    // Under a stamp too recent to trust the entry stays as it was: the next start hashes the file again.
    this.fresh[kind].set(path, Date.now() - stampedMtime(stamp) > RACY_MS ? entry.withStamp(stamp) : entry);
    return decoded.value;
  }

  /** Records what reading `path` gave, with the stamp its lookup took (none: stamped at save). */
  keep(kind: CacheKind, path: string, value: unknown): void {
    this.set(kind, path, this.stamps.get(path), value);
  }

  /** Every stored value of a kind whose values carry what they were made from (the caller checks them). */
  checkedEntries(kind: CacheKind): [string, unknown][] {
    const out: [string, unknown][] = [];
    for (const [path, e] of this.old[kind]) {
      const decoded = e.decode();
      if (decoded) out.push([path, decoded.value]);
    }
    return out;
  }

  /** Keeps a value that carries what it was made from: no stamp, its user checks it. */
  setChecked(kind: CacheKind, path: string, value: unknown): void {
    const old = this.old[kind].get(path);
    this.fresh[kind].set(path, old?.holds(value) ? old : Entry.of('', value));
  }

  /**
   * Records what reading `path` gave. With the stamp taken before the read, unless it is too recent
   * to trust; without one (a first start stats nothing before reading), it is stamped at save.
   */
  set(kind: CacheKind, path: string, stamp: string | undefined, value: unknown): void {
    if (stamp === undefined) {
      this.unstamped[kind].set(path, value);
      return;
    }
    const mtime = stampedMtime(stamp);
    if (!(Date.now() - mtime > RACY_MS)) return;
    this.fresh[kind].set(path, Entry.of(stamp, value));
  }

  /**
   * Writes what this start saw (entries of files gone since are dropped), unless it is what the file
   * already holds. Never throws: false when it could not.
   */
  save(): boolean {
    if (this.unchanged()) return true;
    try {
      // A read made after startedAt of a file last modified well before it read what the file has
      // at this stamp: a write after the read would have moved the mtime past startedAt.
      for (const kind of ['sql', 'python'] as const) {
        for (const [path, value] of this.unstamped[kind]) {
          const stamp = fileStamp(path);
          const mtime = stamp === undefined ? NaN : stampedMtime(stamp);
          if (this.startedAt - mtime > RACY_MS) this.fresh[kind].set(path, Entry.of(stamp!, value));
        }
        this.unstamped[kind].clear();
        // The bytes each new read was made from, for a next start that finds them under another
        // stamp. Hashed now, so kept only while the file still has the stamp of its read.
        for (const [path, entry] of this.fresh[kind]) {
          if (entry.hash) continue;
          const hash = fileContentHash(path);
          if (hash !== undefined && fileStamp(path) === entry.stamp) this.fresh[kind].set(path, entry.withHash(hash));
        }
      }
      const contents: CacheFileContents = {
        format: CACHE_FORMAT,
        fingerprint: this.fingerprint,
        entries: byKindFlat(this.fresh),
      };
      mkdirSync(dirname(this.file), { recursive: true });
      const tmp = `${this.file}.${process.pid}.tmp`;
      writeFileSync(tmp, Buffer.concat([MAGIC, serialize(contents)]));
      renameSync(tmp, this.file);
      return true;
    } catch {
      return false;
    }
  }

  /** True when every entry kept is one the file gave (a start that changed nothing). */
  private unchanged(): boolean {
    for (const kind of KINDS) {
      if (this.unstamped[kind].size > 0 || this.fresh[kind].size !== this.old[kind].size) return false;
      for (const [path, entry] of this.fresh[kind]) if (this.old[kind].get(path) !== entry) return false;
    }
    return this.old.sql.size + this.old.python.size + this.old.dbtYaml.size + this.old.dbtFacts.size > 0;
  }
}

function byKindFlat(entries: Record<CacheKind, Map<string, Entry>>): CacheFileContents['entries'] {
  const out = { sql: [], python: [], dbtYaml: [], dbtFacts: [], pyproject: [] } as CacheFileContents['entries'];
  for (const kind of KINDS) for (const [path, e] of entries[kind]) out[kind].push(path, e.stamp, e.hash, e.bytes);
  return out;
}

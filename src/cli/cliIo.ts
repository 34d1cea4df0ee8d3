/** What a command needs from the process; tests pass their own. */
export interface CliIo {
  readonly stdout: { write(text: string): unknown };
  readonly stderr: { write(text: string): unknown };
  readonly cwd: string;
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Aborted by SIGINT/SIGTERM (src/cli/cliSignals.ts): a run in progress is cancelled. */
  readonly signal?: AbortSignal;
}

/** Parsed `--flag value` / `--flag` options and positional arguments. */
export interface CliArgs {
  readonly positionals: readonly string[];
  readonly flags: ReadonlyMap<string, string | true>;
  /** Every value of a flag given more than once (`--where a=1 --where b=2`), in order; `flags` keeps the last. */
  readonly repeated?: ReadonlyMap<string, readonly string[]>;
}

export const VALUE_FLAGS = new Set(['root', 'target', 'confirm', 'partition', 'from', 'to', 'dbt-runner', 'python', 'vars', 'key', 'defer', 'limit', 'sort', 'where', 'column', 'cache', 'against']);
/** Flags whose repeated values read as one comma-joined value (`--key a --key b` is `a,b`). */
const COMMA_JOINED_FLAGS = new Set(['key']);

export function parseArgs(argv: readonly string[]): CliArgs {
  const positionals: string[] = [];
  const flags = new Map<string, string | true>();
  const repeated = new Map<string, string[]>();
  const set = (name: string, value: string | true) => {
    const before = flags.get(name);
    flags.set(name, COMMA_JOINED_FLAGS.has(name) && typeof before === 'string' && typeof value === 'string' ? `${before},${value}` : value);
    if (typeof value === 'string') repeated.set(name, [...(repeated.get(name) ?? []), value]);
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a.startsWith('--')) {
      const eq = a.indexOf('=');
      if (eq > 0) {
        set(a.slice(2, eq), a.slice(eq + 1));
      } else {
        const name = a.slice(2);
        const next = argv[i + 1];
        if (VALUE_FLAGS.has(name)) {
          if (next === undefined) throw new UsageError(`--${name} needs a value`);
          set(name, next);
          i++;
        } else {
          flags.set(name, true);
        }
      }
    } else {
      positionals.push(a);
    }
  }
  return { positionals, flags, repeated };
}

export function flagString(args: CliArgs, name: string): string | undefined {
  const v = args.flags.get(name);
  return typeof v === 'string' ? v : undefined;
}

/** Every value given for a repeatable flag, in order. */
export function flagStrings(args: CliArgs, name: string): readonly string[] {
  return args.repeated?.get(name) ?? (typeof args.flags.get(name) === 'string' ? [args.flags.get(name) as string] : []);
}

export class UsageError extends Error {}

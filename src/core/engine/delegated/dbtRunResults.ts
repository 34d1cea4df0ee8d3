import { readFile } from 'node:fs/promises';
import * as path from 'node:path';
import type { AssetKey } from '../../assetKey';

/*
 * Reads dbt's `target/run_results.json` (schema v5: dbt 1.5–1.7, v6: dbt 1.8+;
 * https://docs.getdbt.com/reference/artifacts/run-results-json and
 * https://schemas.getdbt.com/dbt/run-results/v6.json). Each result has
 * unique_id, status, execution_time, message, failures (tests) and
 * adapter_response (adapter-specific: dbt-duckdb returns only `{"_message": "OK"}`,
 * other adapters add `rows_affected`). A test's model comes from the manifest
 * (`attached_node`, `depends_on.nodes`) when given, else from the test name.
 */

export type DbtNodeStatus = 'success' | 'error' | 'skipped';
export type DbtTestStatus = 'pass' | 'fail' | 'warn' | 'error' | 'skipped';

export interface DbtNodeRunResult {
  readonly uniqueId: string;
  readonly resourceType: string;
  readonly name: string;
  /** dagster-dbt's key: the model/seed/snapshot name (or meta.dagster.asset_key from the manifest). */
  readonly key: AssetKey;
  readonly status: DbtNodeStatus;
  /** dbt's own status word (`success`, `error`, `skipped`, `partial success`, `no-op`…). */
  readonly dbtStatus: string;
  readonly rowsAffected?: number;
  /** Seconds. */
  readonly executionTime: number;
  readonly message?: string;
}

export interface DbtTestRunResult {
  readonly uniqueId: string;
  /** The test name as dbt names it, the same as the check name discovery gives it. */
  readonly name: string;
  /** The asset the test checks; absent when it cannot be told. */
  readonly asset?: AssetKey;
  readonly status: DbtTestStatus;
  readonly passed: boolean;
  /** `warn` when dbt reported a warning (or the manifest says severity warn). */
  readonly severity: 'error' | 'warn';
  /** Failing rows counted by the test. */
  readonly failures?: number;
  readonly executionTime: number;
  readonly message?: string;
}

export interface DbtRunResultsSummary {
  readonly schemaVersion?: string;
  readonly dbtVersion?: string;
  readonly generatedAt?: string;
  readonly invocationId?: string;
  readonly elapsedTime?: number;
  readonly nodes: DbtNodeRunResult[];
  readonly tests: DbtTestRunResult[];
  /** What could not be read (never thrown). */
  readonly problems: string[];
}

export interface DbtRunResultsOptions {
  /** Check name => asset, from discovery, used when the manifest does not say. */
  readonly testAssets?: ReadonlyMap<string, AssetKey>;
}

type Json = Record<string, unknown>;

function obj(v: unknown): Json | undefined {
  return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Json) : undefined;
}
function num(v: unknown): number | undefined {
  return typeof v === 'number' && Number.isFinite(v) ? v : undefined;
}
function text(v: unknown): string | undefined {
  return typeof v === 'string' && v !== '' ? v : undefined;
}

/** `test.proj.not_null_orders_id.cf6c17daed` => `not_null_orders_id`; singular tests have no hash. */
function nameFromUniqueId(uniqueId: string): string {
  const parts = uniqueId.split('.');
  if (parts.length >= 4 && /^[0-9a-f]{10}$/.test(parts[parts.length - 1])) return parts.slice(2, -1).join('.');
  return parts.slice(2).join('.');
}

function metaKey(node: Json | undefined): AssetKey | undefined {
  const fromMeta = (m: unknown) => obj(obj(m)?.dagster)?.asset_key;
  const k = fromMeta(obj(node?.config)?.meta) ?? fromMeta(node?.meta);
  if (Array.isArray(k) && k.length > 0 && k.every((p) => typeof p === 'string')) return k as string[];
  return undefined;
}

/** Key of a manifest node or source by unique_id, as dagster-dbt keys it. */
function keyOfUniqueId(uniqueId: string, manifest: Json | undefined): AssetKey | undefined {
  const parts = uniqueId.split('.');
  const type = parts[0];
  if (type === 'source') {
    const src = obj(obj(manifest?.sources)?.[uniqueId]);
    if (src) return metaKey(src) ?? [String(src.source_name), String(src.name)];
    return parts.length >= 4 ? [parts[2], parts.slice(3).join('.')] : undefined;
  }
  if (type === 'model' || type === 'seed' || type === 'snapshot') {
    const node = obj(obj(manifest?.nodes)?.[uniqueId]);
    if (node) return metaKey(node) ?? [String(node.name)];
    return parts.length >= 3 ? [parts[2]] : undefined;
  }
  return undefined;
}

/** `{{ get_where_subquery(ref('orders')) }}` / `source('raw','t')` in a test's `model` kwarg. */
function keyFromModelKwarg(model: unknown): AssetKey | undefined {
  if (typeof model !== 'string') return undefined;
  const src = /source\(\s*['"]([^'"]+)['"]\s*,\s*['"]([^'"]+)['"]\s*\)/.exec(model);
  if (src) return [src[1], src[2]];
  const ref = /ref\(\s*(?:['"][^'"]+['"]\s*,\s*)?['"]([^'"]+)['"]/.exec(model);
  return ref ? [ref[1]] : undefined;
}

const TEST_PREFIXES = ['not_null', 'unique', 'accepted_values', 'relationships'];

/**
 * Without a manifest: a generic test is named `<test>_<model>_<args>` (or
 * `source_<test>_<source>_<table>_<args>`). The model is the longest name among
 * the nodes of this run that fits.
 */
function assetFromTestName(name: string, nodes: readonly DbtNodeRunResult[], sourceKeys: readonly AssetKey[]): AssetKey | undefined {
  let best: AssetKey | undefined;
  let bestLen = 0;
  for (const prefix of TEST_PREFIXES) {
    if (name.startsWith(`source_${prefix}_`)) {
      const rest = name.slice(`source_${prefix}_`.length);
      for (const k of sourceKeys) {
        const target = k.join('_');
        if ((rest === target || rest.startsWith(`${target}_`)) && target.length > bestLen) {
          best = k;
          bestLen = target.length;
        }
      }
      if (!best) {
        // source_unique_raw_taxi_trips_trip_id: cannot split source from table without knowing them.
        return undefined;
      }
      return best;
    }
    if (name.startsWith(`${prefix}_`)) {
      const rest = name.slice(prefix.length + 1);
      for (const n of nodes) {
        if ((rest === n.name || rest.startsWith(`${n.name}_`)) && n.name.length > bestLen) {
          best = n.key;
          bestLen = n.name.length;
        }
      }
    }
  }
  if (best) return best;
  // Package and custom tests (`dbt_utils_expression_is_true_orders_…`): the longest node name inside.
  for (const n of nodes) {
    if ((name.includes(`_${n.name}_`) || name.endsWith(`_${n.name}`)) && n.name.length > bestLen) {
      best = n.key;
      bestLen = n.name.length;
    }
  }
  return best;
}

function nodeStatus(s: string): DbtNodeStatus {
  if (s === 'success' || s === 'no-op' || s === 'pass') return 'success';
  if (s === 'skipped') return 'skipped';
  return 'error'; // error, runtime error, partial success (some microbatch batches failed)
}

function testStatus(s: string): DbtTestStatus {
  if (s === 'pass' || s === 'fail' || s === 'warn' || s === 'skipped') return s;
  if (s === 'success') return 'pass';
  return 'error';
}

/** Summarises a parsed run_results.json. Never throws: what cannot be read lands in `problems`. */
export function parseDbtRunResults(json: unknown, manifest?: unknown, opts: DbtRunResultsOptions = {}): DbtRunResultsSummary {
  const problems: string[] = [];
  const root = obj(json);
  const man = obj(manifest);
  const nodes: DbtNodeRunResult[] = [];
  const tests: DbtTestRunResult[] = [];
  if (!root || !Array.isArray(root.results)) {
    problems.push('run_results.json has no `results` list: not a dbt run results file');
    return { nodes, tests, problems };
  }
  const metadata = obj(root.metadata);
  const pendingTests: { r: Json; uniqueId: string }[] = [];
  for (const item of root.results) {
    const r = obj(item);
    const uniqueId = text(r?.unique_id);
    if (!r || !uniqueId) {
      problems.push('a result without unique_id was skipped');
      continue;
    }
    const resourceType = uniqueId.split('.')[0];
    if (resourceType === 'test' || resourceType === 'unit_test') {
      pendingTests.push({ r, uniqueId });
      continue;
    }
    if (resourceType === 'operation') continue; // on-run-start/end hooks
    const key = keyOfUniqueId(uniqueId, man);
    if (!key) {
      problems.push(`cannot tell the asset of ${uniqueId}`);
      continue;
    }
    const dbtStatus = String(r.status ?? 'error');
    const rows = num(obj(r.adapter_response)?.rows_affected);
    nodes.push({
      uniqueId,
      resourceType,
      name: text(obj(obj(man?.nodes)?.[uniqueId])?.name) ?? uniqueId.split('.')[2] ?? uniqueId,
      key,
      status: nodeStatus(dbtStatus),
      dbtStatus,
      ...(rows !== undefined && rows >= 0 ? { rowsAffected: rows } : {}),
      executionTime: num(r.execution_time) ?? 0,
      ...(text(r.message) ? { message: text(r.message) } : {}),
    });
  }
  const sourceKeys: AssetKey[] = [];
  for (const uid of Object.keys(obj(man?.sources) ?? {})) {
    const k = keyOfUniqueId(uid, man);
    if (k) sourceKeys.push(k);
  }
  for (const { r, uniqueId } of pendingTests) {
    const node = obj(obj(man?.nodes)?.[uniqueId]) ?? obj(obj(man?.unit_tests)?.[uniqueId]);
    const isUnit = uniqueId.startsWith('unit_test.');
    const name = text(node?.name) ?? (isUnit ? uniqueId.split('.').slice(3).join('.') : nameFromUniqueId(uniqueId));
    let asset: AssetKey | undefined;
    const attached = text(node?.attached_node);
    if (attached) asset = keyOfUniqueId(attached, man);
    if (!asset && node) {
      const deps = (obj(node.depends_on)?.nodes as unknown[] | undefined)?.filter((d): d is string => typeof d === 'string') ?? [];
      if (deps.length === 1) asset = keyOfUniqueId(deps[0], man);
      else asset = keyFromModelKwarg(obj(obj(node.test_metadata)?.kwargs)?.model);
    }
    if (!asset && isUnit) asset = [uniqueId.split('.')[2]];
    asset ??= opts.testAssets?.get(name) ?? assetFromTestName(name, nodes, sourceKeys);
    const status = testStatus(String(r.status ?? 'error'));
    const configured = text(obj(node?.config)?.severity)?.toLowerCase();
    const failures = num(r.failures);
    tests.push({
      uniqueId,
      name,
      ...(asset ? { asset } : {}),
      status,
      passed: status === 'pass',
      severity: status === 'warn' || configured === 'warn' ? 'warn' : 'error',
      ...(failures !== undefined ? { failures } : {}),
      executionTime: num(r.execution_time) ?? 0,
      ...(text(r.message) ? { message: text(r.message) } : {}),
    });
    if (!asset) problems.push(`cannot tell which asset test ${name} checks`);
  }
  return {
    ...(text(metadata?.dbt_schema_version) ? { schemaVersion: text(metadata?.dbt_schema_version) } : {}),
    ...(text(metadata?.dbt_version) ? { dbtVersion: text(metadata?.dbt_version) } : {}),
    ...(text(metadata?.generated_at) ? { generatedAt: text(metadata?.generated_at) } : {}),
    ...(text(metadata?.invocation_id) ? { invocationId: text(metadata?.invocation_id) } : {}),
    ...(num(root.elapsed_time) !== undefined ? { elapsedTime: num(root.elapsed_time) } : {}),
    nodes,
    tests,
    problems,
  };
}

/**
 * Reads `<projectDir>/target/run_results.json` (and manifest.json beside it)
 * after a `dbt build`. A file older than `notBefore` is a previous run's: it
 * is reported, not used.
 */
export async function readDbtRunResults(
  projectDir: string,
  opts: DbtRunResultsOptions & { notBefore?: Date; targetPath?: string } = {},
): Promise<DbtRunResultsSummary> {
  const dir = path.resolve(projectDir, opts.targetPath ?? 'target');
  const file = path.join(dir, 'run_results.json');
  let json: unknown;
  try {
    json = JSON.parse(await readFile(file, 'utf8'));
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'dbt wrote no run_results.json (did it start?)' : `cannot read ${file}: ${code ?? (err as Error).message}`;
    return { nodes: [], tests: [], problems: [why] };
  }
  let manifest: unknown;
  try {
    manifest = JSON.parse(await readFile(path.join(dir, 'manifest.json'), 'utf8'));
  } catch {
    manifest = undefined; // names are enough without it
  }
  const summary = parseDbtRunResults(json, manifest, opts);
  if (opts.notBefore && summary.generatedAt) {
    const at = Date.parse(summary.generatedAt);
    // generated_at has second precision in practice; allow one second of clock rounding.
    if (Number.isFinite(at) && at < opts.notBefore.getTime() - 1000) {
      return { ...summary, nodes: [], tests: [], problems: [`${file} is from an earlier run (${summary.generatedAt}); this run wrote none`] };
    }
  }
  return summary;
}

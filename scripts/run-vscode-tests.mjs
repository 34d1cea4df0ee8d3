// The in-editor mocha suite (test/vscode) in a desktop VS Code, through
// @vscode/test-electron, for machines that can download VS Code. Where the
// download server is out of reach (as on the build machine this project grew
// on), the same suite runs inside code-server as part of `npm run test:e2e`
// (test/e2e/vscodeSuite.e2e.ts).
//
//   node scripts/run-vscode-tests.mjs          # needs `npm run build` first
import { runTests } from '@vscode/test-electron';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..');
const suite = join(root, 'dist', 'test', 'vscode', 'index.js');
if (!existsSync(suite)) {
  console.error('vscode tests: dist/test/vscode/index.js is missing; run `npm run build` first.');
  process.exit(1);
}

// A copy of the example, so runs never touch examples/ and never see old state.
const scratch = mkdtempSync(join(tmpdir(), 'asset-studio-vscode-'));
const workspace = join(scratch, 'nyc_taxi');
cpSync(join(root, 'examples', 'nyc_taxi'), workspace, {
  recursive: true,
  filter: (src) => !/[\\/]\.asset-studio$|\.duckdb(\.wal)?$/.test(src),
});
const resultsFile = join(scratch, 'results.json');

let code = 1;
try {
  code = await runTests({
    version: process.env.VSCODE_VERSION ?? 'stable',
    extensionDevelopmentPath: root,
    extensionTestsPath: suite,
    extensionTestsEnv: {
      ASSET_STUDIO_VSCODE_TEST_RESULTS: resultsFile,
      ...(process.env.ASSET_STUDIO_VSCODE_TEST_GREP ? { ASSET_STUDIO_VSCODE_TEST_GREP: process.env.ASSET_STUDIO_VSCODE_TEST_GREP } : {}),
    },
    launchArgs: [workspace, '--disable-extensions', '--disable-workspace-trust', '--user-data-dir', join(scratch, 'user-data')],
  });
} catch (err) {
  console.error(`vscode tests: ${err instanceof Error ? err.message : String(err)}`);
  console.error('vscode tests: if VS Code cannot be downloaded here, run the same suite in code-server: `npm run test:e2e -- test/e2e/vscodeSuite.e2e.ts`.');
} finally {
  if (existsSync(resultsFile)) {
    const { tests } = JSON.parse(readFileSync(resultsFile, 'utf8'));
    const failed = tests.filter((t) => t.state === 'failed').length;
    console.log(`vscode tests: ${tests.length - failed} passed, ${failed} failed`);
  }
  rmSync(scratch, { recursive: true, force: true });
}
process.exit(code === 0 ? 0 : 1);

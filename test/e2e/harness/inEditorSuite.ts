// Runs the test/vscode mocha suite inside code-server: the workbench's URL
// payload names the repository as extensionDevelopmentPath and the built suite
// as extensionTestsPath (as @vscode/test-web does); the extension host runs it
// and exits, and the workbench reports the exit through codeAutomationExit.
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { e2eEnvironment } from './e2eEnvironment';
import { startEditor } from './editor';

/** Matches RESULTS_ENV in test/vscode/index.ts (kept apart: that file is built for the editor). */
const RESULTS_ENV = 'ASSET_STUDIO_VSCODE_TEST_RESULTS';
const GREP_ENV = 'ASSET_STUDIO_VSCODE_TEST_GREP';

export interface InEditorTest {
  readonly title: string;
  readonly state: 'passed' | 'failed';
  readonly error?: string;
  readonly durationMs?: number;
}

export interface InEditorSuiteResult {
  /** Exit code of the extension host that ran the suite. */
  readonly exitCode: number;
  readonly failures: number;
  readonly tests: readonly InEditorTest[];
}

export interface InEditorSuiteOptions {
  /** Folder to copy and open; default examples/nyc_taxi. */
  readonly workspace?: string;
  readonly timeoutMs?: number;
  /** Only the tests whose full title matches (mocha grep); default every test. */
  readonly grep?: string;
}

export async function runInEditorSuite(options: InEditorSuiteOptions = {}): Promise<InEditorSuiteResult> {
  const env = e2eEnvironment();
  const suite = join(env.repoRoot, 'dist', 'test', 'vscode', 'index.js');
  if (!existsSync(suite)) throw new Error(`e2e: ${suite} is missing; run \`npm run build\`.`);
  const resultsFile = join(env.runDir, `vscode-suite-${process.pid}-${Date.now()}.json`);
  // No installed copy: the development build in the repository is the extension under test.
  const noExtensions = join(env.runDir, 'no-extensions');
  mkdirSync(noExtensions, { recursive: true });

  let reportExit: (code: number) => void = () => undefined;
  const exited = new Promise<number>((resolve) => (reportExit = resolve));
  const editor = await startEditor({
    workspace: options.workspace ?? 'examples/nyc_taxi',
    label: 'vscode-suite',
    extensionsDir: noExtensions,
    env: { [RESULTS_ENV]: resultsFile, ...(options.grep ? { [GREP_ENV]: options.grep } : {}) },
    payload: (server) => [
      ['extensionDevelopmentPath', `vscode-remote://${server.authority}${env.repoRoot}`],
      ['extensionTestsPath', `vscode-remote://${server.authority}${suite}`],
    ],
    beforeLoad: (page) => page.exposeFunction('codeAutomationExit', (code: number) => reportExit(code)),
  });
  try {
    const timeoutMs = options.timeoutMs ?? 240_000;
    let timer: NodeJS.Timeout | undefined;
    const exitCode = await Promise.race([
      exited,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`e2e: the in-editor suite did not finish within ${timeoutMs / 1000} s`)), timeoutMs);
      }),
    ]).finally(() => clearTimeout(timer));
    if (!existsSync(resultsFile)) {
      throw new Error(`e2e: the in-editor suite exited with ${exitCode} and wrote no results (did run() start? see test-results/e2e/logs/vscode-suite)`);
    }
    const results = JSON.parse(readFileSync(resultsFile, 'utf8')) as { failures: number; tests: InEditorTest[] };
    return { exitCode, failures: results.failures, tests: results.tests };
  } finally {
    await editor.close();
  }
}

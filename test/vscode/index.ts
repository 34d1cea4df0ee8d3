// Entry of the in-editor mocha suite. VS Code (or code-server, through the
// workbench `payload`) loads dist/test/vscode/index.js as extensionTestsPath
// and awaits run(); every *.test.js beside it is a suite file.
import Mocha from 'mocha';
import { readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** Names the file the results go to, for the runner outside the editor (test/e2e/harness/inEditorSuite.ts). */
export const RESULTS_ENV = 'ASSET_STUDIO_VSCODE_TEST_RESULTS';
/** Runs only the tests whose full title matches this pattern. */
export const GREP_ENV = 'ASSET_STUDIO_VSCODE_TEST_GREP';

interface TestOutcome {
  readonly title: string;
  readonly state: 'passed' | 'failed';
  readonly error?: string;
  readonly durationMs?: number;
}

export async function run(): Promise<void> {
  const grep = process.env[GREP_ENV];
  const mocha = new Mocha({ ui: 'tdd', color: false, timeout: 60_000, ...(grep ? { grep } : {}) });
  const files = readdirSync(__dirname).filter((f) => f.endsWith('.test.js')).sort();
  for (const f of files) mocha.addFile(join(__dirname, f));
  const outcomes: TestOutcome[] = [];
  const failures = await new Promise<number>((resolve) => {
    const runner = mocha.run(resolve);
    runner.on('pass', (t) => outcomes.push({ title: t.fullTitle(), state: 'passed', durationMs: t.duration }));
    runner.on('fail', (t, err: unknown) =>
      outcomes.push({
        title: t.fullTitle(),
        state: 'failed',
        error: err instanceof Error ? (err.stack ?? err.message) : String(err),
      }),
    );
  });
  const resultsPath = process.env[RESULTS_ENV];
  if (resultsPath) {
    writeFileSync(resultsPath, JSON.stringify({ files, failures, tests: outcomes }, null, 2));
  }
  if (failures > 0) throw new Error(`${failures} of ${outcomes.length} in-editor tests failed`);
}

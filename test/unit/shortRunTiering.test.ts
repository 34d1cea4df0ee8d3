import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const TIERING = resolve(__dirname, '../../src/cli/shortRunTiering');

/** In a fresh process: whether a function run 200 times (~10,000 loop turns) is TurboFan code, after the CLI's tuning or without it. */
function optimizedAfterWork(dir: string, tuned: boolean): boolean {
  const script = join(dir, 'probe.ts');
  writeFileSync(
    script,
    `import { setFlagsFromString } from 'node:v8';
import { tuneForShortRun } from ${JSON.stringify(TIERING)};
if (process.argv[2] === 'tuned') tuneForShortRun();
setFlagsFromString('--allow-natives-syntax');
const status = new Function('f', 'return %GetOptimizationStatus(f)') as (f: unknown) => number;
function hot(n: number): number { let s = 0; for (let i = 0; i < n; i++) s = (s * 31 + i) | 0; return s; }
let x = 0;
for (let k = 0; k < 200; k++) x += hot(50);
// A compile asked for runs on a background thread: give it time to land (it is never asked for when tuned).
const until = Date.now() + 3000;
while (Date.now() < until && (status(hot) & 64) === 0) x += 0;
x += hot(50);
console.log(JSON.stringify({ turbofan: (status(hot) & 64) !== 0, x }));
`,
  );
  const run = spawnSync(process.execPath, ['--import', 'tsx', script, tuned ? 'tuned' : 'default'], { encoding: 'utf8' });
  assert.equal(run.status, 0, run.stderr);
  return (JSON.parse(run.stdout) as { turbofan: boolean }).turbofan;
}

test("the CLI's interrupt budget leaves lukewarm code to the baseline tiers that V8's default would optimize", () => {
  const dir = mkdtempSync(join(tmpdir(), 'asset-studio-tiering-'));
  try {
    assert.equal(optimizedAfterWork(dir, false), true, 'with the default budget this much work is optimized');
    assert.equal(optimizedAfterWork(dir, true), false, 'with the CLI budget it is not');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

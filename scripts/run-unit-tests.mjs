// Runs every test/unit/**/*.test.ts with node's built-in test runner (TypeScript via tsx),
// so the runner's own summary is what CI reads.
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';

function find(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = join(dir, e.name);
    if (e.isDirectory()) return find(p);
    return e.name.endsWith('.test.ts') ? [p] : [];
  });
}

const files = find('test/unit').sort();
if (files.length === 0) {
  console.error('run-unit-tests: no test files under test/unit');
  process.exit(1);
}
// Every temp folder a test makes (and one it forgets to remove) goes under one folder, removed after.
const scratch = mkdtempSync(join(tmpdir(), 'asset-studio-unit-'));
const result = spawnSync(process.execPath, ['--import', 'tsx', '--test', ...process.argv.slice(2), ...files], {
  stdio: 'inherit',
  env: { ...process.env, TMPDIR: scratch },
});
rmSync(scratch, { recursive: true, force: true });
process.exit(result.status ?? 1);

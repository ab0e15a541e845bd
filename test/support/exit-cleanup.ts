/**
 * Last-resort clean-up when a test process ends without stopping what it started: on exit, and on
 * SIGINT/SIGTERM/SIGHUP that nobody else handles, run the registered synchronous clean-ups and
 * re-raise the signal, so the process still ends the way it would have. When the program has its
 * own handler for the signal (the demo stops Switchboard before its servers), that handler is in
 * charge and the clean-ups wait for the exit.
 */

const cleanups = new Set<() => void>();
let installed = false;

function runAll(): void {
  for (const cleanup of cleanups) {
    try {
      cleanup();
    } catch {
      // best effort: the others still run
    }
  }
  cleanups.clear();
}

function install(): void {
  if (installed) return;
  installed = true;
  process.on('exit', runAll);
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.once(signal, () => {
      if (process.listenerCount(signal) > 0) return;
      runAll();
      process.kill(process.pid, signal);
    });
  }
}

/**
 * Registers a synchronous clean-up to run if the process ends first; call the returned function
 * once the thing was cleaned up normally.
 */
export function onProcessEnd(cleanup: () => void): () => void {
  install();
  cleanups.add(cleanup);
  return () => cleanups.delete(cleanup);
}

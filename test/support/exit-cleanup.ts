/**
 * Last-resort clean-up when a test process ends without stopping what it started: on exit and on
 * SIGINT/SIGTERM/SIGHUP, run the registered synchronous clean-ups. A signal is re-raised when
 * nobody else handles it, so the process still ends the way it would have.
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
      runAll();
      if (process.listenerCount(signal) === 0) process.kill(process.pid, signal);
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

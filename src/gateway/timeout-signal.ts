/**
 * `AbortSignal.timeout(ms)` for one piece of work, released when the work settles: the timer is
 * cleared then, so the signal, its listener maps and its timer do not stay for the whole
 * timeout after every join (~0.6 KiB each for 20 s; ADR 0010 "Burst and memory"). Aborts with
 * the same reason as `AbortSignal.timeout` (a `TimeoutError` DOMException) and, like it, does
 * not keep the process alive.
 */
export async function withTimeoutSignal<T>(ms: number, work: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(new DOMException('The operation was aborted due to timeout', 'TimeoutError')), ms);
  timer.unref();
  try {
    return await work(controller.signal);
  } finally {
    clearTimeout(timer);
  }
}

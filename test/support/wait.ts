/**
 * Bounded waiting for tests: every wait has a timeout and a description that ends up in the error.
 */
import { setTimeout as sleep } from 'node:timers/promises';

/** Options for {@link waitFor}. */
export interface WaitForOptions {
  /** Give up after this many milliseconds. */
  readonly timeoutMs: number;
  /** Pause between probes (default 25 ms). */
  readonly intervalMs?: number;
  /** What is awaited, for the error message ("timed out after 5000ms waiting for <what>"). */
  readonly what: string;
}

/**
 * Calls `probe` until it returns something other than `undefined` and resolves with that value.
 * A probe that throws or rejects fails the wait at once with that error.
 * @throws Error `timed out after <timeoutMs>ms waiting for <what>` when time runs out.
 */
export async function waitFor<T>(
  probe: () => T | undefined | Promise<T | undefined>,
  options: WaitForOptions,
): Promise<T> {
  const interval = options.intervalMs ?? 25;
  const deadline = Date.now() + options.timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    const left = deadline - Date.now();
    if (left <= 0) throw new Error(`timed out after ${options.timeoutMs}ms waiting for ${options.what}`);
    await sleep(Math.min(interval, left));
  }
}

/**
 * Resolves or rejects like `promise`, or rejects with `timed out after <ms>ms waiting for <what>`
 * if it has not settled within `ms`. The timer is cleared once `promise` settles.
 */
export function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms}ms waiting for ${what}`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

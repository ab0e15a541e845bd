/**
 * Waiting for something with a time limit.
 */

/**
 * Settles like `work`, or resolves with `onTimeout` when `work` has not settled within `ms`.
 * The timer is cleared either way, so nothing keeps the process alive afterwards.
 */
export async function raceDeadline<T, F>(work: PromiseLike<T>, ms: number, onTimeout: F): Promise<T | F> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<F>((resolve) => {
    timer = setTimeout(() => resolve(onTimeout), ms);
  });
  try {
    return await Promise.race([work, deadline]);
  } finally {
    clearTimeout(timer);
  }
}

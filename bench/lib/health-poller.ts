/**
 * Asks the hub's `GET /health` again and again (one request at a time, a pause between) and
 * records how long each answer took: how responsive the hub stays while it works.
 */
import { performance } from 'node:perf_hooks';

export interface HealthPoller {
  /** Stops polling; resolves with every answer's latency in ms (a failed request counts as its time until it failed). */
  stop(): Promise<number[]>;
}

/** Starts polling `http://127.0.0.1:<port>/health` every `pauseMs` after each answer. */
export function pollHealth(port: number, pauseMs: number, timeoutMs: number): HealthPoller {
  const latencies: number[] = [];
  let running = true;
  const loop = (async () => {
    while (running) {
      const start = performance.now();
      try {
        const response = await fetch(`http://127.0.0.1:${port}/health`, { signal: AbortSignal.timeout(timeoutMs) });
        await response.arrayBuffer();
      } catch {
        // a timeout is recorded as its duration
      }
      latencies.push(performance.now() - start);
      await new Promise((resolve) => setTimeout(resolve, pauseMs));
    }
  })();
  return {
    async stop() {
      running = false;
      await loop;
      return latencies;
    },
  };
}

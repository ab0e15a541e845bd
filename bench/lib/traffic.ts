/**
 * Sending numbered messages along a path and timing their arrival: paced runs (latency
 * percentiles) and bursts (throughput, order). A message's text carries `bench <run> <seq>`;
 * the receiver reports what it got and when, and only the receiver named for the run counts.
 */
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { countOutOfOrder, latencySummary, type LatencySummary } from './stats.js';

/** A way for a message to travel: who sends it, who must receive it. */
export interface Path {
  readonly key: string;
  readonly label: string;
  /** The receiving client's name, as it reports arrivals. */
  readonly receiver: string;
  /** Sends the messages with these texts, in order, as fast as the client can. */
  send(texts: readonly string[]): void;
}

interface Run {
  readonly receiver: string;
  readonly sentAt: number[];
  readonly arrivals: Array<{ seq: number; at: number }>;
  readonly seen: Set<number>;
  onArrival?: () => void;
}

const TEXT = /bench (r\d+) (\d+)/;

/** Routes arrivals to the run they belong to. */
export class Tracker {
  private readonly runs = new Map<string, Run>();
  private counter = 0;
  /** Duplicates seen over all runs (a message that arrived twice). */
  duplicates = 0;

  /** Reports a received text at `at` (performance.now()) by `receiver`. */
  arrived(receiver: string, text: string, at: number): void {
    const match = TEXT.exec(text);
    if (!match) return;
    const run = this.runs.get(match[1]!);
    if (!run || run.receiver !== receiver) return;
    const seq = Number(match[2]);
    if (run.seen.has(seq)) {
      this.duplicates += 1;
      return;
    }
    run.seen.add(seq);
    run.arrivals.push({ seq, at });
    run.onArrival?.();
  }

  /** Starts a run for `receiver`; returns its id and state. */
  start(receiver: string): { id: string; run: Run } {
    const id = `r${++this.counter}`;
    const run: Run = { receiver, sentAt: [], arrivals: [], seen: new Set() };
    this.runs.set(id, run);
    return { id, run };
  }

  finish(id: string): void {
    this.runs.delete(id);
  }
}

function text(id: string, seq: number): string {
  return `bench ${id} ${seq}`;
}

/** Resolves when `count` messages arrived, or when none arrived for `idleMs`, or at `deadline`. */
async function waitArrivals(run: Run, count: number, idleMs: number, deadline: number): Promise<void> {
  let last = run.arrivals.length;
  let lastProgress = performance.now();
  while (run.arrivals.length < count) {
    const now = performance.now();
    if (now >= deadline || now - lastProgress >= idleMs) return;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, Math.min(100, deadline - now));
      run.onArrival = () => {
        if (run.arrivals.length >= count) {
          clearTimeout(timer);
          resolve();
        }
      };
    });
    run.onArrival = undefined;
    if (run.arrivals.length > last) {
      last = run.arrivals.length;
      lastProgress = performance.now();
    }
  }
}

/** The result of a paced run. */
export interface PacedResult extends LatencySummary {
  readonly sent: number;
  readonly delivered: number;
  readonly outOfOrder: number;
  /** Every delivered message's latency in ms, in arrival order. */
  readonly latencies: readonly number[];
}

/**
 * Sends `count` messages at `ratePerSecond` (scheduled against the start, so pauses do not
 * add up), waits for them (at most `drainMs` after the last send) and returns the latency
 * percentiles in milliseconds.
 */
export async function pacedRun(tracker: Tracker, path: Path, count: number, ratePerSecond: number, drainMs: number): Promise<PacedResult> {
  const { id, run } = tracker.start(path.receiver);
  try {
    const interval = 1000 / ratePerSecond;
    const start = performance.now();
    for (let seq = 0; seq < count; seq++) {
      const due = start + seq * interval;
      const wait = due - performance.now();
      if (wait > 1) await sleep(wait);
      run.sentAt[seq] = performance.now();
      path.send([text(id, seq)]);
    }
    await waitArrivals(run, count, drainMs, performance.now() + drainMs);
    if (run.arrivals.length === 0) throw new Error(`${path.label}: none of ${count} messages arrived`);
    const latencies = run.arrivals.map((a) => a.at - run.sentAt[a.seq]!);
    return {
      ...latencySummary(latencies),
      sent: count,
      delivered: run.arrivals.length,
      outOfOrder: countOutOfOrder(run.arrivals.map((a) => a.seq)),
      latencies,
    };
  } finally {
    tracker.finish(id);
  }
}

/**
 * Sends a numbered message along `path` every `intervalMs` until one arrives (e.g. to tell when
 * a bridge that just started relays); resolves with the first arrival's performance.now(),
 * rejects after `timeoutMs`.
 */
export async function probeUntilArrival(tracker: Tracker, path: Path, intervalMs: number, timeoutMs: number): Promise<number> {
  const { id, run } = tracker.start(path.receiver);
  try {
    const deadline = performance.now() + timeoutMs;
    for (let seq = 0; run.arrivals.length === 0; seq++) {
      if (performance.now() >= deadline) throw new Error(`${path.label}: no probe arrived within ${timeoutMs} ms`);
      path.send([text(id, seq)]);
      await waitArrivals(run, 1, intervalMs, Math.min(deadline, performance.now() + intervalMs));
    }
    return run.arrivals[0]!.at;
  } finally {
    tracker.finish(id);
  }
}

/** The result of a burst. */
export interface BurstResult {
  readonly sent: number;
  readonly delivered: number;
  readonly outOfOrder: number;
  /** Delivered messages per second, from the first send until the last arrival. */
  readonly messagesPerSecond: number;
  /** Milliseconds from the first send until the last arrival. */
  readonly durationMs: number;
  /** true when the wait ended at `windowMs` with messages still missing. */
  readonly cutOff: boolean;
}

/**
 * Sends `count` messages at once and waits until all arrived, none arrived for `idleMs`, or
 * `windowMs` passed since the first send.
 */
export async function burstRun(tracker: Tracker, path: Path, count: number, idleMs: number, windowMs: number): Promise<BurstResult> {
  const { id, run } = tracker.start(path.receiver);
  try {
    const texts = Array.from({ length: count }, (_, seq) => text(id, seq));
    const start = performance.now();
    path.send(texts);
    const deadline = start + windowMs;
    await waitArrivals(run, count, idleMs, deadline);
    const delivered = run.arrivals.length;
    const lastAt = delivered > 0 ? run.arrivals[delivered - 1]!.at : performance.now();
    const durationMs = lastAt - start;
    return {
      sent: count,
      delivered,
      outOfOrder: countOutOfOrder(run.arrivals.map((a) => a.seq)),
      messagesPerSecond: delivered === 0 ? 0 : delivered / (durationMs / 1000),
      durationMs,
      cutOff: delivered < count && performance.now() >= deadline,
    };
  } finally {
    tracker.finish(id);
  }
}

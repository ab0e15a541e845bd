/**
 * The fuzzing harness: runs a target's check on generated inputs (fast-check), timing every
 * input (wall time). An input that takes longer than the hang limit is run again up to four
 * times, each after a full garbage collection and a short pause; only when it is slow every time
 * does it count as a hang (a garbage-collection pause or a busy machine is not one). A check that
 * throws is a failure; fast-check then shrinks the input to a small counterexample. A few hundred
 * inputs run untimed first, so that code loaded on first use does not count as a hang.
 */
import fc from 'fast-check';
import { performance } from 'node:perf_hooks';

/** One fuzz target: what it generates and what must hold for every input. */
export interface FuzzTarget<T> {
  readonly name: string;
  /** What the target covers, for the results file. */
  readonly description: string;
  readonly input: fc.Arbitrary<T>;
  /** Runs the code under test on `value`; throws when a property does not hold. May be async. */
  check(value: T): void | Promise<void>;
}

/** The figures of one target's run. */
export interface FuzzFigures {
  readonly name: string;
  readonly description: string;
  readonly runs: number;
  /** Inputs that took longer than the hang limit once (re-run to confirm). */
  readonly slowOnce: number;
  /** The slowest time of an input, in ms (for one that was slow once: the fastest of its re-runs). */
  readonly slowestMs: number;
  /** Mean time per input, in microseconds. */
  readonly meanUs: number;
  readonly wallSeconds: number;
  readonly failure?: string;
}

export interface FuzzOptions {
  readonly runs: number;
  /** An input that stays slower than this is a hang. */
  readonly hangMs: number;
  readonly seed?: number;
}

/** V8's collector, when the process runs with --expose-gc (npm run fuzz does). */
const collectGarbage = (globalThis as { gc?: () => void }).gc;

/** The pause before each re-run of a slow input. */
const SETTLE_MS = 20;

/** Inputs run untimed before the timed run. */
const WARM_UP_INPUTS = 200;
/** How often a slow input is run again before it counts as a hang (the fastest run counts). */
const CONFIRM_RUNS = 4;

/** Runs `target` for `options.runs` inputs and returns its figures (a failure is reported, not thrown). */
export async function fuzz<T>(target: FuzzTarget<T>, options: FuzzOptions): Promise<FuzzFigures> {
  let slowOnce = 0;
  let slowestMs = 0;
  let totalMs = 0;
  const timed = async (value: T): Promise<number> => {
    const start = performance.now();
    await target.check(value);
    return performance.now() - start;
  };
  const property = fc.asyncProperty(target.input, async (value) => {
    let ms = await timed(value);
    totalMs += ms;
    if (ms > options.hangMs) {
      slowOnce += 1;
      for (let again = 0; again < CONFIRM_RUNS && ms > options.hangMs; again += 1) {
        // A re-run pays for its own work only: the run's garbage is collected and the collector's
        // concurrent work given time to finish first.
        collectGarbage?.();
        await new Promise((resolve) => setTimeout(resolve, SETTLE_MS));
        ms = Math.min(ms, await timed(value));
      }
      if (ms > options.hangMs) throw new Error(`hang: ${ms.toFixed(1)} ms for one input (limit ${options.hangMs} ms)`);
    }
    slowestMs = Math.max(slowestMs, ms);
  });
  // Warm up first: the first calls load code lazily (schemas, protocol definitions, ICU data).
  for (const value of fc.sample(target.input, { numRuns: WARM_UP_INPUTS, ...(options.seed === undefined ? {} : { seed: options.seed }) })) {
    try {
      await target.check(value);
    } catch {
      // a failing input is found again by the run below, with shrinking
    }
  }
  const started = performance.now();
  const result = await fc.check(property, { numRuns: options.runs, ...(options.seed === undefined ? {} : { seed: options.seed }), endOnFailure: false });
  const wallSeconds = (performance.now() - started) / 1000;
  const figures = {
    name: target.name,
    description: target.description,
    runs: result.numRuns,
    slowOnce,
    slowestMs: round(slowestMs, 3),
    meanUs: round((totalMs / Math.max(1, result.numRuns)) * 1000, 1),
    wallSeconds: round(wallSeconds, 1),
  };
  if (!result.failed) return figures;
  const error = result.errorInstance instanceof Error ? result.errorInstance.message : String(result.errorInstance);
  return { ...figures, failure: `${error}\ncounterexample: ${JSON.stringify(result.counterexample)} (seed ${result.seed}, path ${result.counterexamplePath})` };
}

function round(value: number, digits: number): number {
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
}

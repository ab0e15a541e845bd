/**
 * The shape of a benchmark's result file (`bench/results/<name>.json`) and how figures are made
 * from repeated runs.
 */
import { summarize } from './stats.js';
import type { Environment } from './environment.js';

/** A target from the issue a figure is compared with. */
export interface Target {
  /** `<=`: the figure must not exceed `value`; `>=`: it must reach `value`. */
  readonly op: '<=' | '>=';
  readonly value: number;
}

/** One reported figure: the median of the repeated runs, with their spread. */
export interface Figure {
  /** A stable machine-readable key, e.g. `events_per_second.modules_5`. */
  readonly key: string;
  /** What it is, for people. */
  readonly label: string;
  readonly unit: string;
  /** The median over the runs. */
  readonly value: number;
  /** Smallest and largest run, and the relative interquartile range (see stats.ts). */
  readonly spread: { readonly min: number; readonly max: number; readonly relativeIqr: number };
  /** Every run's value, in run order. */
  readonly samples: readonly number[];
  readonly target?: Target;
  /** Whether the median meets the target (absent without a target). */
  readonly met?: boolean;
  readonly note?: string;
}

/** A figure that could not be measured (e.g. a feature that does not exist yet). */
export interface Unavailable {
  readonly key: string;
  readonly label: string;
  readonly reason: string;
  readonly target?: Target;
}

/** What a benchmark's `run` returns. */
export interface BenchOutcome {
  /** Inputs that shape the figures (message counts, repeats, limits…). */
  readonly parameters: Readonly<Record<string, unknown>>;
  readonly figures: readonly Figure[];
  readonly unavailable?: readonly Unavailable[];
  /** Remarks for the reader (how limits were lifted, what a figure includes). */
  readonly notes?: readonly string[];
}

/** The content of `bench/results/<name>.json`. */
export interface BenchResult extends BenchOutcome {
  readonly name: string;
  readonly title: string;
  /** ISO 8601 time the run finished. */
  readonly date: string;
  readonly durationSeconds: number;
  readonly environment: Environment;
}

export interface FigureOptions {
  readonly key: string;
  readonly label: string;
  readonly unit: string;
  readonly target?: Target;
  readonly note?: string;
}

/** Makes a figure from the values of repeated runs (median, min/max, relative IQR, target check). */
export function figure(options: FigureOptions, samples: readonly number[]): Figure {
  const s = summarize(samples);
  return {
    key: options.key,
    label: options.label,
    unit: options.unit,
    value: s.median,
    spread: { min: s.min, max: s.max, relativeIqr: s.relativeIqr },
    samples: [...samples],
    ...(options.target ? { target: options.target, met: meets(s.median, options.target) } : {}),
    ...(options.note === undefined ? {} : { note: options.note }),
  };
}

/** Whether `value` meets `target`. */
export function meets(value: number, target: Target): boolean {
  return target.op === '<=' ? value <= target.value : value >= target.value;
}

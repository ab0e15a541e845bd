/**
 * The dispatcher: every event from every network passes through here.
 *
 * For each event, in order per channel (see `orderingKey`):
 * 1. `ts` is stamped when the producer gave none;
 * 2. the checks run in module order; the first rejection stops the event (logged, counted);
 *    a check may replace the event for the stages after it;
 * 3. the listeners run in module order, one after another; a listener that throws, rejects
 *    or overruns its time limit is logged with its module and the command, and the others
 *    still run.
 * An event with no listener and no check to run is only counted.
 */
import { KeyedQueue } from './keyed-queue.js';
import { raceDeadline } from './deadline.js';
import { Watchdog } from './watchdog.js';
import { orderingKey, stampEvent, type AnyEvent, type AnyEventInput, type Command } from './event.js';
import type { Logger } from './log.js';
import type { ListenerRegistry } from './listeners.js';

/** The result of one check: allow (possibly with a replacement event) or reject. */
export type CheckOutcome =
  | { readonly action: 'allow'; readonly event?: AnyEvent }
  | { readonly action: 'reject'; readonly reason: string };

/** A check stage contributed by a module (spam checker, third-party rules). */
export interface EventCheck {
  readonly module: string;
  readonly name: string;
  check(event: AnyEvent): Promise<CheckOutcome>;
}

/** What the dispatcher reports, for metrics. */
export interface DispatchObserver {
  eventIn(network: string, command: string): void;
  dispatched(command: string, seconds: number): void;
  listenerError(module: string, command: string): void;
  rejected(network: string, command: string, reason: string): void;
}

export interface DispatcherOptions {
  readonly log: Logger;
  readonly listeners: ListenerRegistry;
  /** The checks, in module order; read for every event so registrations take effect at once. */
  readonly checks?: () => readonly EventCheck[];
  readonly observer?: DispatchObserver;
  /**
   * A listener still running after this long (give or take a quarter of it, at most 1 s: one
   * timer watches every listener) is logged and no longer waited for. Default 30 s.
   */
  readonly listenerTimeoutMs?: number;
  readonly now?: () => number;
}

const TIMED_OUT = Symbol('timed out');

export class Dispatcher {
  private readonly queue = new KeyedQueue();
  private accepting = true;
  private readonly listenerTimeoutMs: number;
  private readonly now: () => number;
  /** Gives up on listeners that overrun, with one timer for all of them. */
  private readonly watchdog: Watchdog<typeof TIMED_OUT>;

  constructor(private readonly options: DispatcherOptions) {
    this.listenerTimeoutMs = options.listenerTimeoutMs ?? 30_000;
    this.now = options.now ?? Date.now;
    this.watchdog = new Watchdog(this.listenerTimeoutMs, TIMED_OUT);
  }

  /** Events waiting or being handled. */
  get pending(): number {
    return this.queue.pending;
  }

  /**
   * Accepts an event from a network or module. Never throws; after `stopAccepting()` the
   * event is dropped and logged.
   */
  ingest(input: AnyEventInput): void {
    this.accept(input, undefined);
  }

  /**
   * Like `ingest`, and resolves (never rejects) once the event was handled: its listeners ran,
   * a check refused it, or it was dropped.
   */
  ingestHandled(input: AnyEventInput): Promise<void> {
    return new Promise((resolve) => this.accept(input, resolve));
  }

  private accept(input: AnyEventInput, handled: (() => void) | undefined): void {
    if (!this.accepting) {
      this.options.log.warn({ network: input.network, command: input.command }, 'event dropped: shutting down');
      handled?.();
      return;
    }
    if (!this.wants(input.command)) {
      // Nothing would run for it (no listener, no check that could refuse it): counted, not
      // queued. A server link introduces thousands of users at once; each UID was an async
      // handling of its own that did nothing.
      this.options.observer?.eventIn(input.network, input.command);
      this.options.observer?.dispatched(input.command, 0);
      handled?.();
      return;
    }
    const event = stampEvent(input, this.now) as AnyEvent;
    const arrived = performance.now();
    this.options.observer?.eventIn(event.network, event.command);
    this.queue.push(orderingKey(event), handled === undefined ? () => this.handle(event, arrived) : () => this.handle(event, arrived).finally(handled));
  }

  /** false when an event of `command` would run nothing now: no listener for it and no check. */
  wants(command: Command): boolean {
    return this.options.listeners.for(command).length > 0 || (this.options.checks?.().length ?? 0) > 0;
  }

  /** Stops taking new events; the queued ones still run. */
  stopAccepting(): void {
    this.accepting = false;
  }

  /** Resolves when every queued event is handled, or after `deadlineMs` (then returns false). */
  drain(deadlineMs: number): Promise<boolean> {
    return raceDeadline(this.queue.idle().then(() => true), deadlineMs, false);
  }

  private async handle(original: AnyEvent, arrived: number): Promise<void> {
    const event = await this.runChecks(original);
    if (event) await this.runListeners(event);
    this.options.observer?.dispatched(original.command, (performance.now() - arrived) / 1000);
  }

  /** Returns the event to deliver (maybe replaced), or undefined when a check rejected it. */
  private async runChecks(event: AnyEvent): Promise<AnyEvent | undefined> {
    let current = event;
    for (const check of this.options.checks?.() ?? []) {
      let outcome: CheckOutcome;
      try {
        outcome = await check.check(current);
      } catch (error) {
        // Checks fail closed: a broken check refuses the event rather than letting it through.
        outcome = { action: 'reject', reason: `${check.name} failed: ${describe(error)}` };
        this.options.log.error({ module: check.module, check: check.name, command: current.command, err: error }, 'check threw; event refused');
      }
      if (outcome.action === 'reject') {
        this.options.log.info(
          { module: check.module, check: check.name, network: current.network, command: current.command, reason: outcome.reason },
          'event rejected',
        );
        this.options.observer?.rejected(current.network, current.command, check.name);
        return undefined;
      }
      if (outcome.event) current = outcome.event;
    }
    return current;
  }

  private async runListeners(event: AnyEvent): Promise<void> {
    for (const entry of this.options.listeners.for(event.command)) {
      try {
        // A listener that returns without a promise is done: nothing to watch (a timer per
        // listener per event was most of the dispatch cost with cheap listeners; the watchdog
        // has one for all).
        const returned = entry.listener(event);
        if (!isThenable(returned)) continue;
        const result = await this.watchdog.within(returned);
        if (result === TIMED_OUT) {
          this.options.log.error(
            { module: entry.module, command: event.command, timeoutMs: this.listenerTimeoutMs },
            'listener timed out; moving on',
          );
          this.options.observer?.listenerError(entry.module, event.command);
        }
      } catch (error) {
        this.options.log.error({ module: entry.module, command: event.command, network: event.network, err: error }, 'listener failed');
        this.options.observer?.listenerError(entry.module, event.command);
      }
    }
  }

}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return typeof (value as PromiseLike<unknown> | undefined)?.then === 'function';
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

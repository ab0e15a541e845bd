/**
 * Background updates: long storage jobs run in batches (backfills, pruning, index builds),
 * and the controller callbacks a module can register to pace them. Only the first module to
 * register controller callbacks is used.
 */
import type { Logger } from '../../core/log.js';
import type { Disposer } from '../../core/disposer.js';
import { CallbackRegistrationError, CategoryRegistry } from './category-registry.js';
import { describeFailure, ruleOf } from './rules.js';
import type { BackgroundUpdateControllerCallbacks, UpdateIterationContext } from './types.js';

/** Switchboard's pacing when no module controls it (the seed's defaults). */
export const DEFAULT_BATCH_SIZE = 100;
export const DEFAULT_MIN_BATCH_SIZE = 100;
export const DEFAULT_ITERATION_MS = 100;

/** One background update. */
export interface BackgroundUpdate {
  readonly name: string;
  /** The database it works on, e.g. `main`. */
  readonly database: string;
  /** true when it runs in one go (e.g. building an index); the target duration is then ignored. */
  readonly oneShot: boolean;
  /** Does up to `batchSize` items of work (all of it when one-shot); says how many and whether it is done. */
  runBatch(batchSize: number): Promise<{ readonly processed: number; readonly done: boolean }>;
}

const DEFAULT_CONTEXT: UpdateIterationContext = {
  enter: () => Promise.resolve(DEFAULT_ITERATION_MS),
  exit: () => Promise.resolve(),
};

export class BackgroundUpdateController {
  readonly registry = new CategoryRegistry('backgroundUpdateController', 'registerBackgroundUpdateControllerCallbacks');
  private owner: string | undefined;

  constructor(private readonly log: Logger) {}

  /** The module whose callbacks are used, if any. */
  get controller(): string | undefined {
    return this.owner;
  }

  /** Registers the controller; onUpdate is required; calls after the first module's are ignored with a warning. */
  register(module: string, order: number, callbacks: BackgroundUpdateControllerCallbacks): Disposer {
    this.registry.check(module, callbacks);
    if (typeof callbacks.onUpdate !== 'function') {
      throw new CallbackRegistrationError(`module ${module}: registerBackgroundUpdateControllerCallbacks: onUpdate is required`);
    }
    if (this.owner !== undefined) {
      this.log.warn({ module, controller: this.owner }, 'background update controller already registered by an earlier module; ignored');
      return () => undefined;
    }
    this.owner = module;
    const dispose = this.registry.register(module, order, callbacks);
    return () => {
      dispose();
      this.owner = undefined;
    };
  }

  /** The iteration context: the controller's, or the default one (also when onUpdate throws). */
  onUpdate(updateName: string, databaseName: string, oneShot: boolean): UpdateIterationContext {
    const entry = this.registry.list('onUpdate').entries[0];
    if (!entry) return DEFAULT_CONTEXT;
    try {
      const context = entry.fn(updateName, databaseName, oneShot);
      if (typeof context?.enter !== 'function' || typeof context.exit !== 'function') throw new TypeError('onUpdate must return { enter, exit }');
      return guardContext(context, (error) => this.failed('onUpdate', entry.module, error));
    } catch (error) {
      this.failed('onUpdate', entry.module, error);
      return DEFAULT_CONTEXT;
    }
  }

  defaultBatchSize(updateName: string, databaseName: string): Promise<number> {
    return this.size('defaultBatchSize', DEFAULT_BATCH_SIZE, updateName, databaseName);
  }

  /** At least 1, so that progress is always made. */
  minBatchSize(updateName: string, databaseName: string): Promise<number> {
    return this.size('minBatchSize', DEFAULT_MIN_BATCH_SIZE, updateName, databaseName);
  }

  private async size(name: 'defaultBatchSize' | 'minBatchSize', fallback: number, updateName: string, databaseName: string): Promise<number> {
    const entry = this.registry.list(name).entries[0];
    if (!entry) return fallback;
    try {
      const size = await entry.fn(updateName, databaseName);
      if (!Number.isInteger(size) || size < 1) throw new TypeError(`expected an integer of at least 1, got ${String(size)}`);
      return size;
    } catch (error) {
      this.failed(name, entry.module, error);
      return fallback;
    }
  }

  private failed(name: string, module: string, error: unknown): void {
    const policy = describeFailure(ruleOf('backgroundUpdateController', name as 'onUpdate').onThrow);
    this.log.error({ module, callback: `backgroundUpdateController.${name}`, err: error }, `module callback threw; ${policy}`);
  }
}

/** Wraps a module's context so that its failures fall back to the default instead of failing the update. */
function guardContext(context: UpdateIterationContext, failed: (error: unknown) => void): UpdateIterationContext {
  return {
    async enter() {
      try {
        const ms = await context.enter();
        if (typeof ms !== 'number' || !(ms > 0)) throw new TypeError(`enter() must resolve to a positive duration in ms, got ${String(ms)}`);
        return ms;
      } catch (error) {
        failed(error);
        return DEFAULT_ITERATION_MS;
      }
    },
    async exit(error?: unknown) {
      try {
        await context.exit(error);
      } catch (exitError) {
        failed(exitError);
      }
    },
  };
}

/**
 * The next batch size: as many items as the last batch's rate fits into the target duration,
 * at most twice the last size, at least `minBatchSize`.
 */
export function nextBatchSize(last: number, processed: number, elapsedMs: number, targetMs: number, minBatchSize: number): number {
  if (processed <= 0 || elapsedMs <= 0) return Math.max(minBatchSize, last);
  const fitting = Math.floor((processed / elapsedMs) * targetMs);
  return Math.max(minBatchSize, Math.min(fitting, last * 2));
}

/** What running a background update did. */
export interface BackgroundUpdateResult {
  readonly iterations: number;
  readonly processed: number;
}

/** Runs background updates, paced by the controller. */
export class BackgroundUpdater {
  constructor(
    private readonly controller: BackgroundUpdateController,
    private readonly log: Logger,
    private readonly now: () => number = () => performance.now(),
  ) {}

  /** Runs `update` to completion; rejects when a batch fails (the update can be run again later). */
  async run(update: BackgroundUpdate): Promise<BackgroundUpdateResult> {
    const { name, database, oneShot } = update;
    let batchSize = await this.controller.defaultBatchSize(name, database);
    let iterations = 0;
    let total = 0;
    for (;;) {
      const context = this.controller.onUpdate(name, database, oneShot);
      const targetMs = await context.enter();
      const started = this.now();
      let result: { readonly processed: number; readonly done: boolean };
      try {
        result = await update.runBatch(oneShot ? Number.MAX_SAFE_INTEGER : batchSize);
      } catch (error) {
        await context.exit(error);
        this.log.error({ update: name, database, err: error }, 'background update batch failed');
        throw error;
      }
      await context.exit();
      iterations += 1;
      total += result.processed;
      if (result.done || oneShot) break;
      const minimum = await this.controller.minBatchSize(name, database);
      batchSize = nextBatchSize(batchSize, result.processed, this.now() - started, targetMs, minimum);
    }
    this.log.info({ update: name, database, iterations, processed: total }, 'background update finished');
    return { iterations, processed: total };
  }
}

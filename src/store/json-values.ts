/**
 * Values stored as JSON text (key-value entries, queue entries): serialising with a clear error,
 * and reading back where a damaged value is logged once and read as missing, so that one bad
 * row cannot take a module down.
 */
import type { Logger } from '../core/log.js';
import { StoreError, messageOf } from './errors.js';

/** `value` as JSON text; throws a StoreError naming `what()` when JSON cannot represent it. */
export function toJson(what: () => string, value: unknown): string {
  let json: string | undefined;
  try {
    json = JSON.stringify(value);
  } catch (error) {
    throw new StoreError(`${what()}: the value cannot be stored as JSON: ${messageOf(error)}`, { cause: error });
  }
  if (json === undefined) {
    throw new StoreError(`${what()}: the value cannot be stored as JSON (got ${typeof value}); use delete() to remove a key`);
  }
  return json;
}

/** Parses stored JSON; logs each damaged value once (until it is written again). Shared by a store's parts. */
export class StoredJson {
  readonly #reported = new Set<string>();

  constructor(private readonly log: Logger) {}

  /**
   * The parsed `json`, or undefined (logged once per `id`) when it is not valid JSON.
   * `context` goes into the log line.
   */
  parse<T>(json: string, id: string, context: Record<string, unknown>): T | undefined {
    try {
      return JSON.parse(json) as T;
    } catch (error) {
      if (!this.#reported.has(id)) {
        this.#reported.add(id);
        this.log.warn({ ...context, reason: messageOf(error) }, 'stored value is not valid JSON; treating it as missing until it is set again');
      }
      return undefined;
    }
  }

  /** The value under `id` was written again (or removed): a new damage is logged again. */
  rewritten(id: string): void {
    this.#reported.delete(id);
  }

  /**
   * `rewritten` for the id `id()` makes, which is made only when some damage was reported (a
   * write on the hot path builds no id string).
   */
  rewrittenLazy(id: () => string): void {
    if (this.#reported.size > 0) this.#reported.delete(id());
  }
}

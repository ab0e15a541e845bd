/**
 * When to try a lost connection again: exponential backoff with jitter, reset after a
 * connection that stayed up long enough. Pure logic; the hub owns the timers.
 */

/** The reconnect policy applied to every network (`reconnect:` in the config). */
export interface ReconnectConfig {
  readonly initialDelayMs: number;
  readonly maxDelayMs: number;
  readonly factor: number;
  /** Fraction of each delay that is randomised, 0..1. */
  readonly jitter: number;
  /** A connection that lasted this long resets the backoff. */
  readonly stableAfterMs: number;
}

/**
 * Exponential backoff for one network's reconnects.
 *
 * The n-th delay (n = {@link ReconnectPolicy.attempts}, starting at 0) has the upper bound
 * `min(maxDelayMs, initialDelayMs * factor^n)`. The delay actually returned is drawn
 * uniformly from `[bound * (1 - jitter), bound]`, so jitter only ever shortens a delay:
 * it is never below 0 and never above `maxDelayMs`.
 *
 * The attempt counter resets when a connection that lasted at least `stableAfterMs` ends
 * (see {@link ReconnectPolicy.disconnected}), or on {@link ReconnectPolicy.reset}.
 */
export class ReconnectPolicy {
  readonly #config: ReconnectConfig;
  readonly #random: () => number;
  #attempts = 0;
  #connectedAt: number | undefined;

  /**
   * @param config the backoff settings; throws a RangeError naming the bad setting when a
   *   value is out of range (negative delays, factor below 1, jitter outside 0..1, max < initial).
   * @param random returns a number in [0, 1); injectable for tests (default Math.random).
   */
  constructor(config: ReconnectConfig, random: () => number = Math.random) {
    validate(config);
    this.#config = config;
    this.#random = random;
  }

  /** How many delays were handed out since the last reset. */
  get attempts(): number {
    return this.#attempts;
  }

  /** The upper bound of the next delay, before jitter, in milliseconds. */
  get nextUpperBoundMs(): number {
    const { initialDelayMs, maxDelayMs, factor } = this.#config;
    if (initialDelayMs === 0) return 0;
    // initialDelayMs * factor^n overflows to Infinity after enough attempts: that is the cap.
    const grown = initialDelayMs * factor ** this.#attempts;
    return Number.isFinite(grown) ? Math.min(maxDelayMs, grown) : maxDelayMs;
  }

  /** The delay before the next connection attempt, in milliseconds; counts one attempt. */
  nextDelay(): number {
    const bound = this.nextUpperBoundMs;
    const draw = clampUnit(this.#random());
    this.#attempts += 1;
    return bound * (1 - this.#config.jitter * draw);
  }

  /** Records that a connection attempt succeeded at `atMs` (epoch or monotonic ms). */
  connected(atMs: number): void {
    this.#connectedAt = atMs;
  }

  /**
   * Records that the connection ended at `atMs` (same clock as {@link connected}). When it
   * had been up for at least `stableAfterMs`, the attempt counter resets. A failed attempt
   * (no {@link connected} before it) leaves the counter as it is.
   */
  disconnected(atMs: number): void {
    const since = this.#connectedAt;
    this.#connectedAt = undefined;
    if (since !== undefined && atMs - since >= this.#config.stableAfterMs) this.reset();
  }

  /** Starts the backoff over from `initialDelayMs`. */
  reset(): void {
    this.#attempts = 0;
  }
}

/** Maps whatever `random` returned into [0, 1]; NaN counts as 0 (no jitter). */
function clampUnit(value: number): number {
  if (Number.isNaN(value) || value < 0) return 0;
  return value > 1 ? 1 : value;
}

function validate(config: ReconnectConfig): void {
  const problems: string[] = [];
  const finiteAtLeast = (name: keyof ReconnectConfig, min: number): void => {
    const value = config[name];
    if (!Number.isFinite(value) || value < min) problems.push(`${name} must be a number ≥ ${min} (got ${value})`);
  };
  finiteAtLeast('initialDelayMs', 0);
  finiteAtLeast('maxDelayMs', 0);
  finiteAtLeast('factor', 1);
  finiteAtLeast('stableAfterMs', 0);
  if (!(config.jitter >= 0 && config.jitter <= 1)) problems.push(`jitter must be between 0 and 1 (got ${config.jitter})`);
  if (config.maxDelayMs < config.initialDelayMs) {
    problems.push(`maxDelayMs (${config.maxDelayMs}) must not be below initialDelayMs (${config.initialDelayMs})`);
  }
  if (problems.length > 0) throw new RangeError(`invalid reconnect settings: ${problems.join('; ')}`);
}

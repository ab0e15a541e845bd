import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { ReconnectPolicy } from '../../src/core/reconnect.js';
import type { ReconnectConfig } from '../../src/core/reconnect.js';

const base: ReconnectConfig = { initialDelayMs: 1000, maxDelayMs: 60_000, factor: 2, jitter: 0, stableAfterMs: 30_000 };

/** Valid configs, including edge values (0 delays, factor 1, jitter 0 and 1, huge factors). */
const configArb: fc.Arbitrary<ReconnectConfig> = fc
  .record({
    initialDelayMs: fc.integer({ min: 0, max: 100_000 }),
    extraMaxMs: fc.integer({ min: 0, max: 10_000_000 }),
    factor: fc.double({ min: 1, max: 1000, noNaN: true }),
    jitter: fc.double({ min: 0, max: 1, noNaN: true }),
    stableAfterMs: fc.integer({ min: 0, max: 10_000_000 }),
  })
  .map(({ extraMaxMs, ...rest }) => ({ ...rest, maxDelayMs: rest.initialDelayMs + extraMaxMs }));

/** A `random` that replays the given draws in [0, 1), cycling. */
function replay(draws: readonly number[]): () => number {
  let i = 0;
  return () => draws[i++ % draws.length] ?? 0;
}

void describe('ReconnectPolicy', () => {
  void it('doubles from the initial delay and stops at the cap without jitter', () => {
    const policy = new ReconnectPolicy({ ...base, maxDelayMs: 10_000 });
    const delays = Array.from({ length: 7 }, () => policy.nextDelay());
    assert.deepEqual(delays, [1000, 2000, 4000, 8000, 10_000, 10_000, 10_000]);
    assert.equal(policy.attempts, 7);
  });

  void it('draws the delay from [bound * (1 - jitter), bound]', () => {
    const jittered = { ...base, jitter: 0.5 };
    assert.equal(new ReconnectPolicy(jittered, () => 0).nextDelay(), 1000);
    assert.equal(new ReconnectPolicy(jittered, () => 0.5).nextDelay(), 750);
    assert.equal(new ReconnectPolicy(jittered, () => 0.999_999).nextDelay(), 1000 * (1 - 0.5 * 0.999_999));
  });

  void it('treats a misbehaving random source as no jitter or full jitter, never out of bounds', () => {
    const full = { ...base, jitter: 1 };
    assert.equal(new ReconnectPolicy(full, () => Number.NaN).nextDelay(), 1000);
    assert.equal(new ReconnectPolicy(full, () => -3).nextDelay(), 1000);
    assert.equal(new ReconnectPolicy(full, () => 7).nextDelay(), 0);
  });

  void it('resets after a connection that lasted stableAfterMs', () => {
    const policy = new ReconnectPolicy(base);
    policy.nextDelay();
    policy.nextDelay();
    policy.connected(100_000);
    policy.disconnected(100_000 + base.stableAfterMs);
    assert.equal(policy.attempts, 0);
    assert.equal(policy.nextDelay(), base.initialDelayMs);
  });

  void it('keeps backing off after a connection shorter than stableAfterMs', () => {
    const policy = new ReconnectPolicy(base);
    policy.nextDelay();
    policy.nextDelay();
    policy.connected(100_000);
    policy.disconnected(100_000 + base.stableAfterMs - 1);
    assert.equal(policy.attempts, 2);
    assert.equal(policy.nextDelay(), 4000);
  });

  void it('does not reset on a failed attempt, however long ago the last connection started', () => {
    const policy = new ReconnectPolicy(base);
    policy.connected(0);
    policy.disconnected(10);
    policy.nextDelay();
    policy.disconnected(10_000_000);
    assert.equal(policy.attempts, 1);
  });

  void it('reset() starts over', () => {
    const policy = new ReconnectPolicy(base);
    policy.nextDelay();
    policy.nextDelay();
    policy.reset();
    assert.equal(policy.attempts, 0);
    assert.equal(policy.nextDelay(), 1000);
  });

  void it('stays finite at the cap after very many attempts, also with a zero initial delay', () => {
    const policy = new ReconnectPolicy({ ...base, initialDelayMs: 0, factor: 10 });
    for (let i = 0; i < 2000; i++) assert.equal(policy.nextDelay(), 0);
    const growing = new ReconnectPolicy({ ...base, factor: 10 });
    for (let i = 0; i < 2000; i++) growing.nextDelay();
    assert.equal(growing.nextDelay(), base.maxDelayMs);
  });

  void it('rejects settings out of range with a message naming each one', () => {
    assert.throws(() => new ReconnectPolicy({ ...base, factor: 0.5 }), /factor must be a number ≥ 1/);
    assert.throws(() => new ReconnectPolicy({ ...base, jitter: 1.5 }), /jitter must be between 0 and 1/);
    assert.throws(() => new ReconnectPolicy({ ...base, jitter: Number.NaN }), /jitter/);
    assert.throws(() => new ReconnectPolicy({ ...base, initialDelayMs: -1 }), /initialDelayMs/);
    assert.throws(() => new ReconnectPolicy({ ...base, maxDelayMs: 10 }), /maxDelayMs \(10\) must not be below initialDelayMs/);
    assert.throws(() => new ReconnectPolicy({ ...base, stableAfterMs: Number.POSITIVE_INFINITY }), /stableAfterMs/);
  });

  void describe('properties', () => {
    void it('every delay lies in [bound * (1 - jitter), bound] and within [0, maxDelayMs]', () => {
      fc.assert(
        fc.property(configArb, fc.array(fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }), { minLength: 1, maxLength: 60 }), (config, draws) => {
          const policy = new ReconnectPolicy(config, replay(draws));
          for (let i = 0; i < draws.length; i++) {
            const bound = policy.nextUpperBoundMs;
            const delay = policy.nextDelay();
            assert.ok(delay >= 0 && delay <= config.maxDelayMs, `delay ${delay} outside [0, ${config.maxDelayMs}]`);
            assert.ok(delay <= bound, `delay ${delay} above bound ${bound}`);
            assert.ok(delay >= bound * (1 - config.jitter) - 1e-9, `delay ${delay} below the jitter floor`);
          }
        }),
      );
    });

    void it('the upper bound never decreases between resets and reaches the cap only from below', () => {
      fc.assert(
        fc.property(configArb, fc.integer({ min: 1, max: 200 }), (config, steps) => {
          const policy = new ReconnectPolicy(config, () => 0);
          let previous = -1;
          for (let i = 0; i < steps; i++) {
            const bound = policy.nextUpperBoundMs;
            assert.ok(bound >= previous, `bound went down from ${previous} to ${bound}`);
            assert.ok(bound <= config.maxDelayMs);
            // With random() = 0 the delay is the bound itself.
            assert.equal(policy.nextDelay(), bound);
            previous = bound;
          }
        }),
      );
    });

    void it('the first delay after a reset is bounded by initialDelayMs', () => {
      fc.assert(
        fc.property(configArb, fc.integer({ min: 0, max: 50 }), (config, before) => {
          const policy = new ReconnectPolicy(config);
          for (let i = 0; i < before; i++) policy.nextDelay();
          policy.reset();
          const delay = policy.nextDelay();
          assert.ok(delay <= config.initialDelayMs && delay >= config.initialDelayMs * (1 - config.jitter) - 1e-9);
        }),
      );
    });

    void it('a connection resets the counter exactly when it lasted at least stableAfterMs', () => {
      fc.assert(
        fc.property(
          configArb,
          fc.integer({ min: 1, max: 30 }),
          fc.integer({ min: 0, max: 2 ** 40 }),
          fc.integer({ min: 0, max: 20_000_000 }),
          (config, before, start, lasted) => {
            const policy = new ReconnectPolicy(config);
            for (let i = 0; i < before; i++) policy.nextDelay();
            policy.connected(start);
            policy.disconnected(start + lasted);
            assert.equal(policy.attempts, lasted >= config.stableAfterMs ? 0 : before);
          },
        ),
      );
    });
  });
});

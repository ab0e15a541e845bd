/**
 * The gateway benchmark's arithmetic (bench/lib/gateway-figures.ts) on made-up rounds: memory
 * per user beyond its IRC connection, latency added over the floor measured before each
 * gateway, Biboumi's figures and their absence, and the verdict line. No timing is measured.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { floorLatency } from '../../bench/lib/side-figures.js';
import { gatewayFigures, verdict, type GatewayRound, type Latency, type PathLatency } from '../../bench/lib/gateway-figures.js';

const KIB = 1024;

function near(actual: number, expected: number): void {
  assert.ok(Math.abs(actual - expected) < 1e-9, `${actual} is not ${expected}`);
}

function run(latency: number): Latency {
  const latencies = [latency, latency, latency];
  return { count: 3, p50: latency, p95: latency, p99: latency, max: latency, sent: 3, delivered: 3, outOfOrder: 0, latencies, clientCpuShare: 0.02 };
}

/** A floor of 1 ms (0.25 ms IRC + 0.75 ms XMPP), then the gateway's run at `latency`. */
function overFloor(latency: number): PathLatency {
  const floorIrc = run(0.25);
  const floorXmpp = run(0.75);
  return { floorIrc, floorXmpp, floor: floorLatency(floorIrc.latencies, floorXmpp.latencies), run: run(latency) };
}

/** 100 users: the hub grows by `heapKib` a user; the connection alone costs 20 KiB. */
function round(heapKib: number, switchboardMs: number, biboumiMs?: number): GatewayRound {
  return {
    empty: { heapUsed: 10 * KIB * KIB, rss: 60 * KIB * KIB },
    slot: {
      loginFromSpawnMs: 2000, loginFromReadyMs: 1500, failedAttempts: 0, ircUsersSeen: 102,
      memory: { heapUsed: 10 * KIB * KIB + 100 * heapKib * KIB, rss: 60 * KIB * KIB + 100 * 40 * KIB },
      latency: overFloor(switchboardMs),
    },
    connection: { heapBytes: 20 * KIB, rssBytes: 70 * KIB },
    biboumi: biboumiMs === undefined ? undefined : { rssOneUserBytes: 20 * KIB * KIB, rssPerUserBytes: 8 * KIB, latency: overFloor(biboumiMs) },
  };
}

const input = (rounds: GatewayRound[], biboumi: boolean) => ({
  users: 100, biboumiUsers: 10, messages: 3, rounds, biboumi, fastIntervalMs: 1, defaultPacing: { fromSpawnMs: 20_500, fromReadyMs: 20_000, failedAttempts: 0 },
});

describe('gateway benchmark figures', () => {
  it('takes the IRC connection off the memory per user and checks the 50 KiB target', () => {
    const { figures } = gatewayFigures(input([round(30, 1.5, 1.2)], true));
    const get = (key: string) => figures.find((f) => f.key === key)!;
    assert.equal(get('heap_kib_per_user').value, 30);
    assert.equal(get('beyond_connection.heap_kib_per_user').value, 10);
    assert.equal(get('beyond_connection.heap_kib_per_user').met, true);
    assert.equal(get('rss_kib_per_user').value, 40);
    const heavy = gatewayFigures(input([round(80, 1.5, 1.2)], true)).figures.find((f) => f.key === 'beyond_connection.heap_kib_per_user')!;
    assert.equal(heavy.value, 60);
    assert.equal(heavy.met, false);
  });

  it('adds latency over the floor measured before each gateway, and compares the two', () => {
    const { figures, unavailable } = gatewayFigures(input([round(30, 1.5, 1.2), round(30, 2.5, 1.2), round(30, 1.75, 1.5)], true));
    const value = (key: string) => figures.find((f) => f.key === key)!.value;
    near(value('switchboard.added_p50_ms'), 0.75);
    assert.equal(figures.find((f) => f.key === 'switchboard.added_p50_ms')!.met, true);
    near(value('biboumi.added_p50_ms'), 0.2);
    near(value('added_p50_ms.switchboard_minus_biboumi'), 0.3);
    assert.equal(value('rss_per_user_ratio.switchboard_over_biboumi'), 5);
    assert.deepEqual(unavailable, []);
  });

  it('lists Biboumi\'s figures as not available when it did not run', () => {
    const { figures, unavailable } = gatewayFigures(input([round(30, 1.5)], false));
    assert.equal(figures.some((f) => f.key.startsWith('biboumi.')), false);
    assert.ok(unavailable.some((u) => u.key === 'biboumi.added_p50_ms' && /not installed/.test(u.reason)));
  });

  it('says in the verdict whether each target was met and by how much', () => {
    const met = verdict(gatewayFigures(input([round(30, 1.5, 1.2)], true)).figures);
    assert.match(met, /beyond its IRC connection \(heap\) 10\.00 KiB \(target <= 50: met by 40\.00\)/);
    assert.match(met, /added p50 XMPP→IRC 0\.50 ms \(target <= 1: met by 0\.50\)/);
    assert.match(met, /Switchboard 0\.30 ms more than Biboumi/);
    const missed = verdict(gatewayFigures(input([round(30, 3, 1.2)], false)).figures);
    assert.match(missed, /added p50 XMPP→IRC 2\.00 ms \(target <= 1: missed by 1\.00\)/);
    assert.match(missed, /Biboumi not measured/);
  });
});

/**
 * The side-by-side benchmark's arithmetic (bench/lib/side-figures.ts) and the peer config it
 * generates (bench/lib/matterbridge.ts), on made-up results: no timing is measured here.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { DirectionResult, SlotResult } from '../../bench/lib/bridge-slot.js';
import { matterbridgeConfig } from '../../bench/lib/matterbridge.js';
import { bridgeFigures, floorLatency, ratioFigures, type Round } from '../../bench/lib/side-figures.js';
import type { PacedResult } from '../../bench/lib/traffic.js';
import type { IrcServer, XmppServer } from '../../test/support/servers.js';

function paced(latencies: number[]): PacedResult {
  const sorted = [...latencies].sort((a, b) => a - b);
  return { count: latencies.length, p50: sorted[Math.floor(sorted.length / 2)]!, p95: sorted.at(-1)!, p99: sorted.at(-1)!, max: sorted.at(-1)!, sent: latencies.length, delivered: latencies.length, outOfOrder: 0, latencies };
}

/** A direction's result; the warm burst (when `cpuSeconds` is given) costs half the first one and is twice as fast. */
function direction(latency: number, messagesPerSecond: number, cpuSeconds?: number): DirectionResult {
  const burst = (rate: number) => ({ sent: 1000, delivered: 1000, outOfOrder: 0, messagesPerSecond: rate, durationMs: 1000, cutOff: false });
  return {
    paced: paced([latency, latency, latency]),
    burst: burst(messagesPerSecond),
    burstDuplicates: 0,
    clientCpuSeconds: 0.1,
    ...(cpuSeconds === undefined ? {} : { bridgeCpuSeconds: cpuSeconds, warm: { burst: burst(2 * messagesPerSecond), burstDuplicates: 0, clientCpuSeconds: 0.1, bridgeCpuSeconds: cpuSeconds / 2 } }),
  };
}

function bridge(latency: number, messagesPerSecond: number, cpuSeconds: number, rssMib: number): SlotResult {
  return { readyMs: 1000, rssIdleBytes: rssMib * 2 ** 20, rssStartPeakBytes: rssMib * 2 ** 20, rssPeakBytes: 2 * rssMib * 2 ** 20, rssAfterBurstsBytes: rssMib * 2 ** 20, directions: [direction(latency, messagesPerSecond, cpuSeconds), direction(latency, messagesPerSecond, cpuSeconds)] };
}

/** A round whose floor is 1 ms (0.5 ms per server hop). */
function round(switchboard: SlotResult, peer: SlotResult): Round {
  return { floor: { directions: [direction(0.5, 1e5), direction(0.5, 5e3)] }, bridges: { switchboard, matterbridge: peer } };
}

describe('side-by-side figures', () => {
  it('takes the floor as the distribution of one hop through each server', () => {
    const floor = floorLatency([1, 2], [10, 20]);
    assert.equal(floor.p50, 16.5); // sums 11, 12, 21, 22
    assert.ok(Math.abs(floor.p99 - 21.97) < 1e-9);
  });

  it('reports latency added over the floor and CPU per 1,000 messages', () => {
    const figures = bridgeFigures([round(bridge(3, 1000, 0.5, 50), bridge(2, 500, 1, 30))], 'switchboard', 'Switchboard', true);
    const value = (key: string) => figures.find((f) => f.key === key)!.value;
    assert.equal(value('added_p50_ms.irc_to_xmpp.switchboard'), 2);
    assert.equal(value('cpu_s_per_1000.xmpp_to_irc.switchboard'), 0.5);
    assert.equal(value('cpu_s_per_1000_warm.xmpp_to_irc.switchboard'), 0.25);
    assert.equal(value('burst_msg_per_s_warm.irc_to_xmpp.switchboard'), 2000);
    assert.equal(value('rss_idle_mib.switchboard'), 50);
    assert.equal(figures.find((f) => f.key === 'rss_idle_mib.switchboard')!.met, true);
    assert.equal(figures.find((f) => f.key === 'rss_peak_mib.switchboard')!.met, false);
  });

  it('divides Switchboard by the peer within each round and checks the issue’s targets', () => {
    const { figures, unavailable } = ratioFigures([round(bridge(1.5, 1000, 0.5, 50), bridge(2, 500, 1, 30))], 'matterbridge', 'Matterbridge');
    const ratio = (key: string) => figures.find((f) => f.key === `ratio_${key}.switchboard_over_matterbridge`)!;
    assert.equal(ratio('added_p50.irc_to_xmpp').value, 0.5);
    assert.equal(ratio('added_p50.irc_to_xmpp').met, true);
    assert.equal(ratio('cpu_per_message.xmpp_to_irc').value, 0.5);
    assert.equal(ratio('cpu_per_message_first_burst.xmpp_to_irc').value, 0.5);
    assert.equal(ratio('burst_msg_per_s.irc_to_xmpp').value, 2);
    assert.equal(ratio('burst_msg_per_s.irc_to_xmpp').met, true);
    assert.equal(unavailable.length, 0);
  });

  it('takes the CPU target on the warm burst and reports the first burst beside it, without a target', () => {
    const ours = bridge(1.5, 1000, 0.5, 50);
    const warmer: SlotResult = { ...ours, directions: ours.directions.map((d) => ({ ...d, warm: { ...d.warm!, bridgeCpuSeconds: 0.1 } })) };
    const { figures } = ratioFigures([round(warmer, bridge(2, 500, 0.6, 30))], 'matterbridge', 'Matterbridge');
    const ratio = (key: string) => figures.find((f) => f.key === `ratio_${key}.switchboard_over_matterbridge`)!;
    assert.ok(Math.abs(ratio('cpu_per_message.irc_to_xmpp').value - 0.1 / 0.3) < 1e-9);
    assert.equal(ratio('cpu_per_message.irc_to_xmpp').met, true);
    assert.ok(Math.abs(ratio('cpu_per_message_first_burst.irc_to_xmpp').value - 0.5 / 0.6) < 1e-9);
    assert.equal(ratio('cpu_per_message_first_burst.irc_to_xmpp').target, undefined);
  });

  it('leaves the warm figures out when the plan had no warm-up', () => {
    const cold = (slot: SlotResult): SlotResult => ({ ...slot, directions: slot.directions.map(({ warm: _warm, ...d }) => d) });
    const figures = bridgeFigures([round(cold(bridge(3, 1000, 0.5, 50)), bridge(2, 500, 1, 30))], 'switchboard', 'Switchboard', true);
    assert.ok(figures.some((f) => f.key === 'cpu_s_per_1000.irc_to_xmpp.switchboard'));
    assert.ok(!figures.some((f) => f.key.includes('_warm')));
  });

  it('lists a ratio over a peer that added nothing as unavailable instead of infinite', () => {
    const { unavailable } = ratioFigures([round(bridge(1.5, 1000, 0.5, 50), bridge(1, 500, 1, 30))], 'matterbridge', 'Matterbridge');
    assert.ok(unavailable.some((u) => u.key === 'ratio_added_p50.irc_to_xmpp.switchboard_over_matterbridge'));
  });
});

describe('the generated Matterbridge config', () => {
  it('is tuned as issue 13 measured it and bridges the given pair', () => {
    const irc = { host: '127.0.0.1', port: 6667 } as IrcServer;
    const xmpp = { host: '127.0.0.1', port: 5222, domain: 'localhost', mucDomain: 'conference.localhost' } as XmppServer;
    const config = matterbridgeConfig(irc, xmpp, { channel: '#mb', room: 'mb', ircNick: 'mbbot', xmppUser: 'mbbot', mucNick: 'matterbridge' });
    for (const line of ['MessageDelay = 1', 'MessageQueue = 10000', 'NoTLS = true', 'Server = "127.0.0.1:6667"', 'Jid = "mbbot@localhost"', 'Muc = "conference.localhost"', 'channel = "#mb"', 'channel = "mb"']) {
      assert.ok(config.includes(line), line);
    }
  });
});

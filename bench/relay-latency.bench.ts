/**
 * Relay latency end to end: paced messages (50/s) with sequence numbers through the real
 * switchboard process between ngIRCd and Prosody, both directions, and the same through one
 * server without the bridge (the servers' own share of the latency).
 */
import type { Benchmark } from './lib/benchmark.js';
import { figure, type Figure } from './lib/result.js';
import { field, repeatRuns } from './lib/repeat.js';
import { startRelayRig } from './lib/relay-rig.js';
import { pacedRun, type Path, type PacedResult } from './lib/traffic.js';

const RATE = 50;
const MESSAGES = 200;
const DRAIN_MS = 5_000;
const LIFTED_FLOOD = { burst: 100, intervalMs: 0 } as const;

function pathFigures(path: Path, runs: readonly PacedResult[], bridged: boolean): Figure[] {
  const k = path.key;
  const p50Target = bridged ? { target: { op: '<=', value: 2 } as const } : {};
  const p99Target = bridged ? { target: { op: '<=', value: 6 } as const } : {};
  return [
    figure({ key: `p50_ms.${k}`, label: `p50 latency, ${path.label}`, unit: 'ms', ...p50Target }, field(runs, (r) => r.p50)),
    figure({ key: `p95_ms.${k}`, label: `p95 latency, ${path.label}`, unit: 'ms' }, field(runs, (r) => r.p95)),
    figure({ key: `p99_ms.${k}`, label: `p99 latency, ${path.label}`, unit: 'ms', ...p99Target }, field(runs, (r) => r.p99)),
    figure({ key: `max_ms.${k}`, label: `max latency, ${path.label}`, unit: 'ms' }, field(runs, (r) => r.max)),
    figure({ key: `delivered.${k}`, label: `delivered of ${MESSAGES}, ${path.label}`, unit: 'messages', ...(bridged ? { target: { op: '>=', value: MESSAGES } as const } : {}) }, field(runs, (r) => r.delivered)),
    figure({ key: `out_of_order.${k}`, label: `out of order, ${path.label}`, unit: 'messages' }, field(runs, (r) => r.outOfOrder)),
  ];
}

const benchmark: Benchmark = {
  name: 'relay-latency',
  title: 'Relay latency end to end (paced)',
  async run(context) {
    const rig = await startRelayRig({ context, flood: LIFTED_FLOOD });
    try {
      const messages = context.quick ? 50 : MESSAGES;
      const repeats = context.quick ? 1 : 3;
      const figures: Figure[] = [];
      const paths = [
        { path: rig.ircToXmpp, bridged: true },
        { path: rig.xmppToIrc, bridged: true },
        { path: rig.ircToIrc, bridged: false },
        { path: rig.xmppToXmpp, bridged: false },
      ];
      for (const { path, bridged } of paths) {
        const runs = await repeatRuns({ warmups: 1, repeats }, async (index) => {
          const result = await pacedRun(rig.tracker, path, index < 0 ? 50 : messages, RATE, DRAIN_MS);
          context.progress(`${path.label} run ${index}: p50 ${result.p50.toFixed(2)} ms, p99 ${result.p99.toFixed(2)} ms, max ${result.max.toFixed(1)} ms, ${result.delivered}/${result.sent}`);
          return result;
        });
        figures.push(...pathFigures(path, runs, bridged));
      }
      return {
        parameters: { ratePerSecond: RATE, messagesPerRun: messages, repeats, warmups: 1, warmupMessages: 50, drainMs: DRAIN_MS, ircFlood: LIFTED_FLOOD, duplicates: rig.tracker.duplicates },
        figures,
        notes: [
          'Latency = arrival at the receiving client − the moment the sending client wrote the message (one clock: all clients live in the benchmark process).',
          'Server throttles off: ngIRCd MaxPenaltyTime = 0 (test/support/configs/ngircd.ts); the IRC adapter\'s flood bucket raised to burst 100, intervalMs 0.',
          'The hub is the real `switchboard run` process (relay module, SQLite, log level info); XMPP logs in with PLAIN on plaintext loopback.',
          'Baselines: the same clients through #direct / direct@conference, which no bridge joins; bridge overhead ≈ bridged p50 − the source server\'s baseline − the target server\'s delivery.',
        ],
      };
    } finally {
      await rig.stop();
    }
  },
};
export default benchmark;

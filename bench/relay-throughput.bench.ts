/**
 * Relay throughput end to end: bursts of 1,000 messages each way through the real switchboard
 * process (messages per second from the first send until the last arrival, delivered count,
 * out-of-order count), with the servers' and the adapter's flood limits lifted, then once each
 * way under the default limits of both.
 */
import type { Benchmark, BenchContext } from './lib/benchmark.js';
import { figure, type Figure } from './lib/result.js';
import { field, repeatRuns } from './lib/repeat.js';
import { startRelayRig, type FloodSetting } from './lib/relay-rig.js';
import { burstRun, type BurstResult, type Path } from './lib/traffic.js';

const BURST = 1_000;
const IDLE_MS = 5_000;
const LIFTED_WINDOW_MS = 20_000;
/** Under default limits a burst takes many minutes; it is cut off after this. */
const DEFAULT_WINDOW_MS = 15_000;
const LIFTED_FLOOD = { burst: 100, intervalMs: 0 } as const;
/** ngIRCd's default flood penalty (the test servers run with MaxPenaltyTime = 0). */
const NGIRCD_DEFAULT_LIMITS = '[Limits]\n\tMaxPenaltyTime = -1\n';

interface Scenario {
  readonly key: string;
  readonly label: string;
  readonly ngircdExtraConfig?: string;
  readonly flood: FloodSetting;
  readonly windowMs: number;
  readonly repeats: number;
  readonly baselines: boolean;
}

const SCENARIOS: readonly Scenario[] = [
  { key: 'lifted', label: 'limits lifted', flood: LIFTED_FLOOD, windowMs: LIFTED_WINDOW_MS, repeats: 3, baselines: true },
  { key: 'default', label: 'default limits', ngircdExtraConfig: NGIRCD_DEFAULT_LIMITS, flood: 'default', windowMs: DEFAULT_WINDOW_MS, repeats: 1, baselines: false },
];

function burstFigures(scenario: Scenario, path: Path, runs: readonly BurstResult[], bridged: boolean): Figure[] {
  const k = `${path.key}.${scenario.key}`;
  const lifted = scenario.key === 'lifted' && bridged;
  const label = `${path.label}, ${scenario.label}`;
  const cutOff = runs.some((r) => r.cutOff) ? `cut off after ${scenario.windowMs / 1000} s` : undefined;
  return [
    figure({ key: `messages_per_second.${k}`, label: `burst msg/s, ${label}`, unit: 'msg/s', ...(lifted ? { target: { op: '>=', value: 1800 } as const } : {}), ...(cutOff ? { note: `${cutOff}: rate of the messages delivered until then` } : {}) }, field(runs, (r) => r.messagesPerSecond)),
    figure({ key: `delivered.${k}`, label: `delivered of ${BURST}, ${label}`, unit: 'messages', ...(lifted ? { target: { op: '>=', value: BURST } as const } : {}), ...(cutOff ? { note: cutOff } : {}) }, field(runs, (r) => r.delivered)),
    figure({ key: `out_of_order.${k}`, label: `out of order, ${label}`, unit: 'messages', ...(lifted ? { target: { op: '<=', value: 0 } as const } : {}) }, field(runs, (r) => r.outOfOrder)),
  ];
}

async function runScenario(context: BenchContext, scenario: Scenario): Promise<Figure[]> {
  const rig = await startRelayRig({ context, flood: scenario.flood, ...(scenario.ngircdExtraConfig ? { ngircdExtraConfig: scenario.ngircdExtraConfig } : {}) });
  try {
    const paths = [
      { path: rig.ircToXmpp, bridged: true },
      { path: rig.xmppToIrc, bridged: true },
      ...(scenario.baselines ? [{ path: rig.ircToIrc, bridged: false }, { path: rig.xmppToXmpp, bridged: false }] : []),
    ];
    const figures: Figure[] = [];
    for (const { path, bridged } of paths) {
      const warmups = scenario.key === 'lifted' ? 1 : 0;
      const runs = await repeatRuns({ warmups, repeats: context.quick ? 1 : scenario.repeats }, async (index) => {
        const result = await burstRun(rig.tracker, path, index < 0 ? 100 : BURST, IDLE_MS, scenario.windowMs);
        context.progress(`${scenario.label}, ${path.label} run ${index}: ${result.messagesPerSecond.toFixed(0)} msg/s, ${result.delivered}/${result.sent} delivered, ${result.outOfOrder} out of order${result.cutOff ? ' (cut off)' : ''}`);
        return result;
      });
      figures.push(...burstFigures(scenario, path, runs, bridged));
    }
    return figures;
  } finally {
    await rig.stop();
  }
}

const benchmark: Benchmark = {
  name: 'relay-throughput',
  title: 'Relay throughput end to end (bursts)',
  async run(context) {
    const figures: Figure[] = [];
    for (const scenario of SCENARIOS) figures.push(...(await runScenario(context, scenario)));
    return {
      parameters: { burst: BURST, idleMs: IDLE_MS, windows: SCENARIOS.map((s) => ({ scenario: s.key, windowMs: s.windowMs, repeats: s.repeats })), liftedFlood: LIFTED_FLOOD },
      figures,
      notes: [
        'A burst: the sending client writes all 1,000 messages at once (IRC: one socket write; XMPP: 1,000 stanzas without waiting); msg/s = delivered ÷ (last arrival − first send).',
        'Limits lifted: ngIRCd MaxPenaltyTime = 0 (disables its per-command penalty), MaxConnectionsIP = 0; the IRC adapter\'s flood bucket burst 100, intervalMs 0.',
        'Default limits: ngIRCd with MaxPenaltyTime = -1 (its default: 3 commands per loop, then a 1 s penalty per command) and the adapter\'s default bucket (4 lines, then 1 line/s); the burst is cut off after 15 s and the rate is that of the messages delivered by then.',
        'Under default limits IRC→XMPP is limited by ngIRCd throttling the sending client, XMPP→IRC by the adapter\'s flood bucket (by design: it keeps the bot from being killed for flooding).',
      ],
    };
  },
};
export default benchmark;

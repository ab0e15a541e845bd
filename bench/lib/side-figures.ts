/**
 * Figures of the side-by-side benchmark out of its rounds: the floor, each bridge's figures
 * (latency added over the floor, CPU per 1,000 messages, bursts, memory, ready) and the ratios
 * Switchboard ÷ peer that issue 13 sets its targets on.
 */
import { figure, type Figure, type Target, type Unavailable } from './result.js';
import { quantile, quantileOfSorted } from './stats.js';
import type { BurstMeasure, DirectionResult, SlotResult } from './bridge-slot.js';

const MIB = 1024 * 1024;
/** Direction keys of a bridge slot's results, in order. */
export const DIRECTIONS = [
  { key: 'irc_to_xmpp', label: 'IRC→XMPP' },
  { key: 'xmpp_to_irc', label: 'XMPP→IRC' },
] as const;

/** One round: the floor's slot and every bridge's slot, measured one after another. */
export interface Round {
  readonly floor: SlotResult;
  readonly bridges: Readonly<Record<string, SlotResult>>;
}

/** The floor of a bridged message: one hop through ngIRCd plus one through Prosody. */
export interface FloorLatency {
  readonly p50: number;
  readonly p99: number;
}

/**
 * Percentiles of the sum of an IRC→IRC and an XMPP→XMPP latency (every pair of the two runs'
 * samples: the distribution of a message crossing both servers once if the hops are independent).
 */
export function floorLatency(ircToIrc: readonly number[], xmppToXmpp: readonly number[]): FloorLatency {
  const sums = new Float64Array(ircToIrc.length * xmppToXmpp.length);
  let n = 0;
  for (const a of ircToIrc) for (const b of xmppToXmpp) sums[n++] = a + b;
  sums.sort();
  const sorted = Array.from(sums);
  return { p50: quantileOfSorted(sorted, 0.5), p99: quantileOfSorted(sorted, 0.99) };
}

function floorOf(round: Round): FloorLatency {
  const [irc, xmpp] = round.floor.directions;
  return floorLatency(irc!.paced.latencies, xmpp!.paced.latencies);
}

/**
 * Latency added over the floor with every round's messages pooled (600 instead of 200 per
 * percentile: p99 is then the 6th-worst message, not the 2nd), for bridge `bridge`, direction `i`.
 */
export function pooledAdded(rounds: readonly Round[], bridge: string, i: number): FloorLatency {
  const pool = (pick: (r: Round) => DirectionResult) => rounds.flatMap((r) => pick(r).paced.latencies);
  const floor = floorLatency(pool((r) => r.floor.directions[0]!), pool((r) => r.floor.directions[1]!));
  const bridged = pool((r) => r.bridges[bridge]!.directions[i]!);
  return { p50: quantile(bridged, 0.5) - floor.p50, p99: quantile(bridged, 0.99) - floor.p99 };
}

/** Figures of one measured quantity of a direction result, per round. */
type Pick = (d: DirectionResult, round: Round) => number;

interface Quantity {
  readonly key: string;
  readonly label: string;
  readonly unit: string;
  readonly pick: Pick;
  /** A figure of the warm burst: left out when a round has none (a plan without warm-up). */
  readonly warm?: true;
}

const perThousand = (d: BurstMeasure) => ((d.bridgeCpuSeconds ?? NaN) / Math.max(1, d.burst.delivered)) * 1000;
const clientShare = (d: BurstMeasure) => d.clientCpuSeconds / (d.burst.durationMs / 1000);
/** The warm burst's measure (NaN figures when the plan had none). */
const warm = (d: DirectionResult): BurstMeasure => d.warm ?? { burst: { ...d.burst, messagesPerSecond: NaN, delivered: NaN }, burstDuplicates: NaN, clientCpuSeconds: NaN };

const BRIDGE_QUANTITIES: readonly Quantity[] = [
  { key: 'added_p50_ms', label: 'added p50 latency over the floor (paced 50/s)', unit: 'ms', pick: (d, r) => d.paced.p50 - floorOf(r).p50 },
  { key: 'added_p99_ms', label: 'added p99 latency over the floor (paced 50/s)', unit: 'ms', pick: (d, r) => d.paced.p99 - floorOf(r).p99 },
  { key: 'p50_ms', label: 'p50 latency (paced 50/s)', unit: 'ms', pick: (d) => d.paced.p50 },
  { key: 'p99_ms', label: 'p99 latency (paced 50/s)', unit: 'ms', pick: (d) => d.paced.p99 },
  { key: 'paced_delivered', label: 'paced messages delivered', unit: 'messages', pick: (d) => d.paced.delivered },
  { key: 'cpu_s_per_1000', label: 'bridge CPU s per 1,000 messages (first burst of a fresh process, idle use subtracted)', unit: 's', pick: perThousand },
  { key: 'burst_msg_per_s', label: 'burst msg/s (first burst)', unit: 'msg/s', pick: (d) => d.burst.messagesPerSecond },
  { key: 'burst_delivered', label: 'burst delivered (first burst)', unit: 'messages', pick: (d) => d.burst.delivered },
  { key: 'burst_duplicated', label: 'burst duplicated (first burst)', unit: 'messages', pick: (d) => d.burstDuplicates },
  { key: 'burst_out_of_order', label: 'burst out of order (first burst)', unit: 'messages', pick: (d) => d.burst.outOfOrder },
  { key: 'client_cpu_share', label: 'bench client CPU ÷ burst wall time (1 = one core busy)', unit: '', pick: clientShare },
  { key: 'cpu_s_per_1000_warm', label: 'bridge CPU s per 1,000 messages, warm (the burst after the warm-up bursts, idle use subtracted)', unit: 's', pick: (d) => perThousand(warm(d)), warm: true },
  { key: 'burst_msg_per_s_warm', label: 'burst msg/s, warm', unit: 'msg/s', pick: (d) => warm(d).burst.messagesPerSecond, warm: true },
  { key: 'burst_delivered_warm', label: 'burst delivered, warm', unit: 'messages', pick: (d) => warm(d).burst.delivered, warm: true },
  { key: 'burst_duplicated_warm', label: 'burst duplicated, warm', unit: 'messages', pick: (d) => warm(d).burstDuplicates, warm: true },
  { key: 'burst_out_of_order_warm', label: 'burst out of order, warm', unit: 'messages', pick: (d) => warm(d).burst.outOfOrder, warm: true },
];

function slotFigure(rounds: readonly Round[], bridge: string, key: string, label: string, unit: string, pick: (slot: SlotResult) => number, target?: Target): Figure {
  return figure({ key: `${key}.${bridge}`, label, unit, ...(target ? { target } : {}) }, rounds.map((r) => pick(r.bridges[bridge]!)));
}

/** The floor's figures: each server alone, and the bench client's share of the floor bursts. */
export function floorFigures(rounds: readonly Round[]): Figure[] {
  const floors = rounds.map(floorOf);
  const out = [
    figure({ key: 'floor_p50_ms.both_servers', label: 'floor p50: one ngIRCd hop + one Prosody hop', unit: 'ms' }, floors.map((f) => f.p50)),
    figure({ key: 'floor_p99_ms.both_servers', label: 'floor p99: one ngIRCd hop + one Prosody hop', unit: 'ms' }, floors.map((f) => f.p99)),
  ];
  for (const [i, path] of [{ key: 'irc_to_irc', label: 'IRC→IRC, ngIRCd alone' }, { key: 'xmpp_to_xmpp', label: 'XMPP→XMPP, Prosody alone' }].entries()) {
    const picks: Array<[string, string, string, (d: DirectionResult) => number]> = [
      ['p50_ms', 'p50 latency', 'ms', (d) => d.paced.p50],
      ['p99_ms', 'p99 latency', 'ms', (d) => d.paced.p99],
      ['burst_msg_per_s', 'burst msg/s', 'msg/s', (d) => d.burst.messagesPerSecond],
      ['burst_delivered', 'burst delivered', 'messages', (d) => d.burst.delivered],
      ['client_cpu_share', 'bench client CPU ÷ burst wall time', '', clientShare],
    ];
    for (const [key, label, unit, pick] of picks) {
      out.push(figure({ key: `floor_${key}.${path.key}`, label: `floor ${label}, ${path.label}`, unit }, rounds.map((r) => pick(r.floor.directions[i]!))));
    }
  }
  return out;
}

/** One bridge's figures; Switchboard's carry the absolute memory targets. */
export function bridgeFigures(rounds: readonly Round[], bridge: string, bridgeLabel: string, isSwitchboard: boolean): Figure[] {
  const out: Figure[] = [];
  for (const [i, dir] of DIRECTIONS.entries()) {
    for (const q of BRIDGE_QUANTITIES) {
      if (q.warm && rounds.some((r) => !r.bridges[bridge]!.directions[i]!.warm)) continue;
      const target = isSwitchboard ? zeroTarget(q.key) : undefined;
      out.push(figure({ key: `${q.key}.${dir.key}.${bridge}`, label: `${q.label}, ${dir.label} through ${bridgeLabel}`, unit: q.unit, ...(target ? { target } : {}) }, rounds.map((r) => q.pick(r.bridges[bridge]!.directions[i]!, r))));
    }
  }
  for (const [i, dir] of DIRECTIONS.entries()) {
    const pooled = pooledAdded(rounds, bridge, i);
    out.push(
      figure({ key: `added_p50_ms_pooled.${dir.key}.${bridge}`, label: `added p50 over the floor, all rounds' messages pooled, ${dir.label} through ${bridgeLabel}`, unit: 'ms' }, [pooled.p50]),
      figure({ key: `added_p99_ms_pooled.${dir.key}.${bridge}`, label: `added p99 over the floor, all rounds' messages pooled, ${dir.label} through ${bridgeLabel}`, unit: 'ms' }, [pooled.p99]),
    );
  }
  const mib = (bytes: number | undefined) => (bytes ?? NaN) / MIB;
  out.push(
    slotFigure(rounds, bridge, 'rss_idle_mib', `RSS idle after ready, ${bridgeLabel}`, 'MiB', (s) => mib(s.rssIdleBytes), isSwitchboard ? { op: '<=', value: 60 } : undefined),
    slotFigure(rounds, bridge, 'rss_peak_mib', `peak RSS (VmHWM) after the 1,000-message bursts, ${bridgeLabel}`, 'MiB', (s) => mib(s.rssPeakBytes), isSwitchboard ? { op: '<=', value: 80 } : undefined),
    slotFigure(rounds, bridge, 'rss_start_peak_mib', `peak RSS (VmHWM) 1 s after ready, before any burst (start-up's peak), ${bridgeLabel}`, 'MiB', (s) => mib(s.rssStartPeakBytes)),
    slotFigure(rounds, bridge, 'rss_after_bursts_mib', `RSS (VmRSS) right after the first bursts, ${bridgeLabel}`, 'MiB', (s) => mib(s.rssAfterBurstsBytes)),
    slotFigure(rounds, bridge, 'ready_ms', `ready (spawn until a probe crossed both ways), ${bridgeLabel}`, 'ms', (s) => s.readyMs ?? NaN),
  );
  if (rounds.every((r) => r.bridges[bridge]!.rssPeakAfterWarmBytes !== undefined)) {
    out.push(slotFigure(rounds, bridge, 'rss_peak_after_warm_mib', `peak RSS (VmHWM) at the end, after the warm-up and warm bursts too, ${bridgeLabel}`, 'MiB', (s) => mib(s.rssPeakAfterWarmBytes)));
  }
  return out;
}

function zeroTarget(key: string): Target | undefined {
  return /^burst_(duplicated|out_of_order)(_warm)?$/.test(key) ? { op: '<=', value: 0 } : undefined;
}

interface RatioSpec {
  readonly key: string;
  readonly label: string;
  readonly target?: Target;
  /** Per direction (the direction's index) or per slot (undefined). */
  readonly pick: (slot: SlotResult, round: Round, direction: number) => number;
  readonly perDirection: boolean;
}

/** Added latency ratios, on the pooled rounds (one value: per-round p99 of 200 is too noisy to divide). */
const POOLED_RATIOS: ReadonlyArray<{ key: string; label: string; target: Target; pick: (l: FloorLatency) => number }> = [
  { key: 'added_p50', label: 'added p50 latency (rounds pooled)', target: { op: '<=', value: 0.5 }, pick: (l) => l.p50 },
  { key: 'added_p99', label: 'added p99 latency (rounds pooled)', target: { op: '<=', value: 1 }, pick: (l) => l.p99 },
];

const RATIOS: readonly RatioSpec[] = [
  { key: 'cpu_per_message', label: 'CPU per message in 1,000-message bursts, warm (steady state)', target: { op: '<=', value: 1 }, perDirection: true, pick: (s, _r, i) => perThousand(warm(s.directions[i]!)) },
  { key: 'cpu_per_message_first_burst', label: 'CPU per message in the first 1,000-message burst of a fresh process', perDirection: true, pick: (s, _r, i) => perThousand(s.directions[i]!) },
  { key: 'burst_msg_per_s', label: 'burst throughput, warm', target: { op: '>=', value: 2 }, perDirection: true, pick: (s, _r, i) => warm(s.directions[i]!).burst.messagesPerSecond },
  { key: 'burst_msg_per_s_first_burst', label: 'burst throughput, first burst of a fresh process', perDirection: true, pick: (s, _r, i) => s.directions[i]!.burst.messagesPerSecond },
  { key: 'rss_idle', label: 'RSS idle', perDirection: false, pick: (s) => s.rssIdleBytes ?? NaN },
  { key: 'rss_peak', label: 'peak RSS after bursts', perDirection: false, pick: (s) => s.rssPeakBytes ?? NaN },
  { key: 'ready', label: 'ready time', perDirection: false, pick: (s) => s.readyMs ?? NaN },
];

/**
 * Switchboard ÷ `peer`, per round (same round, side by side), with the targets. A ratio
 * whose rounds are not all finite (e.g. the peer added nothing measurable) is listed unavailable.
 */
export function ratioFigures(rounds: readonly Round[], peer: string, peerLabel: string): { figures: Figure[]; unavailable: Unavailable[] } {
  const figures: Figure[] = [];
  const unavailable: Unavailable[] = [];
  for (const spec of POOLED_RATIOS) {
    for (const [i, d] of DIRECTIONS.entries()) {
      const key = `ratio_${spec.key}.${d.key}.switchboard_over_${peer}`;
      const label = `Switchboard ÷ ${peerLabel}: ${spec.label}, ${d.label}`;
      const ours = spec.pick(pooledAdded(rounds, 'switchboard', i));
      const theirs = spec.pick(pooledAdded(rounds, peer, i));
      if (theirs > 0) figures.push(figure({ key, label, unit: '×', target: spec.target }, [ours / theirs]));
      else unavailable.push({ key, label, reason: `${peerLabel} added ${theirs.toFixed(2)} ms: within the floor's noise, no ratio`, target: spec.target });
    }
  }
  for (const spec of RATIOS) {
    const directions = spec.perDirection ? DIRECTIONS.map((d, i) => ({ i, suffix: `.${d.key}`, label: `, ${d.label}` })) : [{ i: 0, suffix: '', label: '' }];
    for (const d of directions) {
      const key = `ratio_${spec.key}${d.suffix}.switchboard_over_${peer}`;
      const label = `Switchboard ÷ ${peerLabel}: ${spec.label}${d.label}`;
      const samples = rounds.map((r) => spec.pick(r.bridges.switchboard!, r, d.i) / spec.pick(r.bridges[peer]!, r, d.i));
      if (samples.every(Number.isFinite)) figures.push(figure({ key, label, unit: '×', ...(spec.target ? { target: spec.target } : {}) }, samples));
      else unavailable.push({ key, label, reason: `not a finite ratio in every round (${samples.join(', ')})`, ...(spec.target ? { target: spec.target } : {}) });
    }
  }
  return { figures, unavailable };
}

/** The ratios listed as not measured when no peer binary was given. */
export function ratiosUnavailable(peer: string, peerLabel: string): Unavailable[] {
  return [...POOLED_RATIOS, ...RATIOS].filter((s) => s.target).map((s) => ({
    key: `ratio_${s.key}.switchboard_over_${peer}`,
    label: `Switchboard ÷ ${peerLabel}: ${s.label}`,
    reason: `no peer binary given (--peer ${peer}=PATH)`,
    target: s.target!,
  }));
}

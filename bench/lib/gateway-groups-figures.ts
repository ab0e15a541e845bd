/**
 * Figures of the group-chat benchmark (gateway-groups.bench.ts) out of its rounds, per gateway:
 * cold join, room-message latency each way and added over the floor, a burst IRC→XMPP, memory
 * per extra user in one room; Switchboard's compared with issue 18's targets.
 */
import { figure, type Figure, type Target, type Unavailable } from './result.js';
import type { PathLatency } from './gateway-figures.js';
import type { BurstResult } from './traffic.js';

const KIB = 1024;

/** CPU time during a burst per 1,000 messages, ms: the gateway process, Prosody, the bench process. */
export interface BurstCpu {
  readonly gatewayMsPer1000: number;
  readonly prosodyMsPer1000: number;
  readonly clientMsPer1000: number;
}

/** One gateway's slot in one round. */
export interface GroupSlot {
  readonly coldJoin: { readonly subjectMs: number; readonly ircJoinMs: number; readonly stanzasBefore: number };
  readonly xmppToIrc: PathLatency;
  readonly ircToXmpp: PathLatency;
  readonly burst: BurstResult;
  /** The same burst right before, through ngIRCd alone (alice → carol private message; not #lobby, whose messages the gateways would relay) and Prosody alone (bob → dave). */
  readonly burstFloor: { readonly irc: BurstResult; readonly xmpp: BurstResult };
  /** CPU time during the burst per 1,000 messages, ms: the gateway process, Prosody, the bench process. */
  readonly burstCpu: BurstCpu;
  /** The same burst again right after (the process's code then compiled for it). */
  readonly warmBurst: { readonly burst: BurstResult; readonly burstCpu: BurstCpu };
  /** Per extra user in the room, bytes: gross (login and join) and, for Switchboard, the join alone. */
  readonly memory: { readonly heapPerUser?: number; readonly rssPerUser: number; readonly heapRoomPerUser?: number; readonly rssRoomPerUser?: number; readonly heapAfterTrafficPerUser?: number };
}

export interface GroupRound {
  readonly switchboard: GroupSlot;
  readonly biboumi: GroupSlot | undefined;
}

const TARGETS = {
  coldJoin: { op: '<=', value: 10 },
  addedP50: { op: '<=', value: 1 },
  burst: { op: '>=', value: 3000 },
  memory: { op: '<=', value: 50 },
} as const satisfies Record<string, Target>;

const added = (l: PathLatency, q: 'p50' | 'p99') => l.run[q] - l.floor[q];

/** The figures of one gateway (`name`), targets on Switchboard's only. */
function slotFigures(name: string, label: string, slots: readonly GroupSlot[], crowd: number, burst: number): Figure[] {
  const sb = name === 'switchboard';
  const t = (target: Target) => (sb ? { target } : {});
  const f = (key: string, what: string, unit: string, pick: (s: GroupSlot) => number, extra: { target?: Target; note?: string } = {}) =>
    figure({ key: `${key}.${name}`, label: `${label}: ${what}`, unit, ...extra }, slots.map(pick));
  const figures = [
    f('cold_join_ms', 'cold join, join presence sent → subject received', 'ms', (s) => s.coldJoin.subjectMs, t(TARGETS.coldJoin)),
    f('cold_join_irc_ms', 'cold join, join presence sent → JOIN seen by an IRC user', 'ms', (s) => s.coldJoin.ircJoinMs),
  ];
  for (const [dir, pick] of [['xmpp_to_irc', (s: GroupSlot) => s.xmppToIrc], ['irc_to_xmpp', (s: GroupSlot) => s.ircToXmpp]] as const) {
    const arrow = dir === 'xmpp_to_irc' ? 'XMPP→IRC' : 'IRC→XMPP';
    figures.push(
      f(`latency_p50_ms.${dir}`, `room message ${arrow} p50 (50/s, history on)`, 'ms', (s) => pick(s).run.p50),
      f(`latency_p99_ms.${dir}`, `room message ${arrow} p99`, 'ms', (s) => pick(s).run.p99),
      f(`added_p50_ms.${dir}`, `room message ${arrow} p50 added over the floor`, 'ms', (s) => added(pick(s), 'p50'), t(TARGETS.addedP50)),
      f(`added_p99_ms.${dir}`, `room message ${arrow} p99 added over the floor`, 'ms', (s) => added(pick(s), 'p99')),
      f(`lost.${dir}`, `room messages ${arrow} lost in the paced run`, 'messages', (s) => pick(s).run.sent - pick(s).run.delivered),
    );
  }
  figures.push(
    f('burst_msgs_per_s.irc_to_xmpp', `burst of ${burst} room messages IRC→XMPP (history on)`, 'msg/s', (s) => s.burst.messagesPerSecond, t(TARGETS.burst)),
    f('burst_lost.irc_to_xmpp', 'burst IRC→XMPP: lost', 'messages', (s) => s.burst.sent - s.burst.delivered),
    f('burst_floor_irc_msgs_per_s', `the same burst through ngIRCd alone right before (alice → carol private message; not #lobby, whose messages the gateways would relay)`, 'msg/s', (s) => s.burstFloor.irc.messagesPerSecond),
    f('burst_floor_xmpp_msgs_per_s', `the same burst through Prosody alone right before (bob → dave chat)`, 'msg/s', (s) => s.burstFloor.xmpp.messagesPerSecond),
    f('burst_gateway_cpu_ms_per_1000', 'burst IRC→XMPP: the gateway process\'s CPU per 1,000 messages', 'ms', (s) => s.burstCpu.gatewayMsPer1000),
    f('burst_prosody_cpu_ms_per_1000', 'burst IRC→XMPP: Prosody\'s CPU per 1,000 messages', 'ms', (s) => s.burstCpu.prosodyMsPer1000),
    f('burst_client_cpu_ms_per_1000', 'burst IRC→XMPP: the bench process\'s CPU per 1,000 messages (its clients)', 'ms', (s) => s.burstCpu.clientMsPer1000),
    f('burst_again_msgs_per_s.irc_to_xmpp', 'the same burst again right after (code compiled for it)', 'msg/s', (s) => s.warmBurst.burst.messagesPerSecond),
    f('burst_again_lost.irc_to_xmpp', 'burst again: lost', 'messages', (s) => s.warmBurst.burst.sent - s.warmBurst.burst.delivered),
    f('burst_again_gateway_cpu_ms_per_1000', 'burst again: the gateway process\'s CPU per 1,000 messages', 'ms', (s) => s.warmBurst.burstCpu.gatewayMsPer1000),
    f('burst_again_prosody_cpu_ms_per_1000', 'burst again: Prosody\'s CPU per 1,000 messages', 'ms', (s) => s.warmBurst.burstCpu.prosodyMsPer1000),
    f('burst_out_of_order.irc_to_xmpp', 'burst IRC→XMPP: out of order', 'messages', (s) => s.burst.outOfOrder),
    f('rss_per_user_kib', `RSS per extra user in one room (${crowd} joined; login included)`, 'KiB', (s) => s.memory.rssPerUser / KIB),
  );
  if (sb) {
    figures.push(
      f('heap_per_user_kib', `heap after GC per extra user in one room (${crowd} joined; its login before traffic + its room part)`, 'KiB', (s) => (s.memory.heapPerUser ?? Number.NaN) / KIB, t(TARGETS.memory)),
      f('heap_room_per_user_kib', 'heap after GC per user for the room alone (joined − logged in)', 'KiB', (s) => (s.memory.heapRoomPerUser ?? Number.NaN) / KIB),
      f('heap_after_traffic_per_user_kib', 'heap after GC, joined − the hub with no user, ÷ users: also divides among them what the traffic before left in the hub', 'KiB', (s) => (s.memory.heapAfterTrafficPerUser ?? Number.NaN) / KIB),
      f('rss_room_per_user_kib', 'RSS per user for the room alone (joined − logged in)', 'KiB', (s) => (s.memory.rssRoomPerUser ?? Number.NaN) / KIB),
    );
  }
  return figures;
}

/** Every figure (the floor from Switchboard's slots), and Biboumi's as unavailable when it did not run. */
export function groupFigures(rounds: readonly GroupRound[], crowd: number, burst: number): { figures: Figure[]; unavailable: Unavailable[] } {
  const sb = rounds.map((r) => r.switchboard);
  const floor = [
    figure({ key: 'floor_p50_ms', label: 'floor (IRC→IRC + XMPP→XMPP one-to-one) p50, before Switchboard\'s XMPP→IRC run', unit: 'ms' }, sb.map((s) => s.xmppToIrc.floor.p50)),
    figure({ key: 'floor_p99_ms', label: 'floor p99, same', unit: 'ms' }, sb.map((s) => s.xmppToIrc.floor.p99)),
  ];
  const figures = [...floor, ...slotFigures('switchboard', 'Switchboard', sb, crowd, burst)];
  const bib = rounds.flatMap((r) => (r.biboumi === undefined ? [] : [r.biboumi]));
  if (bib.length > 0) return { figures: [...figures, ...slotFigures('biboumi', 'Biboumi 9.0', bib, crowd, burst)], unavailable: [] };
  return { figures, unavailable: [{ key: 'biboumi', label: 'Biboumi 9.0 figures', reason: 'biboumi is not installed' }] };
}

/** One sentence: which of Switchboard's targets are met, which missed. */
export function groupVerdict(figures: readonly Figure[]): string {
  const withTarget = figures.filter((fig) => fig.target !== undefined);
  const missed = withTarget.filter((fig) => fig.met === false);
  return missed.length === 0
    ? `All ${withTarget.length} of Switchboard's targets met.`
    : `Targets missed (${missed.length} of ${withTarget.length}): ${missed.map((fig) => `${fig.key} ${fig.value.toFixed(2)} ${fig.unit} (target ${fig.target!.op} ${fig.target!.value})`).join('; ')}.`;
}

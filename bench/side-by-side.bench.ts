/**
 * Side by side (issue 13): the same bench client drives the servers alone (the floor),
 * Switchboard, and every peer bridge whose binary is given (`--peer matterbridge=PATH`), in one
 * run, round after round, a fresh bridge process per slot; it reports each bridge's latency
 * added over the floor, CPU per 1,000 messages in bursts, burst throughput with delivered,
 * duplicated and out of order, RSS idle and peak, ready time, and Switchboard ÷ peer ratios.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Benchmark, BenchContext } from './lib/benchmark.js';
import { measureSlot, type SlotPlan, type SlotResult } from './lib/bridge-slot.js';
import { startMatterbridge } from './lib/matterbridge.js';
import type { RunningBridge } from './lib/peer-process.js';
import { hubConfig, SWITCHBOARD_PAIR, type BridgedPair } from './lib/relay-rig.js';
import type { Figure, Unavailable } from './lib/result.js';
import { bridgeFigures, floorFigures, ratioFigures, ratiosUnavailable, type Round } from './lib/side-figures.js';
import { startSideRig, type SideRig } from './lib/side-rig.js';
import { startSwitchboardProcess } from './lib/switchboard-process.js';

const LIFTED_FLOOD = { burst: 100, intervalMs: 0 } as const;

const FULL_PLAN: SlotPlan = {
  paced: { count: 200, warmup: 50, ratePerSecond: 50, drainMs: 5_000 },
  burst: { count: 1_000, idleMs: 5_000, windowMs: 20_000 },
  warmupBursts: 3,
  idleMs: 1_000,
  settleMs: 300,
  readyTimeoutMs: 30_000,
};
const QUICK_PLAN: SlotPlan = { ...FULL_PLAN, paced: { ...FULL_PLAN.paced, count: 50, warmup: 10 }, burst: { ...FULL_PLAN.burst, count: 200 }, warmupBursts: 1 };

/** A bridge under test: its channel pair and how to start a fresh process of it. */
interface Subject {
  readonly key: string;
  readonly label: string;
  readonly pair: BridgedPair;
  start(rig: SideRig, dir: string, context: BenchContext): RunningBridge;
}

const SWITCHBOARD: Subject = {
  key: 'switchboard',
  label: 'Switchboard',
  pair: SWITCHBOARD_PAIR,
  start: (rig, dir, context) =>
    startSwitchboardProcess({
      dir,
      config: hubConfig(rig.irc, rig.xmpp, LIFTED_FLOOD, undefined, SWITCHBOARD_PAIR),
      ...(context.profileDir ? { profileDir: context.profileDir } : {}),
    }),
};

/** Peers the benchmark knows how to configure, by the name `--peer` uses. */
const PEERS: Readonly<Record<string, (binary: string) => Subject>> = {
  matterbridge: (binary) => {
    const pair: BridgedPair = { channel: '#mb', room: 'mb', ircNick: 'mbbot', xmppUser: 'mbbot', mucNick: 'matterbridge' };
    return { key: 'matterbridge', label: 'Matterbridge', pair, start: (rig, dir) => startMatterbridge(binary, dir, rig.irc, rig.xmpp, pair) };
  },
};

function peerSubjects(peers: Readonly<Record<string, string>>): Subject[] {
  return Object.entries(peers).map(([name, binary]) => {
    const make = PEERS[name];
    if (!make) throw new Error(`unknown peer "${name}" (known: ${Object.keys(PEERS).join(', ')})`);
    return make(binary);
  });
}

/** One fresh process of `subject`, measured, then stopped. */
async function bridgeSlot(rig: SideRig, subject: Subject, plan: SlotPlan, context: BenchContext): Promise<SlotResult> {
  const dir = mkdtempSync(join(tmpdir(), `sb-bench-side-${subject.key}-`));
  const bridge = subject.start(rig, dir, context);
  try {
    const paths = rig.bridged(subject.pair, subject.label);
    return await measureSlot(rig.tracker, [paths.ircToXmpp, paths.xmppToIrc], plan, bridge);
  } catch (error) {
    throw new Error(`${subject.label}: ${(error as Error).message}\n${bridge.output().slice(-2000)}`, { cause: error });
  } finally {
    await bridge.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

function describe(context: BenchContext, name: string, slot: SlotResult): void {
  const dirs = slot.directions.map((d) => `p50 ${d.paced.p50.toFixed(2)} p99 ${d.paced.p99.toFixed(2)} ms, burst ${d.burst.messagesPerSecond.toFixed(0)} msg/s ${d.burst.delivered}/${d.burst.sent} (${d.burst.outOfOrder} ooo, ${d.burstDuplicates} dup)${d.bridgeCpuSeconds === undefined ? '' : `, cpu ${d.bridgeCpuSeconds.toFixed(2)} s`}, client cpu ${d.clientCpuSeconds.toFixed(2)} s${d.warm ? `; warm: ${d.warm.burst.messagesPerSecond.toFixed(0)} msg/s${d.warm.bridgeCpuSeconds === undefined ? '' : `, cpu ${d.warm.bridgeCpuSeconds.toFixed(2)} s`}` : ''}`);
  const mem = slot.rssIdleBytes === undefined ? '' : `, ready ${slot.readyMs!.toFixed(0)} ms, RSS ${(slot.rssIdleBytes / 2 ** 20).toFixed(1)} / ${(slot.rssPeakBytes! / 2 ** 20).toFixed(1)} MiB`;
  context.progress(`${name}: ${dirs.join(' | ')}${mem}`);
}

const benchmark: Benchmark = {
  name: 'side-by-side',
  title: 'Side by side: the floor, Switchboard and peer bridges in one run',
  async run(context) {
    const peers = peerSubjects(context.peers);
    const subjects = [SWITCHBOARD, ...peers];
    const plan = context.quick ? QUICK_PLAN : FULL_PLAN;
    const repeats = context.quick ? 1 : 3;
    const rig = await startSideRig(subjects.map((s) => s.pair));
    try {
      const rounds: Round[] = [];
      for (let round = 0; round < repeats; round++) {
        const floor = await measureSlot(rig.tracker, [rig.ircToIrc, rig.xmppToXmpp], { ...plan, warmupBursts: 0 });
        describe(context, `round ${round} floor`, floor);
        const bridges: Record<string, SlotResult> = {};
        for (const subject of subjects) {
          bridges[subject.key] = await bridgeSlot(rig, subject, plan, context);
          describe(context, `round ${round} ${subject.label}`, bridges[subject.key]!);
        }
        rounds.push({ floor, bridges });
      }
      const figures: Figure[] = [...floorFigures(rounds)];
      const unavailable: Unavailable[] = [];
      for (const subject of subjects) figures.push(...bridgeFigures(rounds, subject.key, subject.label, subject === SWITCHBOARD));
      for (const name of Object.keys(PEERS)) {
        const peer = peers.find((p) => p.key === name);
        if (!peer) {
          unavailable.push(...ratiosUnavailable(name, name));
          continue;
        }
        const ratios = ratioFigures(rounds, peer.key, peer.label);
        figures.push(...ratios.figures);
        unavailable.push(...ratios.unavailable);
      }
      return {
        parameters: { plan, repeats, subjects: subjects.map((s) => s.key), peers: context.peers, switchboardFlood: LIFTED_FLOOD, duplicatesOverall: rig.tracker.duplicates },
        figures,
        unavailable,
        notes: [
          'One ngIRCd and one Prosody on loopback for the whole run; each round measures the floor, then a fresh process of every bridge in turn (own channel pair each), with the same clients (irc probe + @xmpp/client in the benchmark process, apart from every bridge process).',
          'Added latency = the bridge\'s paced p50 (p99) − the same percentile of the floor of that round; the floor of a bridged message is one ngIRCd hop plus one Prosody hop: the percentiles of the sums of every pair of an IRC→IRC and an XMPP→XMPP latency.',
          'CPU per 1,000 messages: the bridge process\'s CPU time (all threads, /proc/<pid>/task/*/schedstat) from the burst\'s first send until 300 ms after its last arrival, minus its idle use over 1 s after ready, ÷ delivered × 1,000.',
          `Two bursts are measured per direction and bridge: the first burst of the fresh process (after the paced messages; the *_first_burst ratios and cpu_s_per_1000) and, after ${FULL_PLAN.warmupBursts} more unmeasured bursts each way, a warm one (cpu_s_per_1000_warm, burst_msg_per_s_warm; the CPU and throughput ratios with the issue's targets). Every bridge gets the same sequence. Why: Switchboard runs on V8, whose optimising compiler compiles the hot code during the first few thousand messages on background threads (about 100 functions during the first burst, still ~40 in the third: node --trace-opt), so a fresh process's first 1,000 messages cost it about 1.5-2 × what the same messages cost once compiled (bench/results/hot-path.md, 2026-12-08); a hub runs for weeks, so the steady state is what a message costs it. The first-burst figures stay reported beside. Peak RSS (rss_peak_mib, the target) is read after the first bursts, as before; rss_peak_after_warm_mib after all of them.`,
          'RSS idle: VmRSS 1 s after ready. Peak: VmHWM after both bursts (the lifetime peak, start-up included; the start-up peak alone is VmHWM 1 s after ready). Ready: spawn until a probe crossed IRC→XMPP and then one XMPP→IRC (probes every 100 ms).',
          'The bench client is not the limit when its CPU ÷ burst wall time stays well under 1 (one core) and the floor bursts are faster than the bridged ones.',
          'Switchboard: flood { burst: 100, intervalMs: 0 }, http: false, SQLite, log level info, PLAIN on plaintext loopback. Matterbridge: MessageDelay = 1, MessageQueue = 10000, NoTLS (bench/lib/matterbridge.ts). Ratios Switchboard ÷ peer: CPU, bursts, memory and ready per round, then the median; added latency on all rounds\' messages pooled (600 per direction), one value, not given when the peer\'s added latency is ≤ 0 (within the floor\'s noise).',
          'A 2-core machine shared with other work: figures are noisy; the ratios measured side by side in one run are what to compare. p99 of 200 messages is the second-worst message: the per-round added p99 (bridge p99 − floor p99) can be near zero or negative; the pooled figures are steadier, and the raw p99 figures are next to them.',
          'In the IRC→IRC floor burst the bench client itself is the limit (its CPU ÷ wall time is near 1 over the few ms the burst takes), at a rate two orders of magnitude above any bridge; the XMPP→XMPP floor burst (Prosody alone) bounds what any bridge can reach XMPP→IRC.',
        ],
      };
    } finally {
      await rig.stop();
    }
  },
};
export default benchmark;

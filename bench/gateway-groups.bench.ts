/**
 * Group chats through the gateway (issue 18) against Biboumi 9.0 on the same ngIRCd and
 * Prosody, in one run: per round, Switchboard (a fresh hub with history on) and Biboumi (a fresh
 * process), in alternating order; in each: the cold join of sam into `#lobby` (a channel with four
 * IRC users), paced room messages each way with the floor right before, a burst IRC→XMPP, then
 * memory per extra user as a crowd joins the room. In round 0 also the feature checks
 * (room-features.ts), which feed the static feature table.
 */
import { loadavg } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Benchmark, BenchContext } from './lib/benchmark.js';
import { BIBOUMI_DOMAIN, biboumiBinary, configureIrcServer, startBiboumi, waitForComponent } from './lib/biboumi.js';
import { procStatusBytes } from './lib/bridge-slot.js';
import { groupFigures, groupVerdict, type GroupRound, type GroupSlot } from './lib/gateway-groups-figures.js';
import type { GatewayHub, HubMemory } from './lib/gateway-hub.js';
import { IRC_PASSWORD, SAM_GATEWAY_NICK, startGatewayRig, type GatewayRig } from './lib/gateway-rig.js';
import { overFloor, withDir, withHub, type PacedPlan } from './lib/gateway-slots.js';
import { featureTable } from './lib/room-feature-table.js';
import { observeFeatures, type FeatureObservations } from './lib/room-features.js';
import { CHANNEL, startRoomRig, type RoomGateway, type RoomRig } from './lib/room-rig.js';
import { processCpuNs } from './lib/process-cpu.js';
import { burstRun, type Path } from './lib/traffic.js';
import type { TestXmppClient } from '../test/support/clients.js';

const FULL = { repeats: 3, messages: 200, warmup: 50, crowd: 100, burst: 1000 };
const QUICK = { repeats: Number(process.env.BENCH_GROUPS_QUICK_REPEATS ?? 1), messages: 50, warmup: 10, crowd: 10, burst: 200 };
type Plan = typeof FULL;
const RATE = 50;
const DRAIN_MS = 5_000;
const WAIT_MS = 30_000;
const SETTLE_MS = 2_000;
/**
 * Prosody's Nagle algorithm (BENCH_GROUPS_PROSODY_NAGLE=1 for its default, on). Off here, so that
 * the run's stanza timings do not depend on the bench client's delayed ACKs (it was a suspect for
 * ~50 ms joins that turned out to be an earlier step's stanzas still arriving; see room-rig.ts).
 */
const PROSODY_NAGLE = process.env.BENCH_GROUPS_PROSODY_NAGLE === '1';
/** Room history on, with the defaults written out (docs/gateway.md "Group chats"). */
const HISTORY = { maxAgeDays: 30, maxMessagesPerRoom: 10_000, onJoin: 20, maxOnJoin: 100, maxPage: 100 };

const paced = (plan: Plan): PacedPlan => ({ messages: plan.messages, warmup: plan.warmup, rate: RATE, drainMs: DRAIN_MS });

/** Joins every crowd client to the room (`prepare` first, e.g. Biboumi's server configuration), 10 at a time. */
async function joinCrowd(crowd: readonly TestXmppClient[], room: string, nick: (i: number) => string, prepare: (client: TestXmppClient) => Promise<void>): Promise<void> {
  for (let i = 0; i < crowd.length; i += 10) {
    await Promise.all(crowd.slice(i, i + 10).map(async (client, j) => {
      await prepare(client);
      await client.joinRoom(room, nick(i + j), WAIT_MS);
    }));
  }
}

/** A burst along `path` with the CPU the gateway (`pid`), Prosody and this process used meanwhile. */
async function burstWithCpu(rig: GatewayRig, path: Path, count: number, pid: number): Promise<Pick<GroupSlot, 'burst' | 'burstCpu'>> {
  const gateway = processCpuNs(pid);
  const prosody = processCpuNs(rig.xmpp.pid);
  const own = process.cpuUsage();
  const burst = await burstRun(rig.tracker, path, count, DRAIN_MS, 60_000);
  const used = process.cpuUsage(own);
  const per1000 = (ns: number) => ns / 1e6 / (count / 1000);
  return {
    burst,
    burstCpu: { gatewayMsPer1000: per1000(processCpuNs(pid) - gateway), prosodyMsPer1000: per1000(processCpuNs(rig.xmpp.pid) - prosody), clientMsPer1000: per1000((used.user + used.system) * 1000) },
  };
}

/**
 * The measures both gateways share once sam is in the room: latency each way, then the burst
 * with its floor right before it (the same burst through ngIRCd alone, alice → carol, not in #lobby,
 * and through Prosody alone, bob → dave) and the CPU of the gateway (`pid`), Prosody and the bench.
 */
async function traffic(rig: GatewayRig, room: RoomRig, gateway: RoomGateway, plan: Plan, pid: number): Promise<Pick<GroupSlot, 'xmppToIrc' | 'ircToXmpp' | 'burst' | 'burstFloor' | 'burstCpu' | 'warmBurst'>> {
  const xmppToIrc = await overFloor(rig, room.xmppToIrc(gateway), paced(plan));
  const ircToXmpp = await overFloor(rig, room.ircToXmpp(gateway), paced(plan));
  const irc = await burstRun(rig.tracker, rig.ircToIrc, plan.burst, DRAIN_MS, 60_000);
  const xmpp = await burstRun(rig.tracker, rig.xmppToXmpp, plan.burst, DRAIN_MS, 60_000);
  await sleep(SETTLE_MS / 4);
  const first = await burstWithCpu(rig, room.ircToXmpp(gateway), plan.burst, pid);
  // The same burst again: the process's code is then compiled for it (the first burst of a fresh process also pays for that).
  await sleep(SETTLE_MS / 2);
  const again = await burstWithCpu(rig, room.ircToXmpp(gateway), plan.burst, pid);
  return { xmppToIrc, ircToXmpp, burstFloor: { irc, xmpp }, ...first, warmBurst: { burst: again.burst, burstCpu: again.burstCpu } };
}

interface Observed {
  readonly slot: GroupSlot;
  readonly features: FeatureObservations | undefined;
}

async function idleHubMemory(hub: GatewayHub): Promise<HubMemory> {
  await sleep(SETTLE_MS);
  return hub.memory(10_000);
}

/** Switchboard: the empty hub's memory, then a hub with sam and the crowd registered. */
async function switchboardSlot(rig: GatewayRig, room: RoomRig, gateway: RoomGateway, plan: Plan, withFeatures: boolean, context: BenchContext): Promise<Observed> {
  const empty = await withHub(rig, [], { loginIntervalMs: 0, history: HISTORY }, context, async (hub) => {
    await hub.ready(WAIT_MS);
    return idleHubMemory(hub);
  });
  const users = [{ jid: `sam@${rig.xmpp.domain}`, nick: SAM_GATEWAY_NICK }, ...rig.crowd.map((_, i) => ({ jid: `bib${i}@${rig.xmpp.domain}`, nick: `gw${i}` }))];
  return withHub(rig, users, { loginIntervalMs: 1, history: HISTORY }, context, async (hub) => {
    await hub.ready(WAIT_MS);
    await hub.loggedIn(users.length, 120_000);
    // The logins' cost before any traffic: what the traffic leaves (compiled code, caches, the
    // archive's state) is the hub's, not each user's, and is not divided among them.
    const loggedInIdle = await idleHubMemory(hub);
    const coldJoin = await room.coldJoin(rig.sam, gateway, SAM_GATEWAY_NICK);
    const features = withFeatures ? await observeFeatures(rig, room, gateway) : undefined;
    const measured = await traffic(rig, room, gateway, plan, hub.process.pid);
    const loggedIn = await idleHubMemory(hub);
    await joinCrowd(rig.crowd, gateway.room, (i) => `gw${i}`, async () => undefined);
    const joined = await idleHubMemory(hub);
    const n = rig.crowd.length;
    const memory = {
      heapPerUser: (loggedInIdle.heapUsed - empty.heapUsed) / users.length + (joined.heapUsed - loggedIn.heapUsed) / n,
      rssPerUser: (loggedInIdle.rss - empty.rss) / users.length + (joined.rss - loggedIn.rss) / n,
      heapAfterTrafficPerUser: (joined.heapUsed - empty.heapUsed) / users.length,
      heapRoomPerUser: (joined.heapUsed - loggedIn.heapUsed) / n,
      rssRoomPerUser: (joined.rss - loggedIn.rss) / n,
    };
    return { slot: { coldJoin, ...measured, memory }, features };
  });
}

/** Biboumi, fresh: sam configures the server and joins another channel first (its IRC connection), then the same measures. */
function biboumiSlot(rig: GatewayRig, room: RoomRig, gateway: RoomGateway, binary: string, plan: Plan, withFeatures: boolean): Promise<Observed> {
  const server = { host: rig.irc.host, port: rig.irc.port, password: IRC_PASSWORD };
  return withDir('sb-bench-biboumi-', async (dir) => {
    const biboumi = startBiboumi(binary, dir, rig.xmpp.componentPort, rig.biboumiSecret);
    try {
      await waitForComponent(rig.sam, WAIT_MS);
      await configureIrcServer(rig.sam, server, -1, WAIT_MS);
      await rig.sam.joinRoom(`#warmup%${rig.irc.host}@${BIBOUMI_DOMAIN}`, gateway.nick, WAIT_MS);
      const coldJoin = await room.coldJoin(rig.sam, gateway, gateway.nick);
      const features = withFeatures ? await observeFeatures(rig, room, gateway) : undefined;
      const measured = await traffic(rig, room, gateway, plan, biboumi.pid);
      await sleep(SETTLE_MS);
      const before = procStatusBytes(biboumi.pid, 'VmRSS');
      await joinCrowd(rig.crowd, gateway.room, (i) => `bib${i}`, (client) => configureIrcServer(client, server, -1, WAIT_MS));
      await sleep(SETTLE_MS);
      const memory = { rssPerUser: (procStatusBytes(biboumi.pid, 'VmRSS') - before) / rig.crowd.length };
      return { slot: { coldJoin, ...measured, memory }, features };
    } catch (error) {
      throw new Error(`Biboumi: ${(error as Error).message}\nits output:\n${biboumi.output().slice(-2000)}`, { cause: error });
    } finally {
      await biboumi.stop();
    }
  });
}

function describe(name: string, s: GroupSlot): string {
  const l = (p: GroupSlot['xmppToIrc']) => `p50 ${p.run.p50.toFixed(2)} p99 ${p.run.p99.toFixed(2)} (floor ${p.floor.p50.toFixed(2)}) ${p.run.delivered}/${p.run.sent}`;
  return `${name}: join ${s.coldJoin.subjectMs.toFixed(1)} ms (IRC JOIN ${s.coldJoin.ircJoinMs.toFixed(1)}, ${s.coldJoin.stanzasBefore} stanzas by then), XMPP→IRC ${l(s.xmppToIrc)}, IRC→XMPP ${l(s.ircToXmpp)}, burst ${s.burst.messagesPerSecond.toFixed(0)} msg/s ${s.burst.delivered}/${s.burst.sent} (${s.burst.outOfOrder} out of order; floor ngIRCd ${s.burstFloor.irc.messagesPerSecond.toFixed(0)}, Prosody ${s.burstFloor.xmpp.messagesPerSecond.toFixed(0)} msg/s; CPU ms/1000: gateway ${s.burstCpu.gatewayMsPer1000.toFixed(0)}, Prosody ${s.burstCpu.prosodyMsPer1000.toFixed(0)}, bench ${s.burstCpu.clientMsPer1000.toFixed(0)}; again: ${s.warmBurst.burst.messagesPerSecond.toFixed(0)} msg/s ${s.warmBurst.burst.delivered}/${s.warmBurst.burst.sent}, CPU gateway ${s.warmBurst.burstCpu.gatewayMsPer1000.toFixed(0)}, Prosody ${s.warmBurst.burstCpu.prosodyMsPer1000.toFixed(0)}), RSS ${(s.memory.rssPerUser / 1024).toFixed(1)} KiB/user${s.memory.heapPerUser === undefined ? '' : `, heap ${(s.memory.heapPerUser / 1024).toFixed(1)} KiB/user (room alone ${((s.memory.heapRoomPerUser ?? 0) / 1024).toFixed(1)})`}`;
}

const benchmark: Benchmark = {
  name: 'gateway-groups',
  title: 'Gateway group chats: cold join, room-message latency and burst with history on, memory per user in a room, features, against Biboumi',
  async run(context) {
    const plan = context.quick ? QUICK : FULL;
    const binary = biboumiBinary();
    if (binary === undefined) context.progress('biboumi is not installed (apt-get install -y biboumi): its figures are skipped');
    const loads: number[] = [Math.round(loadavg()[0]! * 100) / 100];
    const rig = await startGatewayRig(plan.crowd, { prosodyNagle: PROSODY_NAGLE });
    try {
      const sb: RoomGateway = { name: 'switchboard', room: `${CHANNEL}@${rig.xmpp.componentDomain}`, nick: SAM_GATEWAY_NICK };
      const bib: RoomGateway = { name: 'biboumi', room: `${CHANNEL}%${rig.irc.host}@${BIBOUMI_DOMAIN}`, nick: 'sam' };
      const room = await startRoomRig(rig, [sb, bib]);
      try {
        const rounds: GroupRound[] = [];
        let features: { switchboard?: FeatureObservations; biboumi?: FeatureObservations } = {};
        for (let round = 0; round < plan.repeats; round++) {
          const runSwitchboard = async () => {
            const { slot, features: seen } = await switchboardSlot(rig, room, sb, plan, round === 0, context);
            if (seen !== undefined) features = { ...features, switchboard: seen };
            context.progress(`round ${round} ${describe('Switchboard', slot)}`);
            return slot;
          };
          const runBiboumi = async () => {
            if (binary === undefined) return undefined;
            const { slot, features: seen } = await biboumiSlot(rig, room, bib, binary, plan, round === 0);
            if (seen !== undefined) features = { ...features, biboumi: seen };
            context.progress(`round ${round} ${describe('Biboumi', slot)}`);
            return slot;
          };
          if (round % 2 === 0) {
            const switchboard = await runSwitchboard();
            rounds.push({ switchboard, biboumi: await runBiboumi() });
          } else {
            const biboumi = await runBiboumi();
            rounds.push({ switchboard: await runSwitchboard(), biboumi });
          }
          loads.push(Math.round(loadavg()[0]! * 100) / 100);
        }
        const { figures, unavailable } = groupFigures(rounds, plan.crowd, plan.burst);
        const table = featureTable(features);
        return {
          parameters: { repeats: plan.repeats, messagesPerRun: plan.messages, warmupMessages: plan.warmup, ratePerSecond: RATE, burst: plan.burst, crowd: plan.crowd, history: HISTORY, switchboardFlood: { burst: 100, intervalMs: 0 }, biboumiThrottleLimit: -1, biboumi: binary ?? 'not installed', prosodyNagle: PROSODY_NAGLE, loadAverage1m: loads, quick: context.quick, featureTable: table.rows, featureObservations: features },
          figures,
          unavailable,
          notes: [
            groupVerdict(figures),
            'One ngIRCd (test config plus a server password) and one Prosody on loopback for the whole run (the gateway rig of gateway.bench: bench/lib/gateway-rig.ts); the channel #lobby holds alice (its op, who set a topic), olive (the IRC observer), ivy and joe throughout. Each round: Switchboard and Biboumi in alternating order, each a fresh process; Switchboard with room history on (history: the defaults written out), Biboumi with its SQLite database (it archives channel messages by default).',
            'Cold join: sam, logged in (Switchboard: his registration logged in at start, loginIntervalMs 1; Biboumi: sam configured the server by ad-hoc `configure` and joined #warmup first, so its IRC connection is up and both measure the channel join only), once his stream has been quiet for 0.5 s (an earlier run timed Biboumi\'s IRC welcome and the #warmup join\'s tail, still arriving, inside some joins: ~50 ms), sends the join presence of #lobby (no history asked); time until the room\'s subject message arrives (the join\'s end), and until olive sees his IRC JOIN. One join per slot (the channel is new to that process).',
            'Latency: 50 messages/s, numbered; XMPP→IRC sam → room → olive (PRIVMSG #lobby), IRC→XMPP alice → room → sam (groupchat from room/alice, not delayed). Added = p50 (p99) − the floor\'s, the floor (alice → carol PRIVMSG on ngIRCd alone plus bob → dave chat on Prosody alone, percentiles of every pair\'s sum, as gateway.bench) measured right before each run.',
            `Burst: alice writes ${plan.burst} PRIVMSG #lobby in one socket write; arrival at sam counted until all arrived or none for ${DRAIN_MS / 1000} s. Flood control lifted: Switchboard legacy.flood { burst: 100, intervalMs: 0 } (the direction does not use it), Biboumi throttle_limit -1 (ad-hoc configure); the test ngIRCd applies no penalty. Its floor, right before each gateway's burst: the same burst through ngIRCd alone (alice → carol, a private message between bare sockets: not #lobby, whose messages the gateway would relay to sam right before its own burst) and through Prosody alone (bob → dave chat, both @xmpp/client in the bench process: c2s in and out, where the gateway's path is component in, c2s out). CPU per 1,000 messages during the gateway's burst: the gateway process (all threads, /proc schedstat), Prosody, and the bench process (its clients parse what arrives): on 2 shared cores the burst rate is bounded by their sum, and Prosody's share is the gateway's floor. Then the same burst again, 1 s later ("again" figures, no target): the first burst of a fresh process also pays for compiling its code (the paced runs before it do not warm every path a burst takes).`,
            `Memory per extra user: ${plan.crowd} more XMPP users (bib0…) join #lobby, 10 at a time. Switchboard: they are registered (seeded as gateway.bench does, nicks gw0…) and logged in from the start; heap after two full GCs and RSS (bench/tools/memory-probe.mjs) 2 s after the last join, per user with its IRC login (the figure with the 50 KiB target) = the login's part (the hub with sam and the crowd logged in, measured before any traffic, minus the same config's hub with no user, ÷ (crowd + sam)) plus the room's part ("room alone" = (joined − the same hub right before the crowd joined) ÷ crowd); what the traffic before leaves in the hub (compiled code, caches, the archive's state) is not a user's and is left out of it — the figure that divides it among the users is reported beside it (heap_after_traffic_per_user_kib). Biboumi: each crowd user configures the server and joins (one IRC connection each); VmRSS growth 2 s after ÷ crowd, its whole cost (C++): compare with Switchboard's RSS per user.`,
            ...table.notes,
            'A 2-core machine shared with other work: the load average (1 min) at the start and after each round is in the parameters.',
          ],
        };
      } finally {
        await room.stop();
      }
    } finally {
      await rig.stop();
    }
  },
};
export default benchmark;

/**
 * The gateway (issue 17) against Biboumi 9.0 on the same servers in the same run: per round,
 * Switchboard (an empty hub for the baseline, then a hub with N stored registrations: time until
 * every IRC login is done, memory per logged-in user, the IRC connection's own cost in a child
 * process, and paced one-to-one latency XMPP → IRC) and Biboumi (fresh process: the same XMPP
 * user to the same IRC user; then a crowd for its memory per user), in alternating order, each
 * latency run right after a run of the floor (ngIRCd alone, Prosody alone); then one start-up
 * with the default `loginIntervalMs`.
 */
import { loadavg } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Benchmark, BenchContext } from './lib/benchmark.js';
import { BIBOUMI_DOMAIN, biboumiBinary, configureIrcServer, startBiboumi, waitForComponent } from './lib/biboumi.js';
import { procStatusBytes } from './lib/bridge-slot.js';
import type { HubMemory } from './lib/gateway-hub.js';
import { overFloor as overFloorOf, withDir, withHub as withHubOf } from './lib/gateway-slots.js';
import { IRC_PASSWORD, ircUserCount, SAM_GATEWAY_NICK, startGatewayRig, type GatewayRig } from './lib/gateway-rig.js';
import type { SeededUser } from './lib/gateway-seed.js';
import { gatewayFigures, verdict, type GatewayRound, type PathLatency } from './lib/gateway-figures.js';
import { measureIrcConnectionCost } from './lib/irc-connection-cost.js';
import { probeUntilArrival } from './lib/traffic.js';

const FULL = { users: 500, repeats: 5, messages: 200, warmup: 50, biboumiUsers: 100 };
const QUICK = { users: 50, repeats: 1, messages: 50, warmup: 10, biboumiUsers: 20 };
type Plan = typeof FULL;
const RATE = 50;
const DRAIN_MS = 5_000;
const WAIT_MS = 30_000;
/** The fastest `loginIntervalMs` the test ngIRCd takes without refusing logins (BENCH_GATEWAY_FAST_INTERVAL_MS to try another). */
const FAST_INTERVAL_MS = Number(process.env.BENCH_GATEWAY_FAST_INTERVAL_MS ?? 1);
/** The gateway's default `loginIntervalMs` (docs/gateway.md). */
const DEFAULT_INTERVAL_MS = 200;
/** After the last login (or ready), before memory is read: late replies (MONITOR, presences) settle. */
const SETTLE_MS = 2_000;

function users(n: number): SeededUser[] {
  return [{ jid: 'sam@localhost', nick: SAM_GATEWAY_NICK }, ...Array.from({ length: n - 1 }, (_, i) => ({ jid: `user${i}@localhost`, nick: `gw${i}` }))];
}

const overFloor = (rig: GatewayRig, path: Parameters<typeof overFloorOf>[1], plan: Plan): Promise<PathLatency> =>
  overFloorOf(rig, path, { messages: plan.messages, warmup: plan.warmup, rate: RATE, drainMs: DRAIN_MS });

/** A hub with the gateway and `seeded` users, stopped after `work`. */
function withHub<T>(rig: GatewayRig, seeded: readonly SeededUser[], loginIntervalMs: number | undefined, context: BenchContext, work: Parameters<typeof withHubOf<T>>[4]): Promise<T> {
  return withHubOf(rig, seeded, loginIntervalMs === undefined ? {} : { loginIntervalMs }, context, work);
}

/** The gateway with no registered user, idle: the baseline of the memory per user. */
function emptyHubMemory(rig: GatewayRig, context: BenchContext): Promise<HubMemory> {
  return withHub(rig, [], 0, context, async (hub) => {
    await hub.ready(WAIT_MS);
    await sleep(SETTLE_MS);
    return hub.memory(10_000);
  });
}

interface SwitchboardSlot {
  readonly loginFromSpawnMs: number;
  readonly loginFromReadyMs: number;
  readonly failedAttempts: number;
  readonly ircUsersSeen: number | undefined;
  readonly memory: HubMemory;
  readonly latency: PathLatency;
}

/** A hub with `n` registrations logging in as fast as the ircd allows, then memory and latency. */
function switchboardSlot(rig: GatewayRig, n: number, plan: Plan, context: BenchContext): Promise<SwitchboardSlot> {
  return withHub(rig, users(n), FAST_INTERVAL_MS, context, async (hub) => {
    const readyAt = await hub.ready(WAIT_MS);
    const { at: lastLogin, failedAttempts } = await hub.loggedIn(n, 120_000);
    const ircUsersSeen = await ircUserCount(rig.alice, 5_000);
    await sleep(SETTLE_MS);
    const memory = await hub.memory(10_000);
    await probeUntilArrival(rig.tracker, rig.throughSwitchboard, 200, WAIT_MS);
    return { loginFromSpawnMs: lastLogin - hub.spawnedAtEpoch, loginFromReadyMs: lastLogin - readyAt, failedAttempts, ircUsersSeen, memory, latency: await overFloor(rig, rig.throughSwitchboard, plan) };
  });
}

interface BiboumiSlot {
  readonly rssOneUserBytes: number;
  /** RSS growth per user when the crowd connects too. */
  readonly rssPerUserBytes: number;
  readonly latency: PathLatency;
}

/** An IRC channel as a room at Biboumi: joining it connects its user to the IRC server. */
function channelRoom(rig: GatewayRig, channel: string): string {
  return `#${channel}%${rig.irc.host}@${BIBOUMI_DOMAIN}`;
}

/** Every crowd user configures the server (ad-hoc) and joins a channel of their own, 10 at a time. */
async function connectCrowd(rig: GatewayRig): Promise<void> {
  const server = { host: rig.irc.host, port: rig.irc.port, password: IRC_PASSWORD };
  for (let i = 0; i < rig.crowd.length; i += 10) {
    await Promise.all(rig.crowd.slice(i, i + 10).map(async (client, j) => {
      await configureIrcServer(client, server, -1, WAIT_MS);
      await client.joinRoom(channelRoom(rig, `bib${i + j}`), `bib${i + j}`, WAIT_MS);
    }));
  }
}

/** A fresh Biboumi: configured for the test ngIRCd by sam (ad-hoc), first message, then latency. */
function biboumiSlot(rig: GatewayRig, binary: string, plan: Plan): Promise<BiboumiSlot> {
  return withDir('sb-bench-biboumi-', async (dir) => {
    const biboumi = startBiboumi(binary, dir, rig.xmpp.componentPort, rig.biboumiSecret);
    try {
      await waitForComponent(rig.sam, WAIT_MS);
      await configureIrcServer(rig.sam, { host: rig.irc.host, port: rig.irc.port, password: IRC_PASSWORD }, -1, WAIT_MS);
      // Biboumi connects to an IRC server when its user joins a room there (a private message
      // alone is refused: "Not connected to IRC server"), as its users do.
      await rig.sam.joinRoom(channelRoom(rig, 'bench'), 'sam', WAIT_MS);
      await probeUntilArrival(rig.tracker, rig.throughBiboumi, 500, WAIT_MS);
      await sleep(1_000);
      const rssOneUserBytes = procStatusBytes(biboumi.pid, 'VmRSS');
      const measured = await overFloor(rig, rig.throughBiboumi, plan);
      const before = procStatusBytes(biboumi.pid, 'VmRSS');
      await connectCrowd(rig);
      await sleep(2_000);
      const rssPerUserBytes = (procStatusBytes(biboumi.pid, 'VmRSS') - before) / rig.crowd.length;
      return { rssOneUserBytes, rssPerUserBytes, latency: measured };
    } catch (error) {
      const said = rig.sam.stanzas.filter((st) => st.attrs.from?.endsWith(BIBOUMI_DOMAIN)).slice(-5).map(String).join('\n');
      throw new Error(`Biboumi: ${(error as Error).message}\nits output:\n${biboumi.output().slice(-2000)}\nwhat it sent sam last:\n${said}`, { cause: error });
    } finally {
      await biboumi.stop();
    }
  });
}

function ms(value: number): string {
  return value.toFixed(2);
}

function describe(l: PathLatency): string {
  return `p50 ${ms(l.run.p50)} p99 ${ms(l.run.p99)} ms (floor ${ms(l.floor.p50)} / ${ms(l.floor.p99)}) ${l.run.delivered}/${l.run.sent}, client CPU ${(l.run.clientCpuShare * 100).toFixed(1)} %`;
}

const benchmark: Benchmark = {
  name: 'gateway',
  title: 'Gateway: logins, memory per user, one-to-one latency XMPP→IRC against Biboumi',
  async run(context) {
    const plan = context.quick ? QUICK : FULL;
    const binary = biboumiBinary();
    if (binary === undefined) context.progress('biboumi is not installed (apt-get install -y biboumi): its figures are skipped');
    const loads: number[] = [Math.round(loadavg()[0]! * 100) / 100];
    const rig = await startGatewayRig(binary === undefined ? 0 : plan.biboumiUsers);
    try {
      const rounds: GatewayRound[] = [];
      for (let round = 0; round < plan.repeats; round++) {
        const runSwitchboard = async () => {
          const empty = await emptyHubMemory(rig, context);
          const slot = await switchboardSlot(rig, plan.users, plan, context);
          const connection = await measureIrcConnectionCost(rig.irc.host, rig.irc.port, IRC_PASSWORD, plan.users, 120_000);
          context.progress(`round ${round} Switchboard: ${plan.users} logged in ${slot.loginFromSpawnMs} ms after spawn (${slot.loginFromReadyMs} after ready, ${slot.failedAttempts} failed attempts retried; ngIRCd counts ${slot.ircUsersSeen} users), heap ${((slot.memory.heapUsed - empty.heapUsed) / plan.users / 1024).toFixed(1)} KiB/user (connection alone ${(connection.heapBytes / 1024).toFixed(1)}), RSS ${((slot.memory.rss - empty.rss) / plan.users / 1024).toFixed(1)} KiB/user (connection alone ${(connection.rssBytes / 1024).toFixed(1)}), ${describe(slot.latency)}`);
          return { empty, slot, connection };
        };
        const runBiboumi = async () => {
          if (binary === undefined) return undefined;
          const slot = await biboumiSlot(rig, binary, plan);
          context.progress(`round ${round} Biboumi: ${describe(slot.latency)}, RSS with one user ${(slot.rssOneUserBytes / 2 ** 20).toFixed(1)} MiB, ${(slot.rssPerUserBytes / 1024).toFixed(1)} KiB per user more (${plan.biboumiUsers} users)`);
          return slot;
        };
        // Alternate which gateway goes first.
        let switchboard;
        let biboumi;
        if (round % 2 === 0) {
          switchboard = await runSwitchboard();
          biboumi = await runBiboumi();
        } else {
          biboumi = await runBiboumi();
          switchboard = await runSwitchboard();
        }
        rounds.push({ ...switchboard, biboumi });
        loads.push(Math.round(loadavg()[0]! * 100) / 100);
      }
      const paced = await withHub(rig, users(plan.users), undefined, context, async (hub) => {
        const readyAt = await hub.ready(WAIT_MS);
        const { at, failedAttempts } = await hub.loggedIn(plan.users, plan.users * DEFAULT_INTERVAL_MS + 60_000);
        return { fromSpawnMs: at - hub.spawnedAtEpoch, fromReadyMs: at - readyAt, failedAttempts };
      });
      context.progress(`default pacing (${DEFAULT_INTERVAL_MS} ms): ${plan.users} logged in ${paced.fromSpawnMs} ms after spawn, ${paced.failedAttempts} failed attempts`);
      const { figures, unavailable } = gatewayFigures({ fastIntervalMs: FAST_INTERVAL_MS, users: plan.users, biboumiUsers: plan.biboumiUsers, messages: plan.messages, rounds, defaultPacing: paced, biboumi: binary !== undefined });
      return {
        parameters: { users: plan.users, repeats: plan.repeats, messagesPerRun: plan.messages, warmupMessages: plan.warmup, ratePerSecond: RATE, defaultLoginIntervalMs: DEFAULT_INTERVAL_MS, fastLoginIntervalMs: FAST_INTERVAL_MS, switchboardFlood: { burst: 100, intervalMs: 0 }, biboumiThrottleLimit: -1, biboumiUsers: plan.biboumiUsers, biboumi: binary ?? 'not installed', loadAverage1m: loads, quick: context.quick },
        figures,
        unavailable,
        notes: [
          verdict(figures),
          'One ngIRCd (the test config: no per-IP connection limit, no penalty; plus a server password, which every IRC client of the run sends) and one Prosody on loopback for the whole run; clients in the benchmark process: alice and carol on bare IRC sockets, sam, bob and dave on @xmpp/client. Each round: Switchboard and Biboumi in alternating order, each a fresh process.',
          `Registrations: ${plan.users} people (sam plus user0…) written before the hub starts through the store's API and the gateway's Accounts, as a registration writes them (IRC server password sealed with AES-256-GCM under the hub's key, opened at login); only the registration's IRC check is skipped. People other than sam have no XMPP account (the gateway's presences to them are dropped by Prosody).`,
          'Login time: from spawning `switchboard run` (and from its `ready` log line) to the last `gateway: logged in` log line (each follows the IRC server\'s 001), by the lines\' own timestamps; ngIRCd\'s LUSERS count right after confirms the connections. Fast: loginIntervalMs 1, the fastest this ngIRCd takes: 200 bare clients connecting at once lose a few (no welcome within 15 s; an earlier run of the hub with 50 logins at once had most refused with ECONNRESET), one every 1 ms loses none; failed attempts are counted and retried by the gateway after its backoff (5 s), so a refusal shows in the time. Default: loginIntervalMs 200, one run.',
          'Memory per user: the hub process (preloaded bench/tools/memory-probe.mjs: two full GCs on SIGUSR2, then process.memoryUsage()) with N logged-in users 2 s after the last login, minus the same hub with no user 2 s after ready, ÷ N. The IRC connection alone: a child process opens N connections with the gateway\'s own connectIrc (irc-framework Client, same options and login) and nothing else, growth after full GCs ÷ N; "beyond its IRC connection" = per user − per connection. The users have no contacts yet (each contact someone writes to adds a roster entry and a MONITOR entry, up to maxContactsPerUser): this is the cost of a registered, logged-in, idle user.',
          'Latency: sam (XMPP) writes one-to-one to carol (IRC), paced 50/s, numbered; through Switchboard to carol@gateway.localhost (sam is registered as samgw, the hub has N logged-in users), through Biboumi to carol%127.0.0.1@biboumi.localhost (Biboumi 9.0, SQLite, configured by sam with its ad-hoc `configure`: the plain port, no TLS ports, throttle_limit -1; it connects sam as `sam`). Added = p50 (p99) − the floor\'s, measured right before each gateway\'s run (same minute, same load): percentiles of the sums of every pair of an IRC→IRC (alice→carol PRIVMSG) and an XMPP→XMPP (bob→dave chat) latency. Flood control lifted on both (Switchboard legacy.flood { burst: 100, intervalMs: 0 }).',
          `Biboumi's memory per user: after the latency runs, ${plan.biboumiUsers} more XMPP users (bib0…, connected at the start) each configure the server (ad-hoc) and join an IRC channel of their own (Biboumi connects to an IRC server when its user joins a room there; a private message alone is refused with "Not connected to IRC server"), so Biboumi opens one IRC connection each; its RSS (VmRSS) growth 2 s later ÷ ${plan.biboumiUsers}. Biboumi is C++: its RSS per user is its whole cost, connection included; compare it with Switchboard's RSS per user (gross), not with the part beyond the connection.`,
          'Bench client CPU: the benchmark process\'s CPU time ÷ wall time during the paced runs (50 messages/s is far from a client limit).',
          'A 2-core machine shared with other work: the load average at the start and after each round is in the parameters.',
        ],
      };
    } finally {
      await rig.stop();
    }
  },
};
export default benchmark;

/**
 * The XMPP component's puppets (issue 16): on a real Prosody,
 * - memory per puppet occupant and the time for 1,000 puppets to join: the component network
 *   in this process with its bot in 10 rooms, 1,000 remote people (100 a room) each saying one
 *   line at once, so that each joins as an occupant of their own; the time from the first send
 *   to the last echo, and the growth of the V8 heap (after a full GC) and of RSS, divided by
 *   1,000;
 * - relay latency IRC → XMPP through puppets against the same path in relay mode: the real
 *   `switchboard run` process with ngIRCd, one bridge to an `xmpp-component` network (the IRC
 *   author's puppet says it) and one to an `xmpp` network (the bot says it, named), paced 50/s.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { setFlagsFromString } from 'node:v8';
import { parse, stringify } from 'yaml';
import { runInNewContext } from 'node:vm';
import { silentLogger } from '../src/core/log.js';
import { XmppComponentNetwork } from '../src/networks/xmpp-component/adapter.js';
import { xmppComponentConfigSchema } from '../src/networks/xmpp-component/config.js';
import { connectXmppClient } from '../test/support/clients.js';
import { MemoryStore } from '../test/support/memory-store.js';
import { startNgircd, startProsody, type IrcServer, type XmppServer } from '../test/support/servers.js';
import type { Benchmark } from './lib/benchmark.js';
import { connectIrcProbe } from './lib/irc-probe.js';
import { hubConfig as relayHubConfig, reportGroupchat, SWITCHBOARD_PAIR } from './lib/relay-rig.js';
import { field, repeatRuns } from './lib/repeat.js';
import { figure, type Figure } from './lib/result.js';
import { startSwitchboardProcess } from './lib/switchboard-process.js';
import { pacedRun, Tracker, type Path } from './lib/traffic.js';

const ROOMS = 10;
const PUPPETS = 1_000;
const RATE = 50;
const MESSAGES = 200;
const DRAIN_MS = 5_000;
const WAIT_MS = 20_000;
const LIFTED_FLOOD = { burst: 100, intervalMs: 0 } as const;
/** How long 1,000 joins and their messages may take before the run fails. */
const JOIN_DEADLINE_MS = 90_000;

/** A full garbage collection (the flag is set at run time: the runner starts node without it). */
function collectGarbage(): void {
  setFlagsFromString('--expose-gc');
  (runInNewContext('gc') as () => void)();
}

interface CrowdRun {
  readonly joinMs: number;
  readonly heapPerPuppetKb: number;
  readonly rssPerPuppetKb: number;
}

/** One run: a fresh component network, its bot in ROOMS rooms, then PUPPETS people speaking at once. */
async function crowdRun(xmpp: XmppServer, puppets: number, tag: string): Promise<CrowdRun> {
  const channels = Array.from({ length: ROOMS }, (_, i) => ({ network: 'jabber', id: `crowd${tag}-${i}@${xmpp.mucDomain}` }));
  const config = xmppComponentConfigSchema.parse({ domain: xmpp.componentDomain, host: xmpp.host, port: xmpp.componentPort, password: xmpp.componentSecret, maxPuppetsPerRoom: puppets });
  const network = new XmppComponentNetwork({
    name: 'jabber', log: silentLogger(), store: new MemoryStore(), wantedChannels: () => channels, emit: () => undefined, connectionLost: () => undefined,
  }, config);
  try {
    await network.connect();
    collectGarbage();
    const heapBefore = process.memoryUsage().heapUsed;
    const rssBefore = process.memoryUsage().rss;
    const started = performance.now();
    const sends = Array.from({ length: puppets }, (_, i) => network.send({
      target: { channel: channels[i % ROOMS]! }, kind: 'message', body: [{ type: 'text', text: `hello ${i}` }],
      asUser: { network: 'irc', id: `user${i}`, nick: `user${i}` },
    }));
    const deadline = new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`${puppets} puppets did not join within ${JOIN_DEADLINE_MS} ms`)), JOIN_DEADLINE_MS).unref());
    await Promise.race([Promise.all((await Promise.all(sends)).map((r) => r.confirmed)), deadline]);
    const joinMs = performance.now() - started;
    collectGarbage();
    const heapAfter = process.memoryUsage().heapUsed;
    const rssAfter = process.memoryUsage().rss;
    return { joinMs, heapPerPuppetKb: (heapAfter - heapBefore) / puppets / 1024, rssPerPuppetKb: (rssAfter - rssBefore) / puppets / 1024 };
  } finally {
    await network.disconnect({ deadlineMs: 5000 });
  }
}

/**
 * The hub's config: the relay benchmarks' (bench/lib/relay-rig.ts) on `#relay` ↔ `relay@…`
 * through the `xmpp` network (relay mode), plus a `component` network and `#lobby` ↔ `lobby@…`
 * through it (puppets).
 */
function hubConfig(irc: IrcServer, xmpp: XmppServer): string {
  const config = parse(relayHubConfig(irc, xmpp, LIFTED_FLOOD, undefined, { ...SWITCHBOARD_PAIR, channel: '#relay', room: 'relay' })) as {
    networks: Record<string, unknown>;
    bridges: Record<string, unknown>;
  };
  config.networks.component = {
    protocol: 'xmpp-component', domain: xmpp.componentDomain, host: '127.0.0.1', port: xmpp.componentPort, password: xmpp.componentSecret,
  };
  config.bridges.lobby = ['irc:#lobby', `component:lobby@${xmpp.mucDomain}`];
  return stringify(config);
}

interface LatencyRuns {
  readonly puppets: number[];
  readonly relay: number[];
  readonly puppetsP99: number[];
  readonly relayP99: number[];
  readonly delivered: number[];
}

/** Paced IRC → XMPP runs through both bridges of one hub, alternating, `repeats` each. */
async function latencyRuns(irc: IrcServer, xmpp: XmppServer, messages: number, repeats: number, progress: (m: string) => void, profileDir: string | undefined): Promise<LatencyRuns> {
  const stops: Array<() => Promise<unknown>> = [];
  try {
    const dir = mkdtempSync(join(tmpdir(), 'sb-bench-component-'));
    stops.push(() => Promise.resolve(rmSync(dir, { recursive: true, force: true })));
    const hub = startSwitchboardProcess({ dir, config: hubConfig(irc, xmpp), ...(profileDir === undefined ? {} : { profileDir }) });
    stops.push(() => hub.stop());
    await hub.ready(WAIT_MS);
    const alice = await connectIrcProbe(irc.host, irc.port, 'alice', WAIT_MS);
    stops.push(() => alice.close());
    for (const channel of ['#lobby', '#relay']) await alice.join(channel, WAIT_MS);
    const bob = await connectXmppClient({ service: `xmpp://${xmpp.host}:${xmpp.port}`, domain: xmpp.domain, username: 'bob', password: 'pw' });
    stops.push(() => bob.close());
    const lobby = `lobby@${xmpp.mucDomain}`;
    const relay = `relay@${xmpp.mucDomain}`;
    for (const room of [lobby, relay]) await bob.joinRoom(room, 'bob', WAIT_MS);
    const tracker = new Tracker();
    reportGroupchat(bob, tracker, 'bob@lobby', `${lobby}/alice`);
    reportGroupchat(bob, tracker, 'bob@relay', `${relay}/switchboard`);
    const say = (channel: string) => (texts: readonly string[]) => alice.send(...texts.map((t) => `PRIVMSG ${channel} :${t}`));
    const throughPuppets: Path = { key: 'puppets', label: 'IRC→XMPP through a puppet', receiver: 'bob@lobby', send: say('#lobby') };
    const inRelayMode: Path = { key: 'relay', label: 'IRC→XMPP in relay mode (the bot, named)', receiver: 'bob@relay', send: say('#relay') };
    const runs: LatencyRuns = { puppets: [], relay: [], puppetsP99: [], relayP99: [], delivered: [] };
    await repeatRuns({ warmups: 1, repeats }, async (index) => {
      for (const path of [throughPuppets, inRelayMode]) {
        const result = await pacedRun(tracker, path, index < 0 ? 50 : messages, RATE, DRAIN_MS);
        progress(`${path.label} run ${index}: p50 ${result.p50.toFixed(2)} ms, p99 ${result.p99.toFixed(2)} ms, ${result.delivered}/${result.sent}`);
        if (index < 0) continue;
        (path === throughPuppets ? runs.puppets : runs.relay).push(result.p50);
        (path === throughPuppets ? runs.puppetsP99 : runs.relayP99).push(result.p99);
        runs.delivered.push(result.delivered);
      }
    });
    return runs;
  } finally {
    for (const stop of stops.reverse()) await stop().catch(() => undefined);
  }
}

const benchmark: Benchmark = {
  name: 'xmpp-component',
  title: 'XMPP component: puppets in rooms (memory, joins, latency against relay mode)',
  async run(context) {
    const puppets = context.quick ? 200 : PUPPETS;
    const repeats = context.quick ? 1 : 3;
    const messages = context.quick ? 50 : MESSAGES;
    const loadAtStart = Math.round(loadavg()[0]! * 100) / 100;
    const irc = await startNgircd();
    try {
      const xmpp = await startProsody({ users: [['bridgebot', 'botpass'], ['bob', 'pw']] });
      try {
        const crowds = await repeatRuns({ warmups: 0, repeats: context.quick ? 1 : 2 }, async (index) => {
          const run = await crowdRun(xmpp, puppets, String(index));
          context.progress(`${puppets} puppets in ${ROOMS} rooms, run ${index}: joined in ${run.joinMs.toFixed(0)} ms, heap ${run.heapPerPuppetKb.toFixed(1)} KB and RSS ${run.rssPerPuppetKb.toFixed(1)} KB a puppet`);
          return run;
        });
        const latency = await latencyRuns(irc, xmpp, messages, repeats, (m) => context.progress(m), context.profileDir);
        const added = latency.puppets.map((p, i) => p - (latency.relay[i] ?? Number.NaN));
        const figures: Figure[] = [
          figure({ key: 'heap_kb_per_puppet', label: `V8 heap per puppet occupant (${puppets} in ${ROOMS} rooms, after a full GC)`, unit: 'KB', target: { op: '<=', value: 20 } }, field(crowds, (r) => r.heapPerPuppetKb)),
          figure({ key: 'rss_kb_per_puppet', label: `RSS growth per puppet occupant (${puppets} in ${ROOMS} rooms)`, unit: 'KB', note: 'includes the heap the crowd\'s n² presences grew, which V8 keeps' }, field(crowds, (r) => r.rssPerPuppetKb)),
          figure({ key: 'join_ms', label: `${puppets} puppets join (${ROOMS} rooms, one message each, first send to last echo)`, unit: 'ms' }, field(crowds, (r) => r.joinMs)),
          figure({ key: 'p50_ms.puppets', label: 'p50 latency IRC→XMPP through a puppet', unit: 'ms' }, latency.puppets),
          figure({ key: 'p50_ms.relay', label: 'p50 latency IRC→XMPP in relay mode', unit: 'ms' }, latency.relay),
          figure({ key: 'p50_added_ms', label: 'p50 latency through a puppet − in relay mode (same run)', unit: 'ms', target: { op: '<=', value: 0.3 } }, added),
          figure({ key: 'p99_ms.puppets', label: 'p99 latency IRC→XMPP through a puppet', unit: 'ms' }, latency.puppetsP99),
          figure({ key: 'p99_ms.relay', label: 'p99 latency IRC→XMPP in relay mode', unit: 'ms' }, latency.relayP99),
          figure({ key: 'delivered', label: `delivered of ${messages} a run (both paths)`, unit: 'messages', target: { op: '>=', value: messages } }, latency.delivered),
        ];
        return {
          parameters: { rooms: ROOMS, puppets, crowdRuns: crowds.length, ratePerSecond: RATE, messagesPerRun: messages, repeats, warmups: 1, drainMs: DRAIN_MS, server: 'prosody', loadAverage1mAtStart: loadAtStart },
          figures,
          notes: [
            'Memory: the component network runs in the benchmark process; heap and RSS are read after a full GC before the 1,000 people speak and after every echo came back, the growth divided by the number of puppets. It holds the puppet itself, its nick in the bot\'s view of the room (an occupant), the join and message bookkeeping, and what xmpp.js and the parser keep.',
            'Join time: 1,000 messages sent at once, each by a different person (100 a room), from the first send until the room echoed the last one; each person joins first (at most 50 joins in flight). A room sends every occupant every presence, so the component receives about 100² presences a room.',
            'Latency: one switchboard process, ngIRCd and Prosody; alice on IRC says numbered lines paced 50/s in #lobby (bridged to an xmpp-component network: alice\'s puppet says them) and in #relay (bridged to an xmpp network: the bot says `<alice> …`), alternately; bob reads both rooms. The added p50 is per run (same process, same minute).',
          ],
        };
      } finally {
        await xmpp.stop();
      }
    } finally {
      await irc.stop();
    }
  },
};
export default benchmark;

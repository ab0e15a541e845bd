/**
 * Scale: memory (RSS, V8 heap) and start-up time to ready of the real switchboard process,
 * with ngIRCd and Prosody already running on loopback: the shipped example config, and configs
 * with 1, 100 and 1,000 bridges (IRC channel ↔ MUC room, relay module loaded; every channel is
 * joined before the hub reports ready). Memory per IRC puppet connection (100 puppets).
 */
import { readFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { startNgircd, startProsody, freePort, type IrcServer, type XmppServer } from '../test/support/servers.js';
import { waitFor } from '../test/support/wait.js';
import type { Benchmark, BenchContext } from './lib/benchmark.js';
import { figure, type Figure } from './lib/result.js';
import { field, repeatRuns } from './lib/repeat.js';
import { httpGet, metricValue, residentBytes, startSwitchboardProcess, type RunningSwitchboard } from './lib/switchboard-process.js';

const MB = 1024 * 1024;
/** How long the hub idles after ready before memory is read. */
const SETTLE_MS = 1_000;
const XMPP_PASSWORD = 'botpass';
/** Prosody's in-memory room cache, above the largest scenario's room count. */
const MUC_ROOM_CACHE_SIZE = 2000;

interface Scenario {
  readonly key: string;
  readonly label: string;
  /** undefined: the shipped example config (examples/switchboard.yaml) with servers' addresses. */
  readonly bridges?: number;
  readonly repeats: number;
  /** Unrecorded starts first (the first start with bridges creates their MUC rooms). */
  readonly warmups: number;
  readonly rssTarget?: number;
  readonly readyTarget?: number;
}

const SCENARIOS: readonly Scenario[] = [
  { key: 'example', label: 'example config', repeats: 3, warmups: 1, rssTarget: 70, readyTarget: 500 },
  { key: 'bridges_1', label: '1 bridge', bridges: 1, repeats: 2, warmups: 1 },
  { key: 'bridges_100', label: '100 bridges', bridges: 100, repeats: 2, warmups: 1 },
  { key: 'bridges_1000', label: '1,000 bridges', bridges: 1000, repeats: 2, warmups: 1, rssTarget: 100, readyTarget: 1000 },
];

/** The shipped example with the test servers' addresses and a free HTTP port; nothing else changed but TLS (loopback test servers have none). */
function exampleConfig(irc: IrcServer, xmpp: XmppServer, httpPort: number): string {
  const example = readFileSync(fileURLToPath(new URL('../../examples/switchboard.yaml', import.meta.url)), 'utf8');
  const replaced = example
    .replace('listen: "127.0.0.1:8480"', `listen: "127.0.0.1:${httpPort}"`)
    .replace('port: 6667', `port: ${irc.port}`)
    .replace('service: "xmpp://127.0.0.1:5222"', `service: "xmpp://127.0.0.1:${xmpp.port}"\n    requireTls: false`);
  if (!replaced.includes(`port: ${irc.port}`) || !replaced.includes('requireTls: false') || !replaced.includes(`127.0.0.1:${httpPort}`)) {
    throw new Error('examples/switchboard.yaml changed shape: update bench/scale.bench.ts');
  }
  return replaced;
}

/**
 * The part every generated config shares: storage, HTTP on `httpPort`, info logs, and the IRC
 * network `irc` with its flood bucket raised (burst 100, intervalMs 0), plus `ircOptions` lines.
 */
function configHead(irc: IrcServer, httpPort: number, ircOptions = ''): string {
  return `storage:
  path: ./switchboard.db
http:
  listen: "127.0.0.1:${httpPort}"
log:
  level: info
networks:
  irc:
    protocol: irc
    host: 127.0.0.1
    port: ${irc.port}
    nick: switchboard
    flood: { burst: 100, intervalMs: 0 }
${ircOptions}`;
}

/** `count` bridges #bN ↔ bN@conference, the relay module, flood limits lifted on both sides. */
function bridgesConfig(irc: IrcServer, xmpp: XmppServer, httpPort: number, count: number): string {
  const bridges = Array.from({ length: count }, (_, i) => `  b${i}: ["irc:#b${i}", "jabber:b${i}@${xmpp.mucDomain}"]`).join('\n');
  return `${configHead(irc, httpPort)}  jabber:
    protocol: xmpp
    jid: bridgebot@${xmpp.domain}
    password: "\${XMPP_PASSWORD}"
    service: "xmpp://127.0.0.1:${xmpp.port}"
    requireTls: false
bridges:
${bridges}
modules:
  - module: relay
`;
}

interface StartRun {
  readonly readyMs: number;
  readonly healthOkMs: number;
  readonly rssMb: number;
  readonly heapUsedMb: number;
  readonly heapTotalMb: number;
}

/**
 * Starts the real switchboard process on `config` in a temp dir, runs `measure` on it, then stops
 * it and removes the dir; a failure carries the end of the process's output.
 */
async function withSwitchboard<T>(context: BenchContext, config: string, measure: (hub: RunningSwitchboard) => Promise<T>): Promise<T> {
  const dir = mkdtempSync(join(tmpdir(), 'sb-bench-scale-'));
  const hub = startSwitchboardProcess({ dir, config, env: { XMPP_PASSWORD }, ...(context.profileDir ? { profileDir: context.profileDir } : {}) });
  try {
    return await measure(hub);
  } catch (error) {
    throw new Error(`${(error as Error).message}\n--- switchboard output ---\n${hub.output().slice(-3000)}`, { cause: error });
  } finally {
    await hub.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The hub's `/metrics` at `address`. */
async function metricsOf(address: string): Promise<string> {
  return (await httpGet(address, '/metrics')).body;
}

function measureStart(context: BenchContext, config: string): Promise<StartRun> {
  const address = `127.0.0.1:${Number(/listen: "127\.0\.0\.1:(\d+)"/.exec(config)?.[1])}`;
  return withSwitchboard(context, config, async (hub) => {
    const readyAt = await hub.ready(60_000);
    if (!hub.output().includes('"failed":0,"msg":"ready"')) throw new Error('the hub became ready with a network that failed to connect');
    const healthAt = await waitFor(async () => {
      const health = await httpGet(address, '/health').catch(() => undefined);
      return health?.status === 200 ? performance.now() : undefined;
    }, { timeoutMs: 30_000, intervalMs: 5, what: 'GET /health to answer 200 (status ok)' });
    await sleep(SETTLE_MS);
    const rss = residentBytes(hub.pid);
    const metrics = await metricsOf(address);
    return {
      readyMs: readyAt - hub.spawnedAt,
      healthOkMs: healthAt - hub.spawnedAt,
      rssMb: rss / MB,
      heapUsedMb: metricValue(metrics, 'nodejs_heap_size_used_bytes') / MB,
      heapTotalMb: metricValue(metrics, 'nodejs_heap_size_total_bytes') / MB,
    };
  });
}

/** RSS of a bare `node` process that does nothing, for reference. */
async function bareNodeRssMb(): Promise<number> {
  const child = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
  try {
    await sleep(1000);
    return residentBytes(child.pid!) / MB;
  } finally {
    child.kill('SIGKILL');
  }
}

function scenarioFigures(scenario: Scenario, runs: readonly StartRun[]): Figure[] {
  const k = scenario.key;
  return [
    figure({ key: `ready_ms.${k}`, label: `start-up to ready, ${scenario.label}`, unit: 'ms', ...(scenario.readyTarget ? { target: { op: '<=', value: scenario.readyTarget } } : {}), note: 'spawn of `node bin/switchboard.js run` until the hub logs "ready" (every network connected, every channel joined)' }, field(runs, (r) => r.readyMs)),
    figure({ key: `health_ok_ms.${k}`, label: `start-up to GET /health 200, ${scenario.label}`, unit: 'ms' }, field(runs, (r) => r.healthOkMs)),
    figure({ key: `rss_mb.${k}`, label: `RSS at idle, ${scenario.label}`, unit: 'MB', ...(scenario.rssTarget ? { target: { op: '<=', value: scenario.rssTarget } } : {}), note: `read from /proc ${SETTLE_MS / 1000} s after ready` }, field(runs, (r) => r.rssMb)),
    figure({ key: `heap_used_mb.${k}`, label: `V8 heap used at idle, ${scenario.label}`, unit: 'MB' }, field(runs, (r) => r.heapUsedMb)),
    figure({ key: `heap_total_mb.${k}`, label: `V8 heap total at idle, ${scenario.label}`, unit: 'MB' }, field(runs, (r) => r.heapTotalMb)),
  ];
}

const PUPPETS = 100;
const PUPPET_DRIVER = fileURLToPath(new URL('./lib/puppet-driver.js', import.meta.url));

/** One IRC network in puppet mode and the bench's puppet driver module (bench/lib/puppet-driver.ts). */
function puppetsConfig(irc: IrcServer, httpPort: number): string {
  return `${configHead(irc, httpPort, `    mode: puppets
    puppets: { max: ${PUPPETS + 10} }
`)}modules:
  - module: ${PUPPET_DRIVER}
    config: { network: irc, channel: "#puppets", count: ${PUPPETS} }
`;
}

interface PuppetRun {
  readonly perPuppetKb: number;
  readonly heapPerPuppetKb: number;
  readonly connectMs: number;
}

/**
 * Memory per IRC puppet connection: RSS and V8 heap of the idle hub, then again after it opened
 * {@link PUPPETS} puppet connections (each registered and joined), divided by their number.
 */
async function measurePuppets(context: BenchContext, irc: IrcServer): Promise<PuppetRun> {
  const httpPort = await freePort();
  const address = `127.0.0.1:${httpPort}`;
  const heapUsed = async (): Promise<number> => metricValue(await metricsOf(address), 'nodejs_heap_size_used_bytes');
  return withSwitchboard(context, puppetsConfig(irc, httpPort), async (hub) => {
    await hub.ready(60_000);
    await sleep(SETTLE_MS);
    const [rssBefore, heapBefore] = [residentBytes(hub.pid), await heapUsed()];
    const started = performance.now();
    const answer = await httpGet(address, '/bench/puppets', 120_000);
    if (answer.status !== 200) throw new Error(`the puppet driver answered ${answer.status}: ${answer.body}`);
    const connectMs = performance.now() - started;
    await sleep(SETTLE_MS);
    const [rssAfter, heapAfter] = [residentBytes(hub.pid), await heapUsed()];
    return { perPuppetKb: (rssAfter - rssBefore) / 1024 / PUPPETS, heapPerPuppetKb: (heapAfter - heapBefore) / 1024 / PUPPETS, connectMs };
  });
}

function puppetFigures(runs: readonly PuppetRun[]): Figure[] {
  return [
    figure({ key: 'puppet_connection_kb', label: `memory per IRC puppet connection (${PUPPETS} puppets)`, unit: 'KB', note: `RSS growth from the idle hub to ${PUPPETS} puppets connected and joined, ${SETTLE_MS / 1000} s after each, divided by ${PUPPETS}` }, field(runs, (r) => r.perPuppetKb)),
    figure({ key: 'puppet_heap_kb', label: `V8 heap per IRC puppet connection (${PUPPETS} puppets)`, unit: 'KB' }, field(runs, (r) => r.heapPerPuppetKb)),
    figure({ key: 'puppets_connect_ms', label: `${PUPPETS} puppets connected, registered and joined`, unit: 'ms' }, field(runs, (r) => r.connectMs)),
  ];
}

const benchmark: Benchmark = {
  name: 'scale',
  title: 'Memory and start-up time at scale',
  async run(context) {
    const irc = await startNgircd();
    let xmpp: XmppServer | undefined;
    try {
      // `bridge` is the example config's JID; `bridgebot` the bridge configs'.
      // Prosody keeps at most muc_room_cache_size (default 100) rooms in memory and evicts the
      // rest to disk; with 1,000 rooms every join would evict and reload one, which measured
      // Prosody's storage (about 3 s), not the hub. A server hosting that many rooms raises it.
      xmpp = await startProsody({ users: [['bridge', XMPP_PASSWORD], ['bridgebot', XMPP_PASSWORD]], extraConfig: `muc_room_cache_size = ${MUC_ROOM_CACHE_SIZE}`, persistentRooms: true });
      const figures: Figure[] = [];
      for (const scenario of SCENARIOS) {
        const httpPort = await freePort();
        const config = scenario.bridges === undefined ? exampleConfig(irc, xmpp, httpPort) : bridgesConfig(irc, xmpp, httpPort, scenario.bridges);
        const runs = await repeatRuns({ warmups: scenario.warmups, repeats: context.quick ? 1 : scenario.repeats }, async (index) => {
          const run = await measureStart(context, config);
          context.progress(`${scenario.label} run ${index}: ready ${run.readyMs.toFixed(0)} ms, RSS ${run.rssMb.toFixed(1)} MB, heap ${run.heapUsedMb.toFixed(1)} MB`);
          return run;
        });
        figures.push(...scenarioFigures(scenario, runs));
      }
      const bare = await bareNodeRssMb();
      figures.push(figure({ key: 'rss_mb.bare_node', label: 'RSS of a bare idle `node` process (reference)', unit: 'MB' }, [bare]));
      const puppetRuns = await repeatRuns({ warmups: 1, repeats: context.quick ? 1 : 3 }, async (index) => {
        const run = await measurePuppets(context, irc);
        context.progress(`${PUPPETS} puppets run ${index}: ${run.perPuppetKb.toFixed(0)} KB RSS and ${run.heapPerPuppetKb.toFixed(0)} KB heap per puppet, connected in ${run.connectMs.toFixed(0)} ms`);
        return run;
      });
      figures.push(...puppetFigures(puppetRuns));
      return {
        parameters: { scenarios: SCENARIOS.map((s) => ({ key: s.key, bridges: s.bridges ?? 'example', repeats: s.repeats, warmups: s.warmups })), settleMs: SETTLE_MS },
        figures,
        notes: [
          `ngIRCd and Prosody run on loopback before the hub starts (limits lifted on ngIRCd: MaxPenaltyTime = 0, no per-IP cap; Prosody's muc_room_cache_size raised to ${MUC_ROOM_CACHE_SIZE}, from 100, so that it does not evict rooms to disk while the hub joins 1,000).`,
          'Example config: examples/switchboard.yaml unchanged except the servers\' ports, a free HTTP port and requireTls: false (the test Prosody speaks plaintext); it logs in with the default SASL mechanism (SCRAM-SHA-1) and has no modules.',
          'Bridge configs: N bridges of one IRC channel and one MUC room each, the relay module, the IRC adapter\'s flood bucket raised (burst 100, intervalMs 0: with the default 4 lines then 1 line/s, 1,000 JOINs would take over half an hour); XMPP with SCRAM-SHA-1.',
          'Rooms are persistent (muc_room_default_persistent = true), as the bridged rooms of a deployment are: the warm-up start of each scenario creates its MUC rooms on Prosody; the recorded starts join existing rooms.',
          `Puppets: one IRC network in puppet mode (no XMPP) and a benchmark module (bench/lib/puppet-driver.ts) that, on request, sends one message as each of ${PUPPETS} remote users; the IRC adapter opens a connection per user, registers it and joins it to the channel before the message goes out.`,
        ],
      };
    } finally {
      await Promise.all([irc.stop(), xmpp?.stop()]);
    }
  },
};
export default benchmark;

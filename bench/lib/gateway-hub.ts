/**
 * The real `switchboard run` process with one `gateway` network for the gateway benchmark: its
 * SQLite database seeded with registered users (gateway-seed.ts), the time until every user's
 * IRC login is done (from the hub's own `gateway: logged in` log lines and their timestamps),
 * and its memory after a full GC on request (the bench/tools/memory-probe.mjs preload).
 */
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';
import type { IrcServer, XmppServer } from '../../test/support/servers.js';
import { seedGatewayUsers, type SeededUser } from './gateway-seed.js';
import { startSwitchboardProcess, type RunningSwitchboard } from './switchboard-process.js';

const MEMORY_PROBE = fileURLToPath(new URL('../../../bench/tools/memory-probe.mjs', import.meta.url));
const KEY_VARIABLE = 'BENCH_GATEWAY_KEY';
const NETWORK = 'gw';

export interface GatewayHubOptions {
  readonly dir: string;
  readonly irc: IrcServer;
  readonly xmpp: XmppServer;
  readonly users: readonly SeededUser[];
  /** The IRC server password every user logs in with. */
  readonly ircPassword: string;
  /** The gateway's `loginIntervalMs` (undefined: the default). */
  readonly loginIntervalMs?: number;
  /** The gateway's room `history` settings (docs/gateway.md "Group chats"); undefined: the defaults. */
  readonly history?: Readonly<Record<string, number>>;
  readonly profileDir?: string;
}

/** Memory of the hub process after two full GCs, in bytes. */
export interface HubMemory {
  readonly heapUsed: number;
  readonly rss: number;
}

export interface GatewayHub {
  readonly process: RunningSwitchboard;
  /** Date.now() just before the process was spawned. */
  readonly spawnedAtEpoch: number;
  /** Resolves with the time (epoch ms, the hub's log) of the hub's `ready` line. */
  ready(timeoutMs: number): Promise<number>;
  /**
   * Resolves when `count` users are logged in: the log time of the last of them, and how many
   * login attempts failed on the way (each is retried after the gateway's backoff). Rejects
   * after `timeoutMs` or when the hub exits.
   */
  loggedIn(count: number, timeoutMs: number): Promise<{ readonly at: number; readonly failedAttempts: number }>;
  memory(timeoutMs: number): Promise<HubMemory>;
  stop(): Promise<void>;
}

function config(options: GatewayHubOptions): string {
  const { irc, xmpp } = options;
  const interval = options.loginIntervalMs === undefined ? '' : `\n    loginIntervalMs: ${options.loginIntervalMs}`;
  const history = options.history === undefined ? '' : `\n    history: ${JSON.stringify(options.history)}`;
  return `storage:
  path: ./switchboard.db
http: false
log:
  level: info
networks:
  ${NETWORK}:
    protocol: gateway
    domain: ${xmpp.componentDomain}
    host: 127.0.0.1
    port: ${xmpp.componentPort}
    password: "${xmpp.componentSecret}"
    secretKey: { env: ${KEY_VARIABLE} }${interval}${history}
    legacy:
      protocol: irc
      host: 127.0.0.1
      port: ${irc.port}
      tls: false
      flood: { burst: 100, intervalMs: 0 }
`;
}

/** Times (the `time` field, epoch ms) of the log lines whose message is `msg`. */
function lineTimes(output: string, msg: string): number[] {
  const times: number[] = [];
  const needle = `"msg":"${msg}"`;
  for (let at = output.indexOf(needle); at >= 0; at = output.indexOf(needle, at + 1)) {
    const start = output.lastIndexOf('\n', at) + 1;
    const time = /"time":(\d+)/.exec(output.slice(start, at))?.[1];
    if (time !== undefined) times.push(Number(time));
  }
  return times;
}

/** Seeds the database with `options.users`, then starts the hub (memory probe preloaded). */
export async function startGatewayHub(options: GatewayHubOptions): Promise<GatewayHub> {
  const key = randomBytes(32);
  await seedGatewayUsers(join(options.dir, 'switchboard.db'), NETWORK, key, options.users, options.ircPassword);
  const memoryFile = join(options.dir, 'memory.jsonl');
  const env = {
    [KEY_VARIABLE]: key.toString('base64'),
    BENCH_MEMORY_FILE: memoryFile,
    NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} --import ${pathToFileURL(MEMORY_PROBE).href}`.trim(),
  };
  const spawnedAtEpoch = Date.now();
  const hub = startSwitchboardProcess({ dir: options.dir, config: config(options), env, ...(options.profileDir === undefined ? {} : { profileDir: options.profileDir }) });
  return {
    process: hub,
    spawnedAtEpoch,
    async ready(timeoutMs) {
      await hub.ready(timeoutMs);
      const at = lineTimes(hub.output(), 'ready')[0];
      if (at === undefined) throw new Error('the hub\'s ready line has no time');
      return at;
    },
    async loggedIn(count, timeoutMs) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const output = hub.output();
        const times = lineTimes(output, 'gateway: logged in');
        const failedAttempts = lineTimes(output, 'gateway: login failed').length + lineTimes(output, 'gateway: login refused').length;
        if (times.length >= count) return { at: Math.max(...times.slice(0, count)), failedAttempts };
        if (hub.child.exitCode !== null) throw new Error(`the hub exited (${times.length} of ${count} logged in):\n${output.slice(-3000)}`);
        if (Date.now() >= deadline) throw new Error(`only ${times.length} of ${count} users logged in within ${timeoutMs} ms:\n${output.slice(-3000)}`);
        await sleep(50);
      }
    },
    async memory(timeoutMs) {
      const lines = () => (existsSync(memoryFile) ? readFileSync(memoryFile, 'utf8').trim().split('\n').filter(Boolean) : []);
      const before = lines().length;
      process.kill(hub.pid, 'SIGUSR2');
      const deadline = Date.now() + timeoutMs;
      while (lines().length <= before) {
        if (Date.now() >= deadline) throw new Error(`the hub did not report its memory within ${timeoutMs} ms (is the preload loaded?)`);
        await sleep(50);
      }
      const report = JSON.parse(lines()[before]!) as HubMemory;
      return { heapUsed: report.heapUsed, rss: report.rss };
    },
    stop: () => hub.stop(),
  };
}

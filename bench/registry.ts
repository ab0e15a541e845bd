/**
 * Every benchmark, in the order `npm run bench` runs them. Kept free of imports so the runner
 * can read it without loading any benchmark.
 */

export interface BenchEntry {
  /** The name used on the command line and for `bench/results/<name>.json`. */
  readonly name: string;
  /** The compiled file, relative to dist/bench/. */
  readonly file: string;
  /** Run the benchmark process on one CPU (`taskset -c 0`): in-process figures "on one core". */
  readonly pinOneCore: boolean;
  readonly description: string;
  /** Its deadline when longer than the usual two minutes (run-one and the runner honour it). */
  readonly timeoutSeconds?: number;
}

export const BENCHMARKS: readonly BenchEntry[] = [
  { name: 'dispatcher', file: 'dispatcher.bench.js', pinOneCore: true, description: 'events/s through the hub pipeline with 0, 5, 20 no-op modules and with the relay to two in-memory targets' },
  { name: 'storage', file: 'storage.bench.js', pinOneCore: true, description: 'message-map writes and lookups per second on SQLite (WAL)' },
  { name: 'scale', file: 'scale.bench.js', pinOneCore: false, description: 'RSS, heap and start-up time to ready of the switchboard process with 1, 100, 1,000 bridges' },
  { name: 'relay-latency', file: 'relay-latency.bench.js', pinOneCore: false, description: 'paced end-to-end latency IRC→XMPP and XMPP→IRC through the real process, and without the bridge hop' },
  { name: 'big-message', file: 'big-message.bench.js', pinOneCore: false, description: 'a 256 KB XMPP message through the real process to IRC: hub CPU, /health latency meanwhile, lines sent' },
  { name: 'relay-throughput', file: 'relay-throughput.bench.js', pinOneCore: false, description: 'bursts of 1,000 messages each way, with server flood limits lifted and with defaults' },
  { name: 'side-by-side', file: 'side-by-side.bench.js', pinOneCore: false, timeoutSeconds: 330, description: 'the servers alone (floor), Switchboard and peer bridges (--peer matterbridge=PATH) in one run, fresh process per slot: added latency, CPU per message, bursts, RSS, ready; ratios' },
  { name: 'server-link', file: 'server-link.bench.js', pinOneCore: false, timeoutSeconds: 300, description: 'the hub linked as a server to InspIRCd and ngIRCd with one channel bridged: added latency over the ircd-only floor, bursts, ready, relink, 10,000 virtual users' },
  { name: 'xmpp-component', file: 'xmpp-component.bench.js', pinOneCore: false, timeoutSeconds: 300, description: 'the XMPP component on Prosody: memory per puppet occupant and time for 1,000 puppets to join 10 rooms, IRC→XMPP latency through puppets against relay mode' },
  { name: 'gateway', file: 'gateway.bench.js', pinOneCore: false, timeoutSeconds: 600, description: 'the gateway (issue 17) and Biboumi 9.0 on the same servers: time for 500 stored registrations to log in (pacing 1 ms and the default 200 ms), memory per logged-in user beyond its IRC connection, one-to-one XMPP→IRC latency added over the floor for both' },
  { name: 'gateway-groups', file: 'gateway-groups.bench.js', pinOneCore: false, timeoutSeconds: 600, description: 'group chats through the gateway (issue 18) and Biboumi 9.0 on the same servers: cold join, room-message latency added over the floor and a burst IRC→XMPP with history on, memory per extra user in one room, a feature table' },
];

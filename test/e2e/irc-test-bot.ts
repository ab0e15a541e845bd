/**
 * Shared pieces of the IRC adapter e2e tests: an adapter wired to an in-memory context (events
 * and connection losses recorded), raw clients in a channel, and reading a relayed line.
 */
import type { TestContext } from 'node:test';
import type { AnyEventInput } from '../../src/core/event.js';
import type { ChannelRef } from '../../src/core/refs.js';
import type { ConnectionLoss, NetworkContext } from '../../src/core/network.js';
import { MemoryStore } from '../support/memory-store.js';
import { silentLogger, type Logger } from '../../src/core/log.js';
import { ircProtocol } from '../../src/networks/irc/definition.js';
import { IrcNetwork } from '../../src/networks/irc/adapter.js';
import type { IrcServer } from '../support/servers.js';
import { connectRawIrc, type RawIrcClient } from '../support/clients.js';
import type { EgressClient } from '../../src/net/egress/index.js';

/** How long a test waits for one thing to happen. */
export const WAIT_MS = 10_000;
/** The network name the test bots use. */
export const NETWORK = 'testirc';

/** An adapter under test with what it reported. */
export interface Bot {
  readonly network: IrcNetwork;
  readonly events: AnyEventInput[];
  readonly losses: ConnectionLoss[];
  /** The first wanted channel. */
  readonly channel: ChannelRef;
}

/** A channel reference on the test network. */
export function channelRef(name: string): ChannelRef {
  return { network: NETWORK, id: name.toLowerCase(), name };
}

/**
 * Creates (not connects) an adapter for `server` that wants `channels`; disconnects it after
 * the test. `options` override the config (default nick `relaybot`, a fast flood setting for
 * servers with lifted limits).
 */
export function makeBot(
  t: TestContext,
  server: IrcServer,
  channels: string | readonly string[],
  options: Record<string, unknown> = {},
  log: Logger = silentLogger(),
  egress?: EgressClient,
): Bot {
  const events: AnyEventInput[] = [];
  const losses: ConnectionLoss[] = [];
  const refs = (typeof channels === 'string' ? [channels] : channels).map(channelRef);
  const ctx: NetworkContext = {
    name: NETWORK,
    log,
    store: new MemoryStore(),
    wantedChannels: () => refs,
    emit: (event) => events.push(event),
    connectionLost: (loss) => losses.push(loss),
    ...(egress ? { egress } : {}),
  };
  const config = ircProtocol.configSchema.parse({
    protocol: 'irc', host: server.host, port: server.port, nick: 'relaybot', flood: { burst: 10, intervalMs: 10 }, ...options,
  });
  const network = new IrcNetwork(ctx, config);
  t.after(() => network.disconnect({ deadlineMs: 1000 }));
  return { network, events, losses, channel: refs[0] as ChannelRef };
}

/** A raw client that joined `channel` (and is its operator when it is the first one in). */
export async function rawInChannel(t: TestContext, server: IrcServer, nick: string, channel: string): Promise<RawIrcClient> {
  const client = await connectRawIrc({ host: server.host, port: server.port, nick, timeoutMs: WAIT_MS });
  t.after(() => client.close());
  client.send(`JOIN ${channel}`);
  await client.waitForLine(new RegExp(` 366 ${nick} `), WAIT_MS);
  return client;
}

/** The text of a PRIVMSG/NOTICE line as received. */
export function textOf(line: string): string {
  const command = line.indexOf(' PRIVMSG ') >= 0 ? line.indexOf(' PRIVMSG ') : line.indexOf(' NOTICE ');
  return line.slice(line.indexOf(' :', command) + 2);
}

/**
 * A raw client that negotiated `message-tags` (so it may send client tags) and joined `channel`.
 * The caller closes it.
 */
export async function connectTagged(server: { readonly host: string; readonly port: number }, nick: string, channel: string, timeoutMs = WAIT_MS): Promise<RawIrcClient> {
  const client = await connectRawIrc({ host: server.host, port: server.port, nick, register: false, timeoutMs });
  try {
    client.send('CAP LS 302');
    client.send(`NICK ${nick}`);
    client.send(`USER ${nick} 0 * :${nick}`);
    await client.waitForLine(/ CAP \S+ LS :/, timeoutMs);
    client.send('CAP REQ :message-tags');
    await client.waitForLine(/ CAP \S+ ACK :message-tags/, timeoutMs);
    client.send('CAP END');
    await client.waitForLine(new RegExp(` 001 ${nick} `), timeoutMs);
    client.send(`JOIN ${channel}`);
    await client.waitForLine(new RegExp(` 366 ${nick} `), timeoutMs);
    return client;
  } catch (error) {
    await client.close();
    throw error;
  }
}

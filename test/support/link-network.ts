/**
 * A server-link adapter (`protocol: irc-link`) for e2e tests against a real ircd started by the
 * harness (irc-servers.ts), wired to an in-memory context that records events and lost links.
 * ngIRCd takes links on its client port, InspIRCd and ircd-hybrid on their `linkPort`.
 */
import type { TestContext } from 'node:test';
import type { AnyEventInput } from '../../src/core/event.js';
import type { ConnectionLoss, NetworkContext } from '../../src/core/network.js';
import type { ChannelRef, UserRef } from '../../src/core/refs.js';
import { silentLogger } from '../../src/core/log.js';
import { IrcLinkNetwork } from '../../src/networks/irc-link/adapter.js';
import { ircLinkProtocol } from '../../src/networks/irc-link/definition.js';
import type { IrcServer } from './irc-servers.js';
import { MemoryStore } from './memory-store.js';

/** The network name of the links under test. */
export const LINK_NETWORK = 'link';
/** The SID InspIRCd and ircd-hybrid links use in tests. */
export const TEST_SID = '1SB';

/** The ircds the server link is tested against. */
export type LinkIrcd = 'ngircd' | 'inspircd' | 'hybrid';

/** A link adapter under test with what it reported. */
export interface Link {
  readonly network: IrcLinkNetwork;
  readonly events: AnyEventInput[];
  readonly losses: ConnectionLoss[];
}

/** A channel reference on the link network. */
export function channelRef(name: string): ChannelRef {
  return { network: LINK_NETWORK, id: name.toLowerCase(), name };
}

/** A remote person (on `network`) that a virtual client stands for. */
export function remote(nick: string, network = 'jabber'): UserRef {
  return { network, id: `${nick}@example.org`, nick };
}

/** The irc-link options that link to `server` with the link block the harness configured. */
export function linkOptions(ircd: LinkIrcd, server: IrcServer): Record<string, unknown> {
  const ts6 = ircd !== 'ngircd';
  return {
    ircd, host: server.host, port: ts6 ? server.linkPort : server.port, serverName: server.link.peerName,
    sendPassword: server.link.peerSends, receivePassword: server.link.serverSends, ...(ts6 ? { sid: TEST_SID } : {}),
  };
}

/** A link adapter (not connected) for `server`, wanting `channels`; disconnected after the test. */
export function makeLink(t: TestContext, ircd: LinkIrcd, server: IrcServer, channels: readonly string[], options: Record<string, unknown> = {}): Link {
  const events: AnyEventInput[] = [];
  const losses: ConnectionLoss[] = [];
  const ctx: NetworkContext = {
    name: LINK_NETWORK, log: silentLogger(), store: new MemoryStore(),
    wantedChannels: () => channels.map(channelRef),
    emit: (event) => events.push(event),
    connectionLost: (loss) => losses.push(loss),
  };
  const network = new IrcLinkNetwork(ctx, ircLinkProtocol.configSchema.parse({ ...linkOptions(ircd, server), ...options }));
  t.after(() => network.disconnect({ deadlineMs: 1000 }));
  return { network, events, losses };
}

/**
 * The bench's independent clients: `alice` and `carol` on IRC, `bob` and `dave` on XMPP. alice
 * and bob sit in every bridged channel; all four sit in the unbridged `#direct` /
 * `direct@<muc>` pair that measures the servers alone.
 */
import type { IrcServer, XmppServer } from '../../test/support/servers.js';
import { connectXmppClient, type TestXmppClient } from '../../test/support/clients.js';
import { connectIrcProbe, type IrcProbe } from './irc-probe.js';

export interface BenchClients {
  readonly alice: IrcProbe;
  readonly carol: IrcProbe;
  readonly bob: TestXmppClient;
  readonly dave: TestXmppClient;
}

/**
 * Connects the four clients and joins them (`channels` and `rooms`, local parts, besides the
 * direct pair); every client's close is pushed onto `stops`.
 */
export async function connectBenchClients(
  servers: { irc: IrcServer; xmpp: XmppServer },
  bridged: { channels: readonly string[]; rooms: readonly string[] },
  stops: Array<() => Promise<unknown>>,
  waitMs: number,
): Promise<BenchClients> {
  const { irc, xmpp } = servers;
  const alice = await connectIrcProbe(irc.host, irc.port, 'alice', waitMs);
  stops.push(() => alice.close());
  const carol = await connectIrcProbe(irc.host, irc.port, 'carol', waitMs);
  stops.push(() => carol.close());
  for (const channel of [...bridged.channels, '#direct']) await alice.join(channel, waitMs);
  await carol.join('#direct', waitMs);
  const service = `xmpp://${xmpp.host}:${xmpp.port}`;
  const bob = await connectXmppClient({ service, domain: xmpp.domain, username: 'bob', password: 'pw' });
  stops.push(() => bob.close());
  const dave = await connectXmppClient({ service, domain: xmpp.domain, username: 'dave', password: 'pw' });
  stops.push(() => dave.close());
  const room = (local: string): string => `${local}@${xmpp.mucDomain}`;
  for (const local of [...bridged.rooms, 'direct']) await bob.joinRoom(room(local), 'bob', waitMs);
  await dave.joinRoom(room('direct'), 'dave', waitMs);
  return { alice, carol, bob, dave };
}

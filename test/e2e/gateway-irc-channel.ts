/**
 * The IRC side of a gateway group-chat test: people already in a channel before the test's
 * XMPP user arrives. The first nick joins first, so it holds the channel operator status
 * (ngIRCd gives it to the channel's creator); the others join after it. Resolves once the first
 * has seen every other's JOIN; every connection is closed after the test.
 */
import type { TestContext } from 'node:test';
import { connectRawIrc, type RawIrcClient } from '../support/clients.js';
import { escapeRegExp } from '../support/regexp.js';
import type { IrcServer } from '../support/servers.js';

export async function ircPeopleIn<const Nicks extends readonly [string, ...string[]]>(
  t: TestContext, irc: IrcServer, channel: string, nicks: Nicks, waitMs: number,
): Promise<{ readonly [K in keyof Nicks]: RawIrcClient }> {
  const clients = await Promise.all(nicks.map((nick) => connectRawIrc({ host: irc.host, port: irc.port, nick })));
  t.after(() => Promise.all(clients.map((client) => client.close())));
  const [first, ...others] = clients as [RawIrcClient, ...RawIrcClient[]];
  const name = escapeRegExp(channel);
  first.send(`JOIN ${channel}`);
  await first.waitForLine(new RegExp(` 366 ${escapeRegExp(first.nick)} ${name} `), waitMs);
  for (const other of others) other.send(`JOIN ${channel}`);
  for (const other of others) await first.waitForLine(new RegExp(`^:${escapeRegExp(other.nick)}!\\S+ JOIN :?${name}$`), waitMs);
  return clients as unknown as { readonly [K in keyof Nicks]: RawIrcClient };
}

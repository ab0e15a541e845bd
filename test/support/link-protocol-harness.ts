/**
 * A server protocol (src/networks/irc-link/protocols/) without a socket, for unit tests and the
 * fuzzer: scripted lines in, and what it sent, emitted (each event validated against the
 * catalog), failed and ignored out. ngircd-link-harness.ts, inspircd-link-harness.ts and
 * hybrid-link-harness.ts fill in each protocol's handshake and burst.
 */
import assert from 'node:assert/strict';
import type { AnyEventInput } from '../../src/core/event.js';
import { validateEvent } from '../../src/core/catalog-validate.js';
import { silentLogger } from '../../src/core/log.js';
import { ServerSupport } from '../../src/networks/irc/isupport.js';
import { ircLinkConfigSchema } from '../../src/networks/irc-link/config.js';
import { LinkEvents } from '../../src/networks/irc-link/events.js';
import { parseLinkLine } from '../../src/networks/irc-link/line.js';
import type { ServerProtocol, ServerProtocolFactory } from '../../src/networks/irc-link/server-protocol.js';
import { LinkState, type LinkUser } from '../../src/networks/irc-link/state.js';

/**
 * A protocol before the handshake, with everything it did recorded. `options` are config keys
 * beside the passwords (`out` sent, `in` expected) and the host.
 */
export function protocolHarness<P extends ServerProtocol>(create: (...args: Parameters<ServerProtocolFactory>) => P, options: Record<string, unknown>) {
  const config = ircLinkConfigSchema.parse({ host: '127.0.0.1', sendPassword: 'out', receivePassword: 'in', ...options });
  const state = new LinkState(new ServerSupport());
  const sent: string[] = [];
  const events: AnyEventInput[] = [];
  const failures: Array<{ reason: string; fatal: boolean }> = [];
  const ignored: string[] = [];
  const bursts: string[] = [];
  const killedOwn: string[] = [];
  /** For each killed own client: who held its nick in the state when the adapter was told. */
  const nickHolderAtKill: Array<string | undefined> = [];
  /** Each forceTag call: `<nick> <why>`. */
  const forced: string[] = [];
  let ids = 0;
  const linkEvents = new LinkEvents({ network: 'link', state: () => state, emit: (e) => events.push(validateEvent(e)), mintId: () => `m${++ids}`, maxBodyBytes: 1024 });
  const protocol = create({
    config, log: silentLogger(), state, events: linkEvents,
    send: (...lines) => sent.push(...lines),
    uplinkBurstDone: (uplink) => bursts.push(uplink),
    fail: (reason, fatal) => failures.push({ reason, fatal }),
    ownClientKilled: (user) => {
      killedOwn.push(user.nick);
      nickHolderAtKill.push(state.userByNick(user.nick)?.uid);
    },
    ownClientKicked: (user, channel) => killedOwn.push(`${user.nick} kicked from ${channel}`),
    ignored: (kind) => ignored.push(kind),
    // As the adapter does: another nick at once (here `<nick>|f`).
    forceTag: (user, why) => {
      forced.push(`${user.nick} ${why}`);
      state.changeNick(user.uid, `${user.nick}|f`);
    },
  });
  const feed = (...lines: string[]): void => {
    for (const raw of lines) {
      const line = parseLinkLine(raw);
      if (line) protocol.handle(line);
      else ignored.push('unparsable');
    }
  };
  const of = <C extends AnyEventInput['command']>(command: C) => events.filter((e): e is Extract<AnyEventInput, { command: C }> => e.command === command);
  return { protocol, config, state, sent, events, failures, ignored, bursts, killedOwn, nickHolderAtKill, forced, feed, of };
}

/** A protocol harness, whichever protocol it runs. */
export type ProtocolHarness = ReturnType<typeof protocolHarness<ServerProtocol>>;

/**
 * Feeds `line`, an SVSNICK of our `user` to Guest1: it is reported and not obeyed; the client is
 * force-tagged (to `<nick>|f`, as the harness's adapter does).
 */
export function expectSvsnickForceTags(h: ProtocolHarness, user: LinkUser, line: string): void {
  const nick = user.nick;
  h.feed(line);
  assert.deepEqual(h.of('SVSNICK').map((e) => e.args.newNick), ['Guest1']);
  assert.deepEqual(h.forced, [`${nick} svsnick`]);
  assert.equal(user.nick, `${nick}|f`);
}

/**
 * ngIRCd's server protocol (protocols/ngircd.ts) without a socket, for unit tests and the fuzzer:
 * scripted lines in, and what it sent, emitted (each event validated against the catalog),
 * failed and ignored out.
 */
import type { AnyEventInput } from '../../src/core/event.js';
import { validateEvent } from '../../src/core/catalog-validate.js';
import { silentLogger } from '../../src/core/log.js';
import { ServerSupport } from '../../src/networks/irc/isupport.js';
import { ircLinkConfigSchema } from '../../src/networks/irc-link/config.js';
import { LinkEvents } from '../../src/networks/irc-link/events.js';
import { parseLinkLine } from '../../src/networks/irc-link/line.js';
import { NgircdProtocol } from '../../src/networks/irc-link/protocols/ngircd.js';
import { LinkState } from '../../src/networks/irc-link/state.js';

export const ME = 'bridge.ngircd.test';
export const UP = 'irc.ngircd.test';

/** A protocol before the handshake, with everything it did recorded. */
export function harness() {
  const config = ircLinkConfigSchema.parse({ ircd: 'ngircd', host: '127.0.0.1', serverName: ME, sendPassword: 'out', receivePassword: 'in' });
  const state = new LinkState(new ServerSupport());
  const sent: string[] = [];
  const events: AnyEventInput[] = [];
  const failures: Array<{ reason: string; fatal: boolean }> = [];
  const ignored: string[] = [];
  const bursts: string[] = [];
  const killedOwn: string[] = [];
  const forced: string[] = [];
  let ids = 0;
  const linkEvents = new LinkEvents({ network: 'link', state: () => state, emit: (e) => events.push(validateEvent(e)), mintId: () => `m${++ids}`, maxBodyBytes: 1024 });
  const protocol = new NgircdProtocol({
    config, log: silentLogger(), state, events: linkEvents,
    send: (...lines) => sent.push(...lines),
    uplinkBurstDone: (uplink) => bursts.push(uplink),
    fail: (reason, fatal) => failures.push({ reason, fatal }),
    ownClientKilled: (user) => killedOwn.push(user.nick),
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
  return { protocol, state, sent, events, failures, ignored, bursts, killedOwn, forced, feed, of };
}

/** A harness after the handshake and a burst: alice (op) and bob in #lobby, carol on a leaf server. */
export function linked() {
  const h = harness();
  h.feed(
    `:${UP} PASS in 0210-IRC+ ngIRCd|26.1:CHLMSXZo PZ`,
    `:${UP} SERVER ${UP} 1 :ngircd test`,
    `:${UP} 005 ${ME} NICKLEN=30 CASEMAPPING=ascii PREFIX=(qaohv)~&@%+ CHANTYPES=#&+ CHANMODES=beI,k,l,imMnOPQRstVz :are supported on this server`,
    `:${UP} 376 ${ME} :End of server negotiation`,
    `:${UP} SERVER leaf.test 2 2 :a leaf`,
    `:${UP} NICK alice 1 ~alice 127.0.0.1 1 +i :Alice`,
    `:${UP} NICK bob 1 ~bob 127.0.0.1 1 + :Bob`,
    `:leaf.test NICK carol 2 ~carol 10.0.0.1 2 + :Carol`,
    `:${UP} NJOIN #lobby :@alice,bob,carol`,
    `:${UP} CHANINFO #lobby +ntk secret 0 :the topic`,
    `:${UP} PING :${UP}`,
  );
  return h;
}


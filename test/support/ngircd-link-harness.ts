/**
 * ngIRCd's server protocol (protocols/ngircd.ts) without a socket, for unit tests and the fuzzer
 * (link-protocol-harness.ts): scripted lines in, and what it sent, emitted, failed and ignored out.
 */
import { NgircdProtocol } from '../../src/networks/irc-link/protocols/ngircd.js';
import { protocolHarness } from './link-protocol-harness.js';

export const ME = 'bridge.ngircd.test';
export const UP = 'irc.ngircd.test';

/** A protocol before the handshake, with everything it did recorded. */
export function harness() {
  return protocolHarness((session) => new NgircdProtocol(session), { ircd: 'ngircd', host: '127.0.0.1', serverName: ME, sendPassword: 'out', receivePassword: 'in' });
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


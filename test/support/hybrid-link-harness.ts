/**
 * ircd-hybrid's server protocol (protocols/hybrid.ts) without a socket (link-protocol-harness.ts),
 * for unit tests and the fuzzer, and hybrid 8.2.43's handshake and burst as scripted lines (as
 * the real server sent them to a probe link).
 */
import { HybridProtocol } from '../../src/networks/irc-link/protocols/hybrid.js';
import { protocolHarness } from './link-protocol-harness.js';

export const ME = 'bridge.hybrid.test';
export const SID = '1SB';
export const UP = 'irc.hybrid.test';
export const UPSID = '0HY';
/** alice, bob and carol (on the leaf server 2LF). */
export const ALICE = '0HYAAAAAA';
export const BOB = '0HYAAAAAB';
export const CAROL = '2LFAAAAAA';
/** The channel TS of #lobby in the burst. */
export const LOBBY_TS = 1_700_000_000;

/** A protocol before the handshake, with everything it did recorded. */
export function harness() {
  return protocolHarness((session) => new HybridProtocol(session), { ircd: 'hybrid', serverName: ME, sid: SID });
}

/**
 * A harness after the handshake and a burst: alice (op, oper) and bob (voice) in #lobby with a
 * key, a ban and a topic; carol on a leaf server, in #lobby too.
 */
export function linked() {
  const h = harness();
  h.feed(
    `:${UP} NOTICE * :*** Looking up your hostname`,
    'PASS in',
    'CAPAB :MLOCK KNOCK KLN TBURST RESYNC ENCAP UNKLN DLN UNDLN RHOST CLUSTER EOB HOP',
    `SERVER ${UP} 1 ${UPSID} + :hybrid test`,
    `:${UPSID} SVINFO 6 6 0 :${LOBBY_TS + 100}`,
    `:${UPSID} SID leaf.test 2 2LF + :a leaf`,
    `:${UPSID} UID alice 1 ${LOBBY_TS} +io alice 127.0.0.1 127.0.0.1 127.0.0.1 ${ALICE} * :Alice A`,
    `:${UPSID} UID bob 1 ${LOBBY_TS + 1} +i bob 127.0.0.1 127.0.0.1 127.0.0.1 ${BOB} bobacct :Bob`,
    `:2LF UID carol 2 ${LOBBY_TS + 2} + carol 10.0.0.1 10.0.0.1 10.0.0.1 ${CAROL} * :Carol`,
    `:${UPSID} SJOIN ${LOBBY_TS} #lobby +ntk secret :@${ALICE} +${BOB} ${CAROL}`,
    `:${UPSID} BMASK ${LOBBY_TS} #lobby b :foo!*@* bar!*@*`,
    `:${UPSID} TBURST ${LOBBY_TS} #lobby ${LOBBY_TS + 5} alice!alice@127.0.0.1 :the topic`,
    `PING :${UPSID}`,
    `:${UPSID} EOB`,
  );
  return h;
}

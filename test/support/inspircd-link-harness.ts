/**
 * InspIRCd 3's server protocol (protocols/inspircd.ts) without a socket, for unit tests
 * (link-protocol-harness.ts), with the handshake and burst InspIRCd 3.15 sends (transcript in
 * shared/peers/REPORT.md §2.2).
 */
import { InspircdProtocol } from '../../src/networks/irc-link/protocols/inspircd.js';
import { protocolHarness } from './link-protocol-harness.js';

export const ME = 'bridge.inspircd.test';
export const SID = '1SB';
export const UP = 'irc.inspircd.test';
export const UP_SID = '0AA';

/** The CAPAB lines InspIRCd 3.15 sends with the test config's modules. */
export const CAPAB = [
  'CAPAB START 1205',
  'CAPAB MODULES :m_ircv3_ctctags.so m_svshold.so',
  'CAPAB MODSUPPORT :m_services_account.so',
  'CAPAB CHANMODES :list:ban=b param-set:limit=l param:key=k prefix:10000:voice=+v prefix:30000:op=@o prefix:20000:halfop=%h simple:c_registered=r simple:inviteonly=i simple:moderated=m simple:noextmsg=n simple:private=p simple:reginvite=R simple:regmoderated=M simple:secret=s simple:topiclock=t',
  'CAPAB USERMODES :param-set:snomask=s simple:hidechans=I simple:invisible=i simple:oper=o simple:regdeaf=R simple:u_registered=r simple:wallops=w',
  'CAPAB CAPABILITIES :NICKMAX=30 CHANMAX=60 MAXMODES=20 IDENTMAX=10 MAXQUIT=300 MAXTOPIC=330 MAXKICK=300 MAXREAL=130 MAXAWAY=200 MAXHOST=64 MAXLINE=512 EXTBANS=RU CASEMAPPING=ascii GLOBOPS=0',
  'CAPAB END',
];

/** A protocol before the handshake, with everything it did recorded. */
export function harness() {
  return protocolHarness((session) => new InspircdProtocol(session), {
    ircd: 'inspircd', host: '127.0.0.1', serverName: ME, sid: SID, sendPassword: 'out', receivePassword: 'in',
  });
}

/**
 * A harness after the handshake and the uplink's burst: alice (an oper, op in #lobby) and bob on
 * the uplink, carol on a leaf server (0AB), #lobby with TS 1000, a key and a topic.
 */
export function linked() {
  const h = harness();
  h.feed(
    ...CAPAB,
    `SERVER ${UP} in 0 ${UP_SID} :inspircd test`,
    `:${UP_SID} BURST 1700000000`,
    `:${UP_SID} SINFO version :InspIRCd-3. ${UP} :`,
    `:${UP_SID} SERVER leaf.test 0AB burst=1700000000 hidden=0 :a leaf`,
    `:${UP_SID} UID 0AAAAAAAA 900 alice 127.0.0.1 cloak.example alice 127.0.0.1 900 +i :Alice`,
    `:0AAAAAAAA OPERTYPE :NetAdmin`,
    `:${UP_SID} UID 0AAAAAAAB 950 bob 127.0.0.1 127.0.0.1 bob 127.0.0.1 950 + :Bob`,
    `:0AB UID 0ABAAAAAA 960 carol 10.0.0.1 10.0.0.1 carol 10.0.0.1 960 +iw :Carol`,
    `:${UP_SID} FJOIN #lobby 1000 +ntk secret :o,0AAAAAAAA:4 ,0AAAAAAAB:5 0ABAAAAAA:6`,
    `:${UP_SID} FTOPIC #lobby 1000 1100 alice!alice@cloak.example :the topic`,
    `:${UP_SID} METADATA #lobby 1000 maxlist :b 100`,
    `:0AB ENDBURST`,
    `:${UP_SID} ENDBURST`,
  );
  return h;
}

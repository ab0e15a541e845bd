/**
 * A minimal services server for InspIRCd e2e tests: it links to the test server's U-lined link
 * block (protocol 1205, see /work/shared/peers/REPORT.md) and does what services do for SASL
 * PLAIN and accounts: checks the credentials it is given, logs users in (METADATA accountname,
 * which InspIRCd turns into 900 and account-notify) and ends the exchange (D S / D F).
 * It is a test peer speaking the real server protocol to a real InspIRCd, not a stand-in for it.
 */
import { connectRawIrc, type RawIrcClient } from '../support/clients.js';
import type { IrcServer } from '../support/servers.js';

const SID = '1SV';
const AGENT = `${SID}AAAAAA`;

/** A linked services peer. */
export interface ServicesPeer {
  /** Logs the user with this nick in to `account` ('' logs out), as services would after NickServ IDENTIFY. */
  setAccount(nick: string, account: string): Promise<void>;
  /** Closes the link (SQUIT). */
  close(): Promise<void>;
}

/**
 * Links the services peer; `accounts` are the account → password pairs SASL PLAIN accepts,
 * `certificates` the client certificate fingerprint (SHA-256, lowercase hex) → account pairs
 * SASL EXTERNAL accepts.
 */
export async function linkServices(
  server: IrcServer,
  accounts: Readonly<Record<string, string>>,
  certificates: Readonly<Record<string, string>> = {},
): Promise<ServicesPeer> {
  if (server.linkPort === undefined) throw new Error(`${server.name} has no server link port`);
  const link = await connectRawIrc({ host: server.host, port: server.linkPort, nick: 'services', register: false });
  try {
    await handshake(link, server);
  } catch (error) {
    await link.close();
    throw error;
  }
  void answerSasl(link, accounts, certificates);
  return {
    async setAccount(nick, account) {
      const uid = await uidOf(link, nick);
      link.send(`:${SID} METADATA ${uid} accountname :${account}`);
    },
    async close() {
      link.send(`:${SID} SQUIT ${SID} :done`);
      await link.close();
    },
  };
}

/** CAPAB, SERVER and an empty burst, as services send them. */
async function handshake(link: RawIrcClient, server: IrcServer): Promise<void> {
  await link.waitForLine(/^CAPAB START 1205/, 5000);
  link.send('CAPAB START 1205');
  link.send('CAPAB CAPABILITIES :CASEMAPPING=rfc1459');
  link.send('CAPAB END');
  link.send(`SERVER ${server.link.peerName} ${server.link.peerSends} 0 ${SID} :test services`);
  await link.waitForLine(/^SERVER /, 5000);
  link.send(`BURST ${Math.floor(Date.now() / 1000)}`);
  await link.waitForLine(/^:\S+ ENDBURST$/, 5000);
  link.send(`:${SID} ENDBURST`);
}

/** The UID the server announced for `nick` (UID lines arrive as users connect). */
async function uidOf(link: RawIrcClient, nick: string): Promise<string> {
  const pattern = new RegExp(`^(?:@\\S+ )?:\\S+ UID (\\S+) \\d+ ${nick.replace(/[[\]\\^{}|]/g, '\\$&')} `, 'i');
  const known = link.lines.find((line) => pattern.test(line));
  const line = known ?? (await link.waitForLine(pattern, 5000));
  return (pattern.exec(line) as RegExpExecArray)[1] as string;
}

/**
 * Answers the SASL exchanges InspIRCd forwards (`ENCAP <us> SASL <uid> * <mode> <data> [<certfp>]`)
 * until the link closes: PLAIN checks the password, EXTERNAL the fingerprint of the client
 * certificate that InspIRCd (sslinfo) passes along with the mechanism.
 */
async function answerSasl(
  link: RawIrcClient,
  accounts: Readonly<Record<string, string>>,
  certificates: Readonly<Record<string, string>>,
): Promise<void> {
  const reply = (uid: string, mode: string, data: string): void => link.send(`:${SID} ENCAP * SASL ${AGENT} ${uid} ${mode} ${data}`);
  const logIn = (uid: string, account: string): void => {
    link.send(`:${SID} METADATA ${uid} accountname :${account}`);
    reply(uid, 'D', 'S');
  };
  /** uid → the fingerprint given with an EXTERNAL start ('' without a certificate). */
  const external = new Map<string, string>();
  for (;;) {
    let line: string;
    try {
      line = await link.waitForLine(/ ENCAP \S+ SASL \S+ \S+ [SC] /, 3_600_000);
    } catch {
      return; // the link closed
    }
    const [, uid = '', mode = '', data = '', fingerprint = ''] = / SASL (\S+) \S+ ([SC]) (\S+)(?: (\S+))?/.exec(line) ?? [];
    if (mode === 'S') {
      if (data === 'EXTERNAL') external.set(uid, fingerprint.toLowerCase());
      else external.delete(uid);
      if (data === 'PLAIN' || data === 'EXTERNAL') reply(uid, 'C', '+');
      else reply(uid, 'D', 'F');
      continue;
    }
    if (external.has(uid)) {
      const account = certificates[external.get(uid) ?? ''];
      external.delete(uid);
      if (account !== undefined && data === '+') logIn(uid, account);
      else reply(uid, 'D', 'F');
      continue;
    }
    const [authzid = '', authcid = '', password = ''] = Buffer.from(data, 'base64').toString('utf8').split('\0');
    const account = authcid || authzid;
    if (accounts[account] !== undefined && accounts[account] === password) logIn(uid, account);
    else reply(uid, 'D', 'F');
  }
}

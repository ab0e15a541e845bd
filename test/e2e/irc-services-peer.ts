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

/** Links the services peer; `accounts` are the account → password pairs SASL PLAIN accepts. */
export async function linkServices(server: IrcServer, accounts: Readonly<Record<string, string>>): Promise<ServicesPeer> {
  if (server.linkPort === undefined) throw new Error(`${server.name} has no server link port`);
  const link = await connectRawIrc({ host: server.host, port: server.linkPort, nick: 'services', register: false });
  try {
    await handshake(link, server);
  } catch (error) {
    await link.close();
    throw error;
  }
  void answerSasl(link, accounts);
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

/** Answers the SASL exchanges InspIRCd forwards (`ENCAP <us> SASL <uid> * <mode> <data>`) until the link closes. */
async function answerSasl(link: RawIrcClient, accounts: Readonly<Record<string, string>>): Promise<void> {
  const reply = (uid: string, mode: string, data: string): void => link.send(`:${SID} ENCAP * SASL ${AGENT} ${uid} ${mode} ${data}`);
  for (;;) {
    let line: string;
    try {
      line = await link.waitForLine(/ ENCAP \S+ SASL \S+ \S+ [SC] /, 3_600_000);
    } catch {
      return; // the link closed
    }
    const [, uid = '', mode = '', data = ''] = / SASL (\S+) \S+ ([SC]) (\S+)/.exec(line) ?? [];
    if (mode === 'S') {
      if (data === 'PLAIN') reply(uid, 'C', '+');
      else reply(uid, 'D', 'F');
      continue;
    }
    const [authzid = '', authcid = '', password = ''] = Buffer.from(data, 'base64').toString('utf8').split('\0');
    const account = authcid || authzid;
    if (accounts[account] !== undefined && accounts[account] === password) {
      link.send(`:${SID} METADATA ${uid} accountname :${account}`);
      reply(uid, 'D', 'S');
    } else reply(uid, 'D', 'F');
  }
}

/**
 * A second, hand-driven server on a test InspIRCd (a raw spanningtree 1205 link, like
 * shared/peers/scripts/inspircd_link.py): the tests make it introduce users and channels that
 * collide with what the link under test has (nick collisions, older channel TSes) and split it
 * off. The InspIRCd must have {@link peerLinkBlock} in its config.
 */
import type { TestContext } from 'node:test';
import type { IrcServer } from './irc-servers.js';
import { connectRawIrc, type RawIrcClient } from './irc-client.js';

/** The peer's server name, SID and passwords. */
export const PEER = { name: 'peer.inspircd.test', sid: '0PP', sends: 'peer-to-inspircd', receives: 'inspircd-to-peer' } as const;

/** The `<link>` block for the peer, for `startInspircd({ extraConfig })`. */
export function peerLinkBlock(linkPort: number): string {
  return `<link name="${PEER.name}" ipaddr="127.0.0.1" port="${linkPort}" allowmask="127.0.0.0/8" timeout="30" sendpass="${PEER.receives}" recvpass="${PEER.sends}">\n`;
}

/** A linked peer server: its lines, a way to send more, and its end. */
export interface InspircdPeer {
  readonly connection: RawIrcClient;
  /** Sends one line as is (the tests write `:0PP ...`). */
  send(line: string): void;
  /** Ends the peer's burst. */
  endBurst(): void;
  /**
   * Splits off: the peer's own SQUIT, then the socket closed — a split whatever InspIRCd reads
   * first (a socket that only closed was sometimes kept by InspIRCd for a while).
   */
  close(): Promise<void>;
}

/**
 * Links the peer to `server` (its `linkPort`) and waits for InspIRCd's burst; the peer's own
 * burst stays open until {@link InspircdPeer.endBurst}. Closed after the test.
 */
export async function linkPeer(t: TestContext, server: IrcServer, timeoutMs: number): Promise<InspircdPeer> {
  const connection = await connectRawIrc({ host: server.host, port: server.linkPort ?? 0, nick: PEER.name, register: false, timeoutMs });
  t.after(() => connection.close());
  const send = (line: string): void => connection.send(line);
  for (const line of ['CAPAB START 1205', 'CAPAB CAPABILITIES :PROTOCOL=1205', 'CAPAB END', `SERVER ${PEER.name} ${PEER.sends} 0 ${PEER.sid} :a hand-driven peer`]) send(line);
  await connection.waitForLine(new RegExp(`^SERVER ${server.serverName.replace(/\./g, '\\.')} `), timeoutMs);
  send(`:${PEER.sid} BURST ${Math.floor(Date.now() / 1000)}`);
  await connection.waitForLine(/^(@\S+ )?:0AA ENDBURST$/, timeoutMs);
  const close = (): Promise<void> => {
    send(`:${PEER.sid} SQUIT ${PEER.sid} :splitting off`);
    return connection.close();
  };
  return { connection, send, endBurst: () => send(`:${PEER.sid} ENDBURST`), close };
}

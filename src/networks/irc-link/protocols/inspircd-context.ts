/**
 * What the pieces of the InspIRCd protocol (inspircd.ts: handshake, servers, messages and our
 * lines; inspircd-users.ts; inspircd-channels.ts) share for one connection, and the TS helpers.
 */
import type { LinkLine } from '../line.js';
import type { LinkSession } from '../server-protocol.js';
import type { LinkUser } from '../state.js';

/** One InspIRCd link as its line handlers see it (implemented by InspircdProtocol). */
export interface InspircdLink {
  readonly s: LinkSession;
  /** Our server name. */
  readonly me: string;
  /** Our SID. */
  readonly sid: string;
  /** The uplink's name, once it introduced itself. */
  readonly uplinkName: string | undefined;
  /** The uplink's burst is over (a burst's topics are state, not events). */
  readonly burstDone: boolean;
  /** uid → nick TS (collisions and SAVE compare them). */
  readonly nickTs: Map<string, number>;
  /** The name (lower case) of the server with this SID. */
  serverName(sid: string): string | undefined;
  /** A user by UUID. */
  userOf(uid: string | undefined): LinkUser | undefined;
  /** The remote user a line comes from (logged as unknown when there is none). */
  sourceUser(line: LinkLine): LinkUser | undefined;
  /** A user, or a server's name, that caused a change. */
  actor(line: LinkLine): LinkUser | string;
  /** A user named in a parameter, by UUID or by nick. */
  target(id: string | undefined): LinkUser | undefined;
  /** The FJOIN lines that put our clients in a channel. */
  fjoin(channel: string, ts: number, users: readonly LinkUser[]): string[];
}

/** Digits at the start of a TS (InspIRCd reads TSes with atoi); undefined when there are none. */
export function parseTs(value: string | undefined): number | undefined {
  const digits = /^[0-9]{1,15}/.exec(value ?? '')?.[0];
  return digits === undefined ? undefined : Number(digits);
}

/** Now, in seconds (InspIRCd's TS unit). */
export function nowTs(): number {
  return Math.floor(Date.now() / 1000);
}

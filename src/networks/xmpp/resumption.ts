/**
 * Stream management resumption (XEP-0198): what is kept of a session whose connection dropped,
 * so the next `connect()` can send `<resume/>` instead of starting over. xmpp.js keeps this state
 * in its per-client `sm` object; the adapter creates a new client per connection, so the state is
 * copied out of the dropped client and into the next one.
 */
import type { XmppClient } from './client.js';

/** A dropped session that may still be resumed. */
export interface ResumableSession {
  /** The server's session id (`previd` of `<resume/>`). */
  readonly id: string;
  /** The full JID bound in the session (a resumed session keeps it; no resource binding). */
  readonly jid: string;
  /** Stanzas we received and handled (`h` of `<resume/>`). */
  readonly inbound: number;
  /** Our stanzas the server acknowledged. */
  readonly outbound: number;
  /** Our stanzas not yet acknowledged: resent after `<resumed/>` when the server's `h` says so. */
  readonly unacked: readonly unknown[];
  /** When the connection dropped (ms since the epoch). */
  readonly droppedAt: number;
  /** How long the server keeps it (ms), when it said so (`<enabled max=.../>`). */
  readonly keptForMs?: number;
}

/** Takes the resumable state of a client whose connection just dropped, if it has any. */
export function captureSession(client: XmppClient, now: number): ResumableSession | undefined {
  const { sm, entity } = client;
  if (sm.id === '' || entity.jid === null) return undefined;
  const maxSeconds = Number(sm.max);
  return {
    id: sm.id,
    jid: entity.jid.toString(),
    inbound: sm.inbound,
    outbound: sm.outbound,
    unacked: [...sm.outbound_q],
    droppedAt: now,
    ...(Number.isFinite(maxSeconds) && maxSeconds > 0 ? { keptForMs: maxSeconds * 1000 } : {}),
  };
}

/**
 * Whether resuming is still worth trying at `now`: within the time the server said it keeps the
 * session. Without that figure the server decides (a `<failed/>` falls back to a new session).
 */
export function isFresh(session: ResumableSession, now: number): boolean {
  return session.keptForMs === undefined || now - session.droppedAt < session.keptForMs;
}

/** Puts the state into a new, not yet started client: its stream management will try `<resume/>`. */
export function restoreSession(client: XmppClient, session: ResumableSession): void {
  const { sm, entity } = client;
  sm.id = session.id;
  sm.inbound = session.inbound;
  sm.outbound = session.outbound;
  sm.outbound_q = [...session.unacked];
  entity._jid(session.jid);
}

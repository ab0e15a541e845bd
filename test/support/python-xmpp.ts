/**
 * An independent XMPP client for end-to-end tests: Debian's python3-slixmpp driven through
 * `python/xmpp_peer.py` (JSON lines in and out), so a test's XMPP user is not our own code: it
 * joins rooms with slixmpp's XEP-0045 plugin, queries archives with its XEP-0313 plugin, and
 * reports every stanza it receives.
 */
import { fileURLToPath } from 'node:url';
import { startPythonProcess, type PythonEvent } from './python-process.js';

const SCRIPT = fileURLToPath(new URL('../../../test/support/python/xmpp_peer.py', import.meta.url));

/** A message's essentials (xmpp_peer.py message_fields). */
export interface PeerMessage {
  readonly from?: string;
  readonly type?: string | null;
  readonly id?: string;
  readonly body?: string | null;
  readonly subject?: string | null;
  readonly delay?: { readonly stamp?: string; readonly from?: string };
  readonly stanza_id?: { readonly id?: string; readonly by?: string };
}

/** One received stanza's essentials (xmpp_peer.py essentials). */
export interface PeerStanza extends PeerMessage {
  readonly kind: 'message' | 'presence' | 'iq';
  readonly status?: string | null;
  readonly show?: string | null;
  readonly codes?: readonly string[];
  readonly role?: string;
  readonly affiliation?: string;
  readonly nick?: string;
  readonly jid?: string;
  readonly reason?: string | null;
  readonly mam?: { readonly queryid?: string; readonly id?: string; readonly stamp?: string | null; readonly message?: PeerMessage };
  readonly fin?: { readonly complete?: string; readonly last?: string | null };
  readonly error?: { readonly condition?: string | null; readonly text?: string | null };
  /** The stanza as received (cut at 4,000 characters), for failure messages. */
  readonly xml: string;
}

/** What the peer prints: `online`, `stanza` (with a {@link PeerStanza}), `done` (a command's end), `closed`. */
export type PeerEvent = PythonEvent & Partial<PeerStanza> & {
  readonly ref?: string;
  readonly ok?: boolean;
  readonly jid?: string;
  /** join: the self-presence, the occupants' presences, the history, the subject message (slixmpp's join_muc_wait). */
  readonly self?: PeerStanza;
  readonly occupants?: readonly PeerStanza[];
  readonly history?: readonly PeerStanza[];
  readonly subject_stanza?: PeerStanza;
  /** mam: the result messages slixmpp's xep_0313 collected. */
  readonly results?: readonly PeerStanza[];
  /** mam with `pages: true`: each page's results, as slixmpp's RSM iterator fetched them. */
  readonly pages?: ReadonlyArray<readonly PeerStanza[]>;
  /** disco: [category, type, lang, name] identities and the features. */
  readonly identities?: ReadonlyArray<readonly string[]>;
  readonly features?: readonly string[];
};

/** A slixmpp client logged in to an XMPP server. */
export interface PythonXmppPeer {
  /** The full JID it is bound to. */
  readonly jid: string;
  /** Everything it printed so far, oldest first. */
  readonly events: readonly PeerEvent[];
  /** The stanzas it received so far, oldest first. */
  stanzas(from?: number): PeerStanza[];
  /** Sends a command without waiting (see xmpp_peer.py). */
  command(command: Readonly<Record<string, unknown>>): void;
  /** Runs a command with a fresh `ref` and resolves with its `done` event; rejects when it failed or after `timeoutMs`. */
  run(command: Readonly<Record<string, unknown>>, timeoutMs: number): Promise<PeerEvent>;
  /** Resolves with the first stanza received (from event index `from`, default 0) matching `match`; rejects after `timeoutMs`. */
  waitForStanza(match: (stanza: PeerStanza) => boolean, timeoutMs: number, what: string, from?: number): Promise<PeerStanza>;
  /** Logs out and ends the process (killed if it lingers). */
  close(): Promise<void>;
}

let refs = 0;

/** Starts slixmpp as `jid` (its resource included) and waits until its session has started (at most `timeoutMs`). */
export async function startPythonXmpp(host: string, port: number, jid: string, password: string, timeoutMs: number): Promise<PythonXmppPeer> {
  const child = startPythonProcess<PeerEvent>(SCRIPT, [host, String(port), jid, password], `slixmpp peer ${jid}`);
  const isStanza = (e: PeerEvent): boolean => e.event === 'stanza';
  let bound = jid;
  const peer: PythonXmppPeer = {
    get jid() { return bound; },
    events: child.events,
    stanzas: (from = 0) => child.events.slice(from).filter(isStanza) as unknown as PeerStanza[],
    command: (command) => child.command(command),
    async run(command, ms) {
      const ref = `r${++refs}`;
      child.command({ ...command, ref });
      const done = await child.waitFor((e) => e.event === 'done' && e.ref === ref, ms, `${String(command.cmd)} ${ref} done`);
      if (done.ok !== true) throw new Error(`slixmpp ${String(command.cmd)} failed: ${JSON.stringify(done.error)}`);
      return done;
    },
    async waitForStanza(match, ms, what, from) {
      return await child.waitFor((e) => isStanza(e) && match(e as unknown as PeerStanza), ms, what, from) as unknown as PeerStanza;
    },
    close: () => child.close({ cmd: 'quit' }),
  };
  try {
    const online = await child.waitFor((e) => e.event === 'online' || e.event === 'failed_auth', timeoutMs, `${jid} online`);
    if (online.event !== 'online') throw new Error(`slixmpp peer ${jid}: authentication failed`);
    bound = online.jid ?? jid;
  } catch (error) {
    await peer.close();
    throw error;
  }
  return peer;
}

/**
 * The connection a registration check opened, kept for the session that follows it (so that a
 * registration connects to IRC once, not twice): per JID, handed to the first login of that
 * person with the same nick, method, password and real name, and quit when nobody takes it within
 * {@link HANDOFF_MS}, or when the gateway closes. At most one per person.
 */
import type { Client } from 'irc-framework';
import type { IrcLogin } from './connect.js';

/** How long a checked connection waits for its session. */
export const HANDOFF_MS = 30_000;

interface Kept {
  readonly client: Client;
  readonly login: IrcLogin;
  readonly timer: NodeJS.Timeout;
}

export class CheckedConnections {
  readonly #kept = new Map<string, Kept>();

  constructor(private readonly waitMs = HANDOFF_MS) {}

  /** Keeps `client` (registered as `login`) for `jid`'s next login; quits one kept before. */
  keep(jid: string, login: IrcLogin, client: Client): void {
    this.#drop(jid, 'registration checked again');
    const timer = setTimeout(() => this.#drop(jid, 'registration checked'), this.waitMs);
    timer.unref();
    this.#kept.set(jid, { client, login, timer });
  }

  /** The connection kept for `jid` if it is still up and was opened with the same `login`. */
  take(jid: string, login: IrcLogin): Client | undefined {
    const kept = this.#kept.get(jid);
    if (kept === undefined) return undefined;
    this.#kept.delete(jid);
    clearTimeout(kept.timer);
    if (kept.client.connected && sameLogin(kept.login, login)) return kept.client;
    quit(kept.client, 'registration checked');
    return undefined;
  }

  /** Quits every kept connection. */
  close(): void {
    for (const jid of [...this.#kept.keys()]) this.#drop(jid, 'gateway stopping');
  }

  /** How many are kept (for tests). */
  get size(): number {
    return this.#kept.size;
  }

  #drop(jid: string, reason: string): void {
    const kept = this.#kept.get(jid);
    if (kept === undefined) return;
    this.#kept.delete(jid);
    clearTimeout(kept.timer);
    quit(kept.client, reason);
  }
}

function sameLogin(a: IrcLogin, b: IrcLogin): boolean {
  return a.nick === b.nick && a.auth === b.auth && a.password === b.password && a.realname === b.realname;
}

/** QUIT, then the socket closed a second later whatever the server does. */
function quit(client: Client, reason: string): void {
  client.quit(reason);
  setTimeout(() => client.connection.end(undefined, true), 1000).unref();
}

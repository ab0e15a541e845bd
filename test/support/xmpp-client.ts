/**
 * An independent XMPP client for tests, built on `@xmpp/client` (deliberately not our XMPP adapter):
 * logs in with SASL PLAIN on the plaintext loopback stream, keeps every stanza received and lets a
 * test wait for one, joins MUC rooms.
 */
import { countFromEnabled, type XmppClient } from '../../src/networks/xmpp/client.js';
import { withTimeout } from './wait.js';

/** The parts of an ltx element (what `@xmpp/client` hands out) that tests use. */
export interface XmlElement {
  name: string;
  attrs: Record<string, string | undefined>;
  children: Array<XmlElement | string>;
  is(name: string, xmlns?: string): boolean;
  getChild(name: string, xmlns?: string): XmlElement | undefined;
  getChildren(name: string, xmlns?: string): XmlElement[];
  getChildText(name: string, xmlns?: string): string | null;
  text(): string;
  toString(): string;
}

/** Attribute values for {@link xml}; nullish ones are left out. */
export type XmlAttrs = Record<string, string | number | null | undefined>;
/** Children for {@link xml}. */
export type XmlChild = XmlElement | string | null | undefined;

/** The `@xmpp/client` entity (an EventEmitter), typed as far as tests need it. */
export interface XmppEntity {
  readonly jid: { toString(): string } | null;
  readonly status: string;
  on(event: 'stanza', listener: (stanza: XmlElement) => void): this;
  on(event: 'error' | 'offline' | 'online' | string, listener: (...args: unknown[]) => void): this;
  start(): Promise<unknown>;
  stop(): Promise<unknown>;
  send(stanza: XmlElement): Promise<void>;
  iqCaller: { request(stanza: XmlElement, timeoutMs?: number): Promise<XmlElement> };
}

interface XmppClientModule {
  client(options: Record<string, unknown>): XmppEntity;
  xml(name: string, attrs?: XmlAttrs | null, ...children: XmlChild[]): XmlElement;
}

/** Loaded lazily through a non-literal specifier: the package ships no types, these are ours. */
const XMPP_CLIENT_PACKAGE: string = '@xmpp/client';
const xmppModule: XmppClientModule = (await import(XMPP_CLIENT_PACKAGE)) as XmppClientModule;

/** Builds an XML element (ltx), e.g. `xml('message', { to, type: 'chat' }, xml('body', {}, 'hi'))`. */
export function xml(name: string, attrs?: XmlAttrs | null, ...children: XmlChild[]): XmlElement {
  return xmppModule.xml(name, attrs, ...children);
}

/** XEP-0045 namespaces. */
export const NS_MUC = 'http://jabber.org/protocol/muc';
export const NS_MUC_USER = 'http://jabber.org/protocol/muc#user';

/** Where and as whom to log in. */
export interface XmppClientOptions {
  /** e.g. `xmpp://127.0.0.1:5222` */
  readonly service: string;
  readonly domain: string;
  readonly username: string;
  readonly password: string;
  readonly resource?: string;
  /** Login timeout (default 10 s). */
  readonly timeoutMs?: number;
}

/** A logged-in test client. */
export interface TestXmppClient {
  readonly xmpp: XmppEntity;
  /** The full JID after login. */
  readonly jid: string;
  /** Every stanza received so far, oldest first. */
  readonly stanzas: readonly XmlElement[];
  send(stanza: XmlElement): Promise<void>;
  /**
   * Resolves with the first received stanza matching `predicate` that no earlier wait returned,
   * including stanzas that arrived before the call. Rejects on timeout.
   */
  waitForStanza(predicate: (stanza: XmlElement) => boolean, timeoutMs: number): Promise<XmlElement>;
  /**
   * Joins a MUC room as `nick` (no history) and resolves with the self-presence (status 110).
   * @throws if the room answers with an error presence or on timeout (default 5 s).
   */
  joinRoom(roomJid: string, nick: string, timeoutMs?: number): Promise<XmlElement>;
  /** Sends a groupchat message to a room. */
  sayInRoom(roomJid: string, text: string): Promise<void>;
  /** Logs out and closes the stream. Idempotent. */
  close(): Promise<void>;
}

interface StanzaWaiter {
  readonly predicate: (stanza: XmlElement) => boolean;
  readonly resolve: (stanza: XmlElement) => void;
}

class XmppTestConnection implements TestXmppClient {
  readonly stanzas: XmlElement[] = [];
  #consumed = new Set<number>();
  #waiters = new Set<StanzaWaiter>();
  #closing: Promise<void> | undefined;

  constructor(readonly xmpp: XmppEntity) {
    xmpp.on('stanza', (stanza) => this.#onStanza(stanza));
  }

  get jid(): string {
    return this.xmpp.jid?.toString() ?? '';
  }

  send(stanza: XmlElement): Promise<void> {
    return this.xmpp.send(stanza);
  }

  waitForStanza(predicate: (stanza: XmlElement) => boolean, timeoutMs: number): Promise<XmlElement> {
    const index = this.stanzas.findIndex((s, i) => !this.#consumed.has(i) && predicate(s));
    if (index >= 0) return Promise.resolve(this.#consume(index));
    let waiter: StanzaWaiter | undefined;
    const arrived = new Promise<XmlElement>((resolve) => {
      waiter = { predicate, resolve };
      this.#waiters.add(waiter);
    });
    return withTimeout(arrived, timeoutMs, `a matching stanza at ${this.jid}`).catch((error: unknown) => {
      if (waiter) this.#waiters.delete(waiter);
      const recent = this.stanzas.slice(-8).map(String).join('\n  ');
      throw new Error(`${(error as Error).message}; last stanzas received:\n  ${recent}`, { cause: error });
    });
  }

  async joinRoom(roomJid: string, nick: string, timeoutMs = 5000): Promise<XmlElement> {
    const occupant = `${roomJid}/${nick}`;
    const answer = this.waitForStanza(
      (s) => s.is('presence') && s.attrs.from === occupant && (s.attrs.type === 'error' || isSelfPresence(s)),
      timeoutMs,
    );
    await this.send(xml('presence', { to: occupant }, xml('x', { xmlns: NS_MUC }, xml('history', { maxstanzas: 0 }))));
    const presence = await answer;
    if (presence.attrs.type === 'error') throw new Error(`joining ${occupant} failed: ${presence.toString()}`);
    return presence;
  }

  sayInRoom(roomJid: string, text: string): Promise<void> {
    return this.send(xml('message', { to: roomJid, type: 'groupchat' }, xml('body', {}, text)));
  }

  close(): Promise<void> {
    this.#closing ??= withTimeout(this.xmpp.stop(), 5000, `${this.jid} to log out`).then(
      () => undefined,
      () => undefined,
    );
    return this.#closing;
  }

  #onStanza(stanza: XmlElement): void {
    const index = this.stanzas.push(stanza) - 1;
    for (const waiter of this.#waiters) {
      if (waiter.predicate(stanza)) {
        this.#waiters.delete(waiter);
        waiter.resolve(this.#consume(index));
        return;
      }
    }
  }

  #consume(index: number): XmlElement {
    this.#consumed.add(index);
    const stanza = this.stanzas[index];
    if (!stanza) throw new Error(`no stanza at ${index}`);
    return stanza;
  }
}

/** Whether a MUC presence carries status code 110 (this is you). */
function isSelfPresence(presence: XmlElement): boolean {
  const x = presence.getChild('x', NS_MUC_USER);
  return x?.getChildren('status').some((status) => status.attrs.code === '110') ?? false;
}

/**
 * Logs in (SASL PLAIN forced: SCRAM costs ~1.5 s of pure-JS PBKDF2 per login), sends initial
 * presence and resolves with the connected client. Reconnecting is off.
 */
export async function connectXmppClient(options: XmppClientOptions): Promise<TestXmppClient> {
  const xmpp = xmppModule.client({
    service: options.service,
    domain: options.domain,
    resource: options.resource ?? `test-${Math.random().toString(36).slice(2, 8)}`,
    credentials: (
      authenticate: (credentials: { username: string; password: string }, mechanism: string) => Promise<void>,
      mechanisms: string[],
    ) =>
      authenticate(
        { username: options.username, password: options.password },
        mechanisms.includes('PLAIN') ? 'PLAIN' : (mechanisms[0] ?? 'PLAIN'),
      ),
  });
  // Without a listener an 'error' event would crash the test process; failures surface through start().
  xmpp.on('error', () => undefined);
  const reconnect = (xmpp as unknown as { reconnect?: { stop(): void } }).reconnect;
  reconnect?.stop();
  // The same xmpp.js stream-management counter race the adapter guards against (see client.ts):
  // on a server with mod_smacks it would get this client disconnected.
  countFromEnabled(xmpp as unknown as XmppClient['entity'], (xmpp as unknown as { streamManagement: XmppClient['sm'] }).streamManagement);
  const connection = new XmppTestConnection(xmpp);
  try {
    await withTimeout(xmpp.start(), options.timeoutMs ?? 10_000, `${options.username}@${options.domain} to log in`);
  } catch (error) {
    await withTimeout(xmpp.stop(), 2000, 'stopping a failed login').catch(() => undefined);
    throw new Error(`XMPP login of ${options.username}@${options.domain} at ${options.service} failed: ${(error as Error).message}`, {
      cause: error,
    });
  }
  await xmpp.send(xml('presence'));
  return connection;
}

/**
 * One registered person's session (slidge's BaseSession around the legacy module's handlers):
 * login through the pacer, the state the gateway contact shows ("Logging in…", "Connected as
 * alice", the error), login again with a backoff of its own after a failure or a lost
 * connection (not after a refusal that another try cannot fix), re-login on request, and
 * logout that also stops a login under way.
 */
import type { AccountHooks } from '../core/account-hooks.js';
import type { Logger } from '../core/log.js';
import { ReconnectPolicy, type ReconnectConfig } from '../core/reconnect.js';
import { LegacyRefusal, type GatewayUser, type LegacySession, type SessionEvents } from './api.js';
import { Roster } from './contacts.js';
import type { LoginPacer } from './login-pacer.js';
import { MessageIds } from './message-ids.js';
import type { SessionStatus } from './xmpp/presence.js';

/** What a session needs from its gateway. */
export interface SessionHost {
  readonly log: Logger;
  readonly pacer: LoginPacer;
  readonly retry: ReconnectConfig;
  readonly domain: string;
  /** The gateway network's name (for onUserLogin). */
  readonly network: string;
  /** What the modules say about each login (checkLoginForSpam, isUserExpired, onUserLogin, onLoggedOut). */
  readonly hooks: AccountHooks;
  readonly maxContacts: number;
  /** How long one login may take. */
  readonly loginTimeoutMs: number;
  /** The state changed: show it on the gateway contact (and say an error in a message). */
  status(jid: string, status: SessionStatus, changed: boolean): void;
}

/** Conditions after which logging in again cannot help until the person acts. */
const FINAL = new Set(['not-authorized', 'forbidden', 'item-not-found', 'feature-not-implemented', 'bad-request']);

export class UserSession {
  readonly roster: Roster;
  readonly legacy: LegacySession;
  /** The person's messages' ids, XMPP ↔ legacy. */
  readonly ids: MessageIds;
  /** The last avatar hash handed to the legacy network (XEP-0153), to hand each change once. */
  avatarHash: string | undefined;
  #status: SessionStatus = { state: 'logged-out' };
  #closed = false;
  /** Logged in now: onUserLogin was called and its onLoggedOut is due when this login ends. */
  #loggedIn = false;
  #login: AbortController | undefined;
  #withdraw: (() => void) | undefined;
  #retry: NodeJS.Timeout | undefined;
  readonly #policy: ReconnectPolicy;

  constructor(
    readonly user: GatewayUser,
    private readonly host: SessionHost,
    create: (events: SessionEvents) => LegacySession,
    events: (session: UserSession) => SessionEvents,
  ) {
    this.roster = new Roster(host.domain, host.maxContacts);
    this.#policy = new ReconnectPolicy(host.retry);
    this.legacy = create(events(this));
    this.ids = new MessageIds(this.legacy);
  }

  get jid(): string {
    return this.user.jid;
  }

  get status(): SessionStatus {
    return this.#status;
  }

  get ready(): boolean {
    return this.#status.state === 'connected';
  }

  /** Queues a login (with the pacer's spread). */
  start(): void {
    if (this.#closed || this.#withdraw !== undefined || this.#login !== undefined) return;
    this.#setStatus({ state: 'logging-in' });
    let started = false;
    const withdraw = this.host.pacer.enqueue(() => {
      started = true;
      this.#withdraw = undefined;
      void this.#run();
    });
    // The pacer may start the login at once (before enqueue returns).
    if (!started) this.#withdraw = withdraw;
  }

  /** Logs out and in again now (the re-login command). */
  async relogin(): Promise<void> {
    this.#cancelPending();
    await this.legacy.logout('re-login');
    await this.#loginEnded();
    this.#policy.reset();
    this.start();
  }

  /** While connected, the status text changes (the person's name on the network changed). */
  renamed(text: string): void {
    if (this.#closed || this.#status.state !== 'connected') return;
    this.#setStatus({ state: 'connected', text });
  }

  /** The legacy connection ended (SessionEvents.lost). */
  lost(reason: string, fatal: boolean): void {
    if (this.#closed) return;
    this.host.log.info({ user: this.jid, reason }, 'gateway: legacy connection lost');
    this.#policy.disconnected(Date.now());
    this.#failed(`Disconnected: ${reason}`, fatal);
    void this.#loginEnded();
  }

  /** Logs out for good (shutdown, unregister); stops a login under way. Never rejects. */
  async close(reason: string): Promise<void> {
    this.#closed = true;
    this.#cancelPending();
    await this.legacy.logout(reason).catch(() => undefined);
    this.#setStatus({ state: 'logged-out' });
    await this.#loginEnded();
  }

  /** The current login ended (drop, re-login, logout): its onLoggedOut, once. */
  async #loginEnded(): Promise<void> {
    if (!this.#loggedIn) return;
    this.#loggedIn = false;
    try {
      await this.host.hooks.loggedOut(this.jid);
    } catch (error) {
      this.host.log.warn({ user: this.jid, err: error }, 'gateway: onLoggedOut failed');
    }
  }

  async #run(): Promise<void> {
    const controller = new AbortController();
    this.#login = controller;
    const timer = setTimeout(() => controller.abort(new LegacyRefusal('the login took too long', 'remote-server-timeout')), this.host.loginTimeoutMs);
    try {
      const verdict = await this.host.hooks.checkLogin(this.jid);
      if (!verdict.allowed) throw new LegacyRefusal(verdict.reason, 'forbidden');
      if (this.#closed || controller.signal.aborted) return;
      const text = await this.legacy.login(controller.signal);
      if (this.#closed || controller.signal.aborted) {
        await this.legacy.logout('logged out while logging in');
        return;
      }
      this.#policy.connected(Date.now());
      this.#setStatus({ state: 'connected', text });
      this.#loggedIn = true;
      this.host.log.info({ user: this.jid }, 'gateway: logged in');
      await this.host.hooks.loggedIn(this.jid, this.host.network);
    } catch (error) {
      if (this.#closed) return;
      const refusal = error instanceof LegacyRefusal ? error : undefined;
      if (refusal === undefined) this.host.log.warn({ user: this.jid, err: error }, 'gateway: login failed');
      else this.host.log.info({ user: this.jid, reason: refusal.message }, 'gateway: login refused');
      this.#failed(`Login failed: ${refusal?.message ?? 'an internal error (see the log)'}`, refusal !== undefined && FINAL.has(refusal.condition));
    } finally {
      clearTimeout(timer);
      if (this.#login === controller) this.#login = undefined;
    }
  }

  #failed(text: string, final: boolean): void {
    this.#setStatus({ state: 'error', text: final ? `${text} (use the re-login command after fixing it)` : text });
    if (final || this.#closed) return;
    this.#retry = setTimeout(() => {
      this.#retry = undefined;
      this.start();
    }, this.#policy.nextDelay());
  }

  #cancelPending(): void {
    this.#withdraw?.();
    this.#withdraw = undefined;
    this.#login?.abort(new LegacyRefusal('logged out', 'service-unavailable'));
    this.#login = undefined;
    if (this.#retry !== undefined) clearTimeout(this.#retry);
    this.#retry = undefined;
  }

  #setStatus(status: SessionStatus): void {
    const changed = JSON.stringify(status) !== JSON.stringify(this.#status);
    this.#status = status;
    this.host.status(this.jid, status, changed);
  }
}

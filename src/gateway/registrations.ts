/**
 * Registering and unregistering (the same operations behind XEP-0077 and the ad-hoc commands):
 * the legacy network validates the form by logging in, the account is stored with its
 * credentials sealed, a session starts and a welcome message is sent; unregistering stops the
 * session (also one still logging in) and removes the account with its credentials. One
 * registration per person at a time.
 */
import type { AccountHooks } from '../core/account-hooks.js';
import type { Logger } from '../core/log.js';
import { LegacyRefusal, type LegacyNetwork } from './api.js';
import type { Accounts } from './accounts.js';

/** What registering needs from the gateway. */
export interface RegistrationHost {
  readonly log: Logger;
  readonly legacy: LegacyNetwork;
  readonly accounts: Accounts;
  /** What the modules say (checkRegistrationForSpam, onUserRegistration, checkCanDeactivateUser, ...). */
  readonly hooks: AccountHooks;
  /** How long the legacy network may take to validate a registration. */
  readonly validateTimeoutMs: number;
  /** Most registrations checked at once (each opens a legacy connection). */
  readonly maxConcurrent: number;
  /** The domains whose people may register (empty: anyone's). */
  readonly allowedDomains: readonly string[];
  /**
   * A registration of `jid` is about to be checked: their current session (if any) logs out
   * first, so that the check can log in with the same nick. Resolves with what puts it back
   * when the check fails.
   */
  suspend(jid: string): Promise<() => Promise<void>>;
  /** Starts (or restarts) `jid`'s session and greets them when `welcome`. */
  registered(jid: string, welcome: boolean): Promise<void>;
  /** Stops `jid`'s session (logout) and tells their client the gateway is gone. */
  unregistered(jid: string): Promise<void>;
}

export class Registrations {
  readonly #pending = new Set<string>();

  constructor(private readonly host: RegistrationHost) {}

  /**
   * Registers `jid` with `values`, or changes their registration. Rejects with a
   * {@link LegacyRefusal} saying why when the legacy network refuses.
   */
  async register(jid: string, values: Readonly<Record<string, string>>): Promise<void> {
    if (this.#pending.has(jid)) throw new LegacyRefusal('a registration for this account is already under way', 'conflict');
    const domain = jid.slice(jid.lastIndexOf('@') + 1);
    if (this.host.allowedDomains.length > 0 && !this.host.allowedDomains.includes(domain)) {
      throw new LegacyRefusal(`this gateway is for people of ${this.host.allowedDomains.join(', ')} only`, 'forbidden');
    }
    if (this.#pending.size >= this.host.maxConcurrent) throw new LegacyRefusal('too many registrations under way; try again in a minute', 'remote-server-timeout');
    this.#pending.add(jid);
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(new LegacyRefusal('the network did not answer in time', 'remote-server-timeout')), this.host.validateTimeoutMs);
    try {
      const isNew = !(await this.host.accounts.has(jid));
      if (isNew) {
        const verdict = await this.host.hooks.checkRegistration(jid, undefined);
        if (!verdict.allowed) throw new LegacyRefusal(verdict.reason, 'forbidden');
      }
      const names = isNew ? await this.#names(jid, values) : { values };
      const resume = await this.host.suspend(jid);
      let registration;
      try {
        registration = await this.host.legacy.validate(jid, names.values, controller.signal, names.displayName === undefined ? {} : { displayName: names.displayName });
      } catch (error) {
        await resume();
        if (error instanceof LegacyRefusal) throw error;
        this.host.log.warn({ user: jid, err: error }, 'gateway: registration failed with an internal error');
        throw new LegacyRefusal('the registration failed with an internal error', 'internal-server-error');
      }
      await this.host.accounts.register(jid, registration);
      this.host.log.info({ user: jid, isNew }, 'gateway: registered');
      if (isNew) await this.host.hooks.registered(jid);
      await this.host.registered(jid, isNew);
    } finally {
      clearTimeout(timer);
      this.#pending.delete(jid);
    }
  }

  /**
   * The modules' username and display name for a new registration (params: the non-secret
   * values and the JID); the username replaces the settings' `usernameField`.
   */
  async #names(jid: string, values: Readonly<Record<string, string>>): Promise<{ readonly values: Readonly<Record<string, string>>; readonly displayName?: string }> {
    const { settings } = this.host.legacy;
    const secret = new Set(settings.registrationFields.filter((f) => f.type === 'text-private').map((f) => f.var));
    const params = { ...Object.fromEntries(Object.entries(values).filter(([name]) => !secret.has(name))), jid };
    const names = await this.host.hooks.registrationNames(jid, params);
    const field = settings.usernameField;
    return {
      values: names.username === undefined || field === undefined ? values : { ...values, [field]: names.username },
      ...(names.displayName === undefined ? {} : { displayName: names.displayName }),
    };
  }

  /** Unregisters `jid`: their session ends and their account and credentials are removed. */
  async unregister(jid: string): Promise<boolean> {
    if (!(await this.host.accounts.has(jid))) return false;
    const verdict = await this.host.hooks.checkDeactivate(jid, false);
    if (!verdict.allowed) throw new LegacyRefusal(verdict.reason, 'forbidden');
    await this.host.unregistered(jid);
    const removed = await this.host.accounts.remove(jid);
    if (removed) {
      this.host.log.info({ user: jid }, 'gateway: unregistered; credentials removed');
      await this.host.hooks.deactivated(jid, false);
    }
    return removed;
  }
}

/**
 * The gateway's own password (an operator who wants registration limited to people who know
 * it): when the `accessPassword` option is set, or a module checks the gateway's login type with
 * its authCheckers, the registration form gets a "Gateway password" field. A submitted password
 * is first put to the modules' authCheckers (login type {@link ACCESS_LOGIN_TYPE}, field
 * `password`, user: the bare JID); when none takes it, it is compared with `accessPassword`
 * (constant time; no `accessPassword`: refused). It is never logged nor stored, and taken out of
 * the values before the legacy network sees them. Wrong passwords are bounded per person.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { AccountHooks } from '../core/account-hooks.js';
import type { Logger } from '../core/log.js';
import { LegacyRefusal, type FormField, type GatewaySettings } from './api.js';

/** The login type the gateway declares for its password (a module's authCheckers entry: fields [password]). */
export const ACCESS_LOGIN_TYPE = 'switchboard.gateway.password';

/** The registration field of the gateway's password. */
export const ACCESS_FIELD: FormField = {
  var: 'access-password', label: 'Gateway password', type: 'text-private', required: true,
  description: 'This gateway\'s own password (ask its operator); not your password on the network',
};

/** Wrong passwords allowed per person per window, and the window. */
export const MAX_ACCESS_FAILURES = 5;
export const ACCESS_FAILURE_WINDOW_MS = 10 * 60_000;
/** Most people whose failures are remembered (the oldest are forgotten first). */
const MAX_TRACKED = 10_000;

export class AccessGate {
  /** Whether registering asks for the password (fixed when the gateway is made, after the modules' setup). */
  readonly active: boolean;
  readonly #failures = new Map<string, { count: number; readonly since: number }>();

  constructor(
    private readonly hooks: AccountHooks,
    private readonly secret: string | undefined,
    private readonly log: Logger,
    private readonly now: () => number = Date.now,
  ) {
    this.active = secret !== undefined || hooks.checksLogin(ACCESS_LOGIN_TYPE);
  }

  /** `settings` with the password's field added to the registration form when active. */
  settings(settings: GatewaySettings): GatewaySettings {
    return this.active ? { ...settings, registrationFields: [...settings.registrationFields, ACCESS_FIELD] } : settings;
  }

  /**
   * Checks the password in `values` for `jid`; resolves with the values without it, rejects with
   * a {@link LegacyRefusal} (`not-authorized`: wrong; `forbidden`: too many wrong ones lately).
   */
  async check(jid: string, values: Readonly<Record<string, string>>): Promise<Readonly<Record<string, string>>> {
    const { [ACCESS_FIELD.var]: password = '', ...rest } = values;
    if (!this.active) return rest;
    const failures = this.#recent(jid);
    if (failures !== undefined && failures.count >= MAX_ACCESS_FAILURES) throw new LegacyRefusal('too many wrong gateway passwords; try again later', 'forbidden');
    const verdict = password === '' ? 'refused' : await this.hooks.checkPassword(jid, ACCESS_LOGIN_TYPE, { password });
    const accepted = verdict === 'accepted' || (verdict === 'unhandled' && this.secret !== undefined && sameSecret(password, this.secret));
    if (accepted) {
      this.#failures.delete(jid);
      return rest;
    }
    this.#fail(jid, failures);
    this.log.info({ user: jid, by: verdict === 'refused' ? 'a module' : 'the configured password' }, 'gateway: registration refused: wrong gateway password');
    throw new LegacyRefusal('wrong gateway password', 'not-authorized');
  }

  #recent(jid: string): { count: number; readonly since: number } | undefined {
    const entry = this.#failures.get(jid);
    if (entry !== undefined && this.now() - entry.since >= ACCESS_FAILURE_WINDOW_MS) {
      this.#failures.delete(jid);
      return undefined;
    }
    return entry;
  }

  #fail(jid: string, entry: { count: number; readonly since: number } | undefined): void {
    if (entry !== undefined) {
      entry.count += 1;
      return;
    }
    if (this.#failures.size >= MAX_TRACKED) {
      const oldest = this.#failures.keys().next().value;
      if (oldest !== undefined) this.#failures.delete(oldest);
    }
    this.#failures.set(jid, { count: 1, since: this.now() });
  }
}

/** Whether `a` and `b` are the same, in a time that does not depend on where they differ (or their lengths). */
export function sameSecret(a: string, b: string): boolean {
  const digest = (text: string): Buffer => createHash('sha256').update(text, 'utf8').digest();
  return timingSafeEqual(digest(a), digest(b));
}

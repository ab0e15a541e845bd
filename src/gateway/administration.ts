/**
 * The gateway's admin operations (the admin commands, commands.ts): list the registered people
 * with their state, disable one (the modules may refuse; logged out; no login or registration
 * until enabled) and enable them again. The disabled mark is kept by {@link DisabledUsers}.
 */
import type { AccountHooks } from '../core/account-hooks.js';
import type { Logger } from '../core/log.js';
import type { Accounts } from './accounts.js';
import { LegacyRefusal } from './api.js';
import type { UserListing } from './commands.js';
import type { DisabledUsers } from './disabled-users.js';

/** Most users list-users shows. */
const MAX_LISTED_USERS = 1000;
/** The gateway contact's status of a disabled person. */
export const DISABLED_STATUS = 'Disabled by an administrator';

/** What the operations need from the gateway. */
export interface AdministrationHost {
  readonly accounts: Accounts;
  readonly disabled: DisabledUsers;
  readonly hooks: AccountHooks;
  readonly log: Logger;
  /** `jid`'s session state in words. */
  state(jid: string): string;
  /** Ends `jid`'s session (onLoggedOut) and shows them as disabled. */
  logOut(jid: string): Promise<void>;
  /** Starts `jid`'s session when there is none. */
  logIn(jid: string): Promise<void>;
}

export class Administration {
  constructor(private readonly host: AdministrationHost) {}

  /** Every registered person (at most MAX_LISTED_USERS): JID, login, state. */
  async listUsers(): Promise<UserListing[]> {
    const accounts = (await this.host.accounts.list()).slice(0, MAX_LISTED_USERS);
    return Promise.all(accounts.map(async ({ jid, data }) => {
      const login = Object.values(data).find((v): v is string => typeof v === 'string') ?? '';
      const state = (await this.host.disabled.isDisabled(jid)) ? 'Disabled' : this.host.state(jid);
      return { jid, login, state };
    }));
  }

  /** The admin `by` disables `jid`: checkCanDeactivateUser may refuse; then logged out, and onUserDeactivationStatusChanged. */
  async disable(jid: string, by: string): Promise<void> {
    const { accounts, disabled, hooks, log } = this.host;
    if (!(await accounts.has(jid))) throw new LegacyRefusal(`${jid} is not registered`, 'item-not-found');
    if (await disabled.isDisabled(jid)) throw new LegacyRefusal(`${jid} is already disabled`, 'conflict');
    const verdict = await hooks.checkDeactivate(jid, true);
    if (!verdict.allowed) throw new LegacyRefusal(verdict.reason, 'forbidden');
    await disabled.disable(jid, by);
    log.info({ user: jid, by }, 'gateway: user disabled by an administrator');
    await this.host.logOut(jid);
    await hooks.deactivated(jid, true);
  }

  /** The admin `by` enables `jid` again: logged in again when registered. */
  async enable(jid: string, by: string): Promise<void> {
    if (!(await this.host.disabled.enable(jid))) throw new LegacyRefusal(`${jid} is not disabled`, 'item-not-found');
    this.host.log.info({ user: jid, by }, 'gateway: user enabled by an administrator');
    await this.host.hooks.reactivated(jid);
    if (await this.host.accounts.has(jid)) await this.host.logIn(jid);
  }
}

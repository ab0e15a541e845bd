/**
 * What a network with people of its own (a gateway) asks the modules at each step of an
 * account's life: registration, every login, logout, unregistering. The hub implements it
 * with the module callbacks (checkRegistrationForSpam, onUserRegistration, checkLoginForSpam,
 * isUserExpired, onUserLogin, onLoggedOut, checkCanDeactivateUser,
 * onUserDeactivationStatusChanged, checkUsernameForSpam, onAccountDataUpdated, getUsernameForRegistration,
 * getDisplaynameForRegistration; docs/modules.md); a network without it allows everything.
 * User ids are the account's id on the network (a gateway: the person's bare JID).
 */

/** A module's verdict: allowed, or refused with the reason to show. */
export type AccountVerdict = { readonly allowed: true } | { readonly allowed: false; readonly reason: string };

export interface AccountHooks {
  /** Before a registration is checked with the legacy network. */
  checkRegistration(userId: string, username: string | undefined): Promise<AccountVerdict>;
  /**
   * For a new registration: the username and display name the modules choose
   * (getUsernameForRegistration, getDisplaynameForRegistration) from `params` (the submitted,
   * non-secret form values and `jid`); undefined where none chose.
   */
  registrationNames(userId: string, params: Readonly<Record<string, string>>): Promise<{ readonly username?: string; readonly displayName?: string }>;
  /** After a new account was stored. */
  registered(userId: string): Promise<void>;
  /** Before each login to the legacy network (spam check and expiry). */
  checkLogin(userId: string): Promise<AccountVerdict>;
  /** After each successful login. */
  loggedIn(userId: string, network: string): Promise<void>;
  /** After a logged-in session ended (logout, unregister, shutdown). */
  loggedOut(userId: string): Promise<void>;
  /** Before an account is removed; `byAdmin` when an administrator removes it. */
  checkDeactivate(userId: string, byAdmin: boolean): Promise<AccountVerdict>;
  /** After an account was removed, or disabled by an administrator. */
  deactivated(userId: string, byAdmin: boolean): Promise<void>;
  /** After an administrator enabled a disabled account again. */
  reactivated(userId: string): Promise<void>;
  /** After a person changed their preferences (the stored values, all of them). */
  preferencesUpdated(userId: string, preferences: Readonly<Record<string, string>>): Promise<void>;
  /** Whether a user found by a search (`userId`: their id, e.g. a contact JID) may be shown. */
  mayShowInSearch(userId: string, displayName: string | undefined): Promise<boolean>;
}

/** Hooks that allow everything and observe nothing (hand-made contexts, tests). */
export const ALLOW_ALL_ACCOUNT_HOOKS: AccountHooks = {
  checkRegistration: () => Promise.resolve({ allowed: true }),
  registrationNames: () => Promise.resolve({}),
  registered: () => Promise.resolve(),
  checkLogin: () => Promise.resolve({ allowed: true }),
  loggedIn: () => Promise.resolve(),
  loggedOut: () => Promise.resolve(),
  checkDeactivate: () => Promise.resolve({ allowed: true }),
  deactivated: () => Promise.resolve(),
  reactivated: () => Promise.resolve(),
  preferencesUpdated: () => Promise.resolve(),
  mayShowInSearch: () => Promise.resolve(true),
};

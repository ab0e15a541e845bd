/**
 * What a network with people of its own (a gateway) asks the modules at each step of an
 * account's life: registration, every login, logout, unregistering. The hub implements it
 * with the module callbacks (checkRegistrationForSpam, onUserRegistration, checkLoginForSpam,
 * isUserExpired, onUserLogin, onLoggedOut, checkCanDeactivateUser,
 * onUserDeactivationStatusChanged, checkUsernameForSpam, onAccountDataUpdated, getUsernameForRegistration,
 * getDisplaynameForRegistration, onProfileUpdate, authCheckers; docs/modules.md); a network without it allows everything.
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
  /** After the person's own profile on the network changed (a nick the server or they changed, a name, an avatar). */
  profileUpdated(userId: string, profile: { readonly displayName?: string; readonly avatarUrl?: string }): Promise<void>;
  /** Whether some module checks passwords of `loginType` (authCheckers). */
  checksLogin(loginType: string): boolean;
  /**
   * The modules' verdict on `fields` (a password, ...) of `loginType` for `userId`: `accepted` (a
   * checker returned a user), `refused` (a checker failed: fail closed), or `unhandled` (no
   * checker of that type, or every one returned null: the caller falls back to its own check).
   */
  checkPassword(userId: string, loginType: string, fields: Readonly<Record<string, string>>): Promise<'accepted' | 'refused' | 'unhandled'>;
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
  profileUpdated: () => Promise.resolve(),
  checksLogin: () => false,
  checkPassword: () => Promise.resolve('unhandled'),
};

/**
 * The module callbacks as the {@link AccountHooks} a network with people of its own (the
 * gateway) calls: each hook runs its callbacks with their combination rule and failure policy
 * (rules.ts). A registration refused by checkRegistrationForSpam (DENY) or a login refused by
 * checkLoginForSpam or isUserExpired comes back with the reason; SHADOW_BAN registers (the
 * gateway has nothing to drop silently yet).
 */
import type { AccountHooks, AccountVerdict } from '../../core/account-hooks.js';
import type { ModuleCallbacks } from './index.js';
import { RegistrationBehaviour } from './values.js';

const ALLOWED: AccountVerdict = { allowed: true };
/** The account data type of a gateway person's preferences (onAccountDataUpdated). */
export const GATEWAY_PREFERENCES_TYPE = 'switchboard.gateway.preferences';

/** The hooks over `callbacks` (read at each call, so modules set up later count). */
export function moduleAccountHooks(callbacks: ModuleCallbacks): AccountHooks {
  return {
    async checkRegistration(userId, username) {
      const behaviour = await callbacks.spamChecker.checkRegistrationForSpam(undefined, username ?? userId, []);
      return behaviour === RegistrationBehaviour.DENY ? { allowed: false, reason: 'this registration is not allowed here' } : ALLOWED;
    },
    async registrationNames(_userId, params) {
      const username = await callbacks.passwordAuth.getUsernameForRegistration({}, params);
      const displayName = await callbacks.passwordAuth.getDisplaynameForRegistration({}, params);
      return { ...(username === undefined ? {} : { username }), ...(displayName === undefined ? {} : { displayName }) };
    },
    registered: (userId) => callbacks.accountValidity.onUserRegistration(userId),
    async checkLogin(userId) {
      const spam = await callbacks.spamChecker.checkLoginForSpam(userId, undefined, undefined, []);
      if (!spam.allowed) return { allowed: false, reason: spam.message ?? `login refused (${spam.code})` };
      if ((await callbacks.accountValidity.isUserExpired(userId)) === true) return { allowed: false, reason: 'your account has expired' };
      return ALLOWED;
    },
    loggedIn: (userId, network) => callbacks.accountValidity.onUserLogin(userId, 'gateway', network),
    loggedOut: (userId) => callbacks.passwordAuth.onLoggedOut(userId, undefined, ''),
    async checkDeactivate(userId, byAdmin) {
      return (await callbacks.thirdPartyRules.checkCanDeactivateUser(userId, byAdmin)) ? ALLOWED : { allowed: false, reason: 'removing this account is not allowed here' };
    },
    deactivated: (userId, byAdmin) => callbacks.thirdPartyRules.onUserDeactivationStatusChanged(userId, true, byAdmin),
    reactivated: (userId) => callbacks.thirdPartyRules.onUserDeactivationStatusChanged(userId, false, true),
    preferencesUpdated: (userId, preferences) => callbacks.accountData.onAccountDataUpdated(userId, undefined, GATEWAY_PREFERENCES_TYPE, preferences),
    profileUpdated: (userId, profile) => callbacks.thirdPartyRules.onProfileUpdate(userId, profile, false, false),
    checksLogin: (loginType) => callbacks.passwordAuth.supportedLoginTypes().has(loginType),
    async checkPassword(userId, loginType, fields) {
      const result = await callbacks.passwordAuth.checkAuth(userId, loginType, fields);
      if (result.ok) return 'accepted';
      return result.reason === 'unknown-login-type' || result.reason === 'denied' ? 'unhandled' : 'refused';
    },
    async mayShowInSearch(userId, displayName) {
      return !(await callbacks.spamChecker.checkUsernameForSpam({ userId, ...(displayName === undefined ? {} : { displayName }) }));
    },
  };
}

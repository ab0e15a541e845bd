/**
 * The values callbacks return to allow or refuse an operation: `NOT_SPAM`, the error codes,
 * `RegistrationBehaviour` and `PRESENCE_ALL_USERS`, plus how the deprecated boolean and
 * string answers of spam checks are read.
 */

/** A spam check's "allow": other modules may still refuse. */
export const NOT_SPAM = 'NOT_SPAM' as const;
export type NotSpam = typeof NOT_SPAM;

/** Error codes a check returns to refuse an operation. When in doubt, use `Codes.FORBIDDEN`. */
export const Codes = {
  FORBIDDEN: 'SB_FORBIDDEN',
  LIMIT_EXCEEDED: 'SB_LIMIT_EXCEEDED',
  INVALID_PARAM: 'SB_INVALID_PARAM',
  RESOURCE_LIMIT_EXCEEDED: 'SB_RESOURCE_LIMIT_EXCEEDED',
  EXPIRED_ACCOUNT: 'SB_EXPIRED_ACCOUNT',
  USER_DEACTIVATED: 'SB_USER_DEACTIVATED',
  /** Used by Switchboard when a check threw: the operation is refused (fail closed). */
  INTERNAL_ERROR: 'SB_INTERNAL_ERROR',
} as const;
export type Code = (typeof Codes)[keyof typeof Codes];

const CODE_VALUES: ReadonlySet<string> = new Set(Object.values(Codes));

/** true when `value` is one of {@link Codes}. */
export function isCode(value: unknown): value is Code {
  return typeof value === 'string' && CODE_VALUES.has(value);
}

/**
 * What a spam check may return: `NOT_SPAM` or a code; deprecated: `false` (= NOT_SPAM),
 * `true` (= Codes.FORBIDDEN) or another string (refused, with that string as the message).
 */
export type SpamCheckResult = NotSpam | Code | boolean | string;

/** A spam check's answer once read: allowed, or refused with a code (and a message for deprecated strings). */
export type SpamVerdict = NotSpam | { readonly code: Code; readonly message?: string };

/** Reads a spam check's answer, including the deprecated forms; anything else is a module bug. */
export function readSpamResult(result: unknown): SpamVerdict {
  if (result === NOT_SPAM || result === false) return NOT_SPAM;
  if (result === true) return { code: Codes.FORBIDDEN };
  if (isCode(result)) return { code: result };
  if (typeof result === 'string') return { code: Codes.FORBIDDEN, message: result };
  throw new TypeError(`expected NOT_SPAM, a Codes value, a boolean or a string, got ${describeValue(result)}`);
}

/** checkRegistrationForSpam's answer. */
export const RegistrationBehaviour = {
  ALLOW: 'allow',
  /** The account is created, but what the user sends is silently dropped. */
  SHADOW_BAN: 'shadow_ban',
  DENY: 'deny',
} as const;
export type RegistrationBehaviour = (typeof RegistrationBehaviour)[keyof typeof RegistrationBehaviour];

/** getInterestedUsers' answer meaning "every known user". */
export const PRESENCE_ALL_USERS = Symbol.for('switchboard.PRESENCE_ALL_USERS');
export type PresenceAllUsers = typeof PRESENCE_ALL_USERS;

/** A short description of a value for error messages (never its full content). */
export function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'string') return `the string ${JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value)}`;
  return typeof value;
}

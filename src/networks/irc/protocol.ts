/**
 * Protocol facts shared by the bot and puppet connections: replies they react to, what a JOIN
 * costs in flood control, and which parameters are safe to send.
 */

/** Numerics that refuse a JOIN; params[1] is the channel. */
export const JOIN_ERRORS: ReadonlySet<string> = new Set(['403', '405', '437', '471', '473', '474', '475', '476', '477', '489', '520']);
/** Numerics meaning retrying is pointless (banned, wrong password, SASL refused). */
export const FATAL_NUMERICS: ReadonlySet<string> = new Set(['464', '465', '904', '905']);
/** Numerics refusing a nick during registration (erroneous, in use, collision). */
export const NICK_ERRORS: ReadonlySet<string> = new Set(['432', '433', '436']);

/**
 * Flood-control tokens a JOIN costs: servers charge more for it than for a message (InspIRCd
 * counts a JOIN as two commands).
 */
export const JOIN_COST = 2;

/** true when a value can be sent as a middle parameter without breaking the line. */
export function safeParam(value: string): boolean {
  return value !== '' && !/[\s\0,:]/.test(value[0] as string) && !/[\r\n\0 ]/.test(value);
}

/** How long the answer to a JOIN (once written) may take before the connection stops waiting for it. */
export const JOIN_TIMEOUT_MS = 10_000;

/**
 * ChannelRefs and UserRefs for IRC names: the id is the name casefolded per the server's
 * CASEMAPPING, the spelling is kept in `name` / `nick`.
 */
import type { ChannelRef, UserRef } from '../../core/refs.js';
import type { ServerSupport } from './isupport.js';

/** What is known about a user besides the nick. */
export interface UserDetails {
  readonly user?: string | undefined;
  readonly host?: string | undefined;
  readonly account?: string | undefined;
}

/** A channel: canonical id, display name. */
export function ircChannelRef(network: string, support: ServerSupport, name: string): ChannelRef {
  return { network, id: support.fold(name), name };
}

/** A user by nick, with `user@host` when both are known and the account when known. */
export function ircUserRef(network: string, support: ServerSupport, nick: string, details: UserDetails = {}): UserRef {
  return {
    network,
    id: support.fold(nick),
    nick,
    ...(details.user && details.host ? { host: `${details.user}@${details.host}` } : {}),
    ...(details.account ? { account: details.account } : {}),
  };
}

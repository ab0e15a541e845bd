/**
 * Network-neutral references to channels and users.
 *
 * Every ref names the configured network it lives on (the key under `networks:` in the
 * config) and the id that network uses for it. Display data is optional and may be stale.
 */

/** The name of a configured network, e.g. `libera` or `jabber`. */
export type NetworkName = string;

/** A channel (IRC channel, XMPP MUC room, ...) on one network. */
export interface ChannelRef {
  readonly network: NetworkName;
  /** The network's own id: `#lobby` on IRC, `lobby@conference.example.org` on XMPP. */
  readonly id: string;
  /** A human-readable name when it differs from the id. */
  readonly name?: string;
}

/** A person or bot on one network. */
export interface UserRef {
  readonly network: NetworkName;
  /** Stable id on that network: nick on IRC (or a server UID), full/occupant JID on XMPP. */
  readonly id: string;
  /** The short name shown in chat (IRC nick, MUC nickname). */
  readonly nick?: string;
  /** A longer display name (IRC realname, vCard name). */
  readonly displayName?: string;
  /** The account the user is logged in to, where the network knows it (IRC account, bare JID). */
  readonly account?: string;
  /** user@host on IRC, where known. */
  readonly host?: string;
  readonly avatarUrl?: string;
}

/** `network:id`, the form used in config files and logs. */
export function formatChannelRef(ref: ChannelRef): string {
  return `${ref.network}:${ref.id}`;
}

/** Parses `network:id` (the id may itself contain colons). Returns undefined when malformed. */
export function parseChannelRef(text: string): ChannelRef | undefined {
  const colon = text.indexOf(':');
  if (colon <= 0 || colon === text.length - 1) return undefined;
  return { network: text.slice(0, colon), id: text.slice(colon + 1) };
}

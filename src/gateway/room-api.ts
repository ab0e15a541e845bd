/**
 * The group-chat half of the gateway framework's API (ADR 0010, docs/gateway.md "Group chats"):
 * slidge's LegacyMUC and LegacyParticipant as plain data. A legacy network that offers groups
 * (`GatewaySettings.groups`) implements the room handlers of {@link LegacySession} (api.ts) and
 * reports what happens in a room it joined as {@link RoomEvent}s; the framework keeps the room
 * object (one per room and session) and speaks XEP-0045 to the person's resources.
 */

/** An occupant's role (XEP-0045 §5.1). */
export type RoomRole = 'moderator' | 'participant' | 'visitor';

/** An occupant's affiliation (XEP-0045 §5.2). */
export type RoomAffiliation = 'owner' | 'admin' | 'member' | 'none';

/** A hat (XEP-0317): a status of the legacy network that no role or affiliation names. */
export interface RoomHat {
  readonly uri: string;
  readonly title: string;
}

/** One participant of a legacy room, as XMPP shows them. */
export interface RoomParticipant {
  /** Their nick in the room (the occupant JID's resource). */
  readonly nick: string;
  readonly role: RoomRole;
  readonly affiliation: RoomAffiliation;
  /** Their hats, when they have any. */
  readonly hats?: readonly RoomHat[];
}

/** A room's subject with who set it, when known. */
export interface RoomSubject {
  readonly text: string;
  /** The nick of who set it. */
  readonly by?: string;
}

/** What joining a room gives: everyone in it (the person included, as `self`) and the subject. */
export interface RoomSnapshot {
  /** The room's name as the legacy network writes it (`#Lobby`). */
  readonly name: string;
  /** The person's own nick and role in the room. */
  readonly self: RoomParticipant;
  /** Everyone else, at most the network's bound. */
  readonly participants: readonly RoomParticipant[];
  /** The subject; an empty text when the room has none. */
  readonly subject: RoomSubject;
  /** The join created the room on the network (XEP-0045 status 201). */
  readonly created?: boolean;
}

/**
 * What happens in a room the person joined, reported by the legacy session
 * (`SessionEvents.room`). `nick` names a participant (the person's own nick included: their own
 * role changes and renames arrive the same way).
 */
export type RoomEvent =
  | { readonly kind: 'joined'; readonly participant: RoomParticipant }
  /** `kicked`: removed by someone (status 307), not a part or quit. */
  | { readonly kind: 'left'; readonly nick: string; readonly reason?: string; readonly kicked?: boolean }
  | { readonly kind: 'renamed'; readonly nick: string; readonly to: string }
  | { readonly kind: 'role'; readonly participant: RoomParticipant }
  /** A message; `nick` undefined: from the room itself (a server notice, a system message). */
  | { readonly kind: 'message'; readonly nick: string | undefined; readonly text: string; readonly action: boolean; readonly legacyId?: string }
  | { readonly kind: 'subject'; readonly subject: RoomSubject }
  /** The legacy network refused something the person asked in this room (a topic they may not set). */
  | { readonly kind: 'refused'; readonly text: string }
  /** Someone on the network (`by`, their id) invites the person to this room (joined or not). */
  | { readonly kind: 'invited'; readonly by: string; readonly reason?: string }
  /** The person is no longer in the room (kicked, or it ended): the framework says so to every resource. */
  | { readonly kind: 'removed'; readonly reason: string; readonly kicked: boolean };

/**
 * One end of a hole in a room's archive (slidge's HoleBound): an archived message's legacy id
 * (its stanza id) and when it was said.
 */
export interface HoleBound {
  readonly id: string;
  /** Milliseconds since the epoch. */
  readonly at: number;
}

/** A message from the legacy network's own archive of a room (backfill). */
export interface BackfilledMessage {
  /** Its legacy id (becomes its stanza id: the same message backfilled twice is kept once). */
  readonly id: string;
  /** The sender's nick; undefined: the room itself. */
  readonly nick: string | undefined;
  readonly text: string;
  readonly action: boolean;
  /** When it was said (ms since the epoch). */
  readonly at: number;
}

/**
 * What a moderator asks of the legacy room (XEP-0045 §8.2 kick: role `none`; §9.1 ban:
 * affiliation `outcast`): remove `nick`, and for a ban keep them out.
 */
export interface RoomModeration {
  readonly kind: 'kick' | 'ban';
  /** The participant's nick in the room. */
  readonly nick: string;
  /** Why, shown to them and the room (at most a line). */
  readonly reason?: string;
}

/**
 * A role or affiliation a moderator or admin gives (XEP-0045 §8.4-8.6 voice and moderator, §9.3-9.4
 * membership, §10.6-10.7 admin): exactly one of `role` and `affiliation`. Owner and outcast are
 * not here (a ban is a {@link RoomModeration}).
 */
export interface RoomRoleChange {
  /** The participant's nick in the room. */
  readonly nick: string;
  readonly role?: RoomRole;
  readonly affiliation?: RoomAffiliation;
}

/** One entry of a room's ban list (XEP-0045 §9.5): the legacy network's mask and who set it. */
export interface RoomBan {
  /** The network's ban mask (IRC: `nick!user@host` with wildcards). */
  readonly mask: string;
  readonly by?: string;
}

/**
 * A room's configuration as its configuration form shows it (XEP-0045 §10.2, muc#roomconfig;
 * IRC: the channel modes, irc/channel-config.ts).
 */
export interface RoomConfig {
  /** Occupants may change the subject (IRC: -t). */
  readonly subjectByAnyone: boolean;
  /** Only people with voice may speak (IRC: +m). */
  readonly moderated: boolean;
  /** Only invited people may join (IRC: +i). */
  readonly membersOnly: boolean;
  /** The room password ('' none; IRC: the key, +k). */
  readonly password: string;
  /** The most occupants (0: no limit; IRC: +l). */
  readonly maxUsers: number;
  /** Listed on the network (IRC: neither +s nor +p). */
  readonly public: boolean;
}

/**
 * What a server link knows about the IRC network: every server, user and channel (with its TS,
 * modes and each member's prefix modes), so that the adapter and modules can ask who is where.
 *
 * Users are keyed by a `uid` the protocol chooses (a TS6/InspIRCd UID, or a minted id for
 * RFC 2813, which has none) and found by nick through the server's case mapping. The tracker
 * checks nothing about the protocol: the protocol module decides what a line means and calls it.
 */
import type { ModeChange } from '../../core/catalog.js';
import type { ServerSupport } from '../irc/isupport.js';

/** A server on the network. */
export interface LinkServer {
  /** As spelled by its introducer. */
  readonly name: string;
  /** The server that introduced it (lower case); undefined for our uplink and ourselves. */
  readonly uplink: string | undefined;
  readonly description: string;
  /** true for a server Switchboard introduced (our own). */
  readonly own: boolean;
}

/** A user on the network. */
export interface LinkUser {
  readonly uid: string;
  nick: string;
  ident: string;
  host: string;
  realName: string;
  /** The real host behind `host`, when the protocol carries one (InspIRCd, TS6). */
  realHost?: string;
  /** The IP address, when the protocol carries one. */
  ip?: string;
  /** The server the user is on (lower case). */
  readonly server: string;
  /**
   * User mode letters. Most users have none: they share `NO_MODES` until their first mode
   * (`setUserMode` gives them a set of their own).
   */
  modes: ReadonlySet<string>;
  account?: string;
  away?: string;
  /** When the user was introduced (ms since the epoch). */
  readonly signonTs: number;
  /** Folded names of the channels the user is in. */
  readonly channels: Set<string>;
  /** true for our own clients (virtual clients and the service client). */
  readonly own: boolean;
}

/** A channel on the network. */
export interface LinkChannel {
  name: string;
  /** Creation TS (seconds), for protocols that carry one. */
  ts?: number;
  /** Non-prefix modes: letter → argument (`''` when it takes none). */
  readonly modes: Map<string, string>;
  /** List modes (bans, exceptions, ...): letter → masks. */
  readonly lists: Map<string, Set<string>>;
  /**
   * uid → the member's prefix mode letters. Most members hold none: they share `NO_MODES` until
   * their first (the tracker gives them a set of their own).
   */
  readonly members: Map<string, ReadonlySet<string>>;
  topic: string;
}

/** What a split took. */
export interface SplitResult {
  /** Every server lost, the split one first. */
  readonly servers: readonly LinkServer[];
  readonly users: readonly LinkUser[];
  /** Channel name → nicks of the lost users that were in it. */
  readonly nicksByChannel: Readonly<Record<string, readonly string[]>>;
}

/**
 * The mode letters of a user or member who has none: one set shared by all of them (with
 * 10,000 people, one empty set each was most of the link state's objects). It cannot be
 * changed: adding to it throws.
 */
export const NO_MODES: ReadonlySet<string> = new (class NoModes extends Set<string> {
  override add(): this {
    throw new Error('NO_MODES is shared: give the user or member a set of its own');
  }
})();

/** The mode letters (ASCII letters) in `text`, e.g. a UID's `+iw`: `NO_MODES` when there are none. */
export function modeLetters(text: string): ReadonlySet<string> {
  let letters: Set<string> | undefined;
  for (const c of text) if (isLetter(c)) (letters ??= new Set()).add(c);
  return letters ?? NO_MODES;
}

/** Sets or unsets one user mode of `user`; true when the user had it before. */
export function setUserMode(user: LinkUser, letter: string, on: boolean): boolean {
  const had = user.modes.has(letter);
  if (on && !had) user.modes = withLetter(user.modes, letter);
  else if (!on && had) (user.modes as Set<string>).delete(letter);
  return had;
}

/** Every member of `channel` loses their prefix modes (an older channel TS won). */
export function resetPrefixModes(channel: LinkChannel): void {
  for (const uid of channel.members.keys()) channel.members.set(uid, NO_MODES);
}

/** `modes` with `letter` added: the same set, or a new one in place of `NO_MODES`. */
function withLetter(modes: ReadonlySet<string> | undefined, letter: string): ReadonlySet<string> {
  if (modes === undefined || modes === NO_MODES) return new Set([letter]);
  (modes as Set<string>).add(letter);
  return modes;
}

function isLetter(c: string): boolean {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
}

/** Most servers, users and channels one link may hold: a peer cannot grow the hub without bound. */
export const LINK_STATE_LIMITS = { servers: 1_000, users: 200_000, channels: 100_000, listEntries: 1_000 } as const;

export class LinkState {
  private readonly servers = new Map<string, LinkServer>();
  private readonly users = new Map<string, LinkUser>();
  private readonly nicks = new Map<string, string>();
  private readonly channels = new Map<string, LinkChannel>();

  constructor(readonly support: ServerSupport) {}

  // --- servers -------------------------------------------------------------------------

  /** Adds a server; false when it exists already or the limit is reached. */
  addServer(server: LinkServer): boolean {
    const key = server.name.toLowerCase();
    if (this.servers.has(key) || this.servers.size >= LINK_STATE_LIMITS.servers) return false;
    this.servers.set(key, server);
    return true;
  }

  server(name: string): LinkServer | undefined {
    return this.servers.get(name.toLowerCase());
  }

  serverCount(): number {
    return this.servers.size;
  }

  /**
   * Removes `name` and every server behind it, with their users (who leave their channels).
   * Undefined when the server is not known.
   */
  split(name: string): SplitResult | undefined {
    const root = this.server(name);
    if (!root) return undefined;
    const lost = [root];
    for (let i = 0; i < lost.length; i++) {
      const parent = (lost[i] as LinkServer).name.toLowerCase();
      for (const server of this.servers.values()) if (server.uplink === parent) lost.push(server);
    }
    const names = new Set(lost.map((s) => s.name.toLowerCase()));
    const users = [...this.users.values()].filter((u) => names.has(u.server));
    const nicksByChannel: Record<string, string[]> = {};
    for (const user of users) {
      for (const folded of user.channels) {
        const channel = this.channels.get(folded);
        if (channel) (nicksByChannel[channel.name] ??= []).push(user.nick);
      }
      this.removeUser(user.uid);
    }
    for (const key of names) this.servers.delete(key);
    return { servers: lost, users, nicksByChannel };
  }

  // --- users ---------------------------------------------------------------------------

  /** Adds a user; false when the uid or nick is taken or the limit is reached. */
  addUser(user: LinkUser): boolean {
    const nick = this.support.fold(user.nick);
    if (this.users.has(user.uid) || this.nicks.has(nick) || this.users.size >= LINK_STATE_LIMITS.users) return false;
    this.users.set(user.uid, user);
    this.nicks.set(nick, user.uid);
    return true;
  }

  user(uid: string): LinkUser | undefined {
    return this.users.get(uid);
  }

  userByNick(nick: string): LinkUser | undefined {
    const uid = this.nicks.get(this.support.fold(nick));
    return uid === undefined ? undefined : this.users.get(uid);
  }

  /** true when a nick is in use (per the case mapping). */
  nickInUse(nick: string): boolean {
    return this.nicks.has(this.support.fold(nick));
  }

  userCount(): number {
    return this.users.size;
  }

  /** Every user on `server` (lower case), or every user. */
  allUsers(): IterableIterator<LinkUser> {
    return this.users.values();
  }

  /** Changes a nick; false when the new nick belongs to someone else. */
  changeNick(uid: string, newNick: string): boolean {
    const user = this.users.get(uid);
    if (!user) return false;
    const folded = this.support.fold(newNick);
    const holder = this.nicks.get(folded);
    if (holder !== undefined && holder !== uid) return false;
    this.nicks.delete(this.support.fold(user.nick));
    this.nicks.set(folded, uid);
    user.nick = newNick;
    return true;
  }

  /** Removes a user from the network and its channels; returns the channels it was in. */
  removeUser(uid: string): LinkChannel[] {
    const user = this.users.get(uid);
    if (!user) return [];
    const left: LinkChannel[] = [];
    for (const folded of user.channels) {
      const channel = this.channels.get(folded);
      if (!channel) continue;
      left.push(channel);
      channel.members.delete(uid);
      this.dropIfEmpty(folded, channel);
    }
    this.users.delete(uid);
    this.nicks.delete(this.support.fold(user.nick));
    return left;
  }

  // --- channels ------------------------------------------------------------------------

  channel(name: string): LinkChannel | undefined {
    return this.channels.get(this.support.fold(name));
  }

  /** The channel, created when missing; undefined when the limit is reached. */
  ensureChannel(name: string, ts?: number): LinkChannel | undefined {
    const folded = this.support.fold(name);
    let channel = this.channels.get(folded);
    if (!channel) {
      if (this.channels.size >= LINK_STATE_LIMITS.channels) return undefined;
      channel = { name, modes: new Map(), lists: new Map(), members: new Map(), topic: '', ...(ts === undefined ? {} : { ts }) };
      this.channels.set(folded, channel);
    }
    return channel;
  }

  /** Puts a user in a channel with prefix modes; false when the user or the channel cannot be. */
  join(name: string, uid: string, prefixModes: Iterable<string> = [], ts?: number): boolean {
    const user = this.users.get(uid);
    const channel = user && this.ensureChannel(name, ts);
    if (!user || !channel) return false;
    let modes = channel.members.get(uid) ?? NO_MODES;
    for (const mode of prefixModes) modes = withLetter(modes, mode);
    channel.members.set(uid, modes);
    user.channels.add(this.support.fold(name));
    return true;
  }

  /** Takes a user out of a channel; false when it was not in it. */
  part(name: string, uid: string): boolean {
    const folded = this.support.fold(name);
    const channel = this.channels.get(folded);
    const user = this.users.get(uid);
    if (!channel?.members.delete(uid)) return false;
    user?.channels.delete(folded);
    this.dropIfEmpty(folded, channel);
    return true;
  }

  /**
   * Applies parsed channel modes: prefix modes to members (by nick), list modes to lists, the
   * others to the mode map. Changes naming an unknown member are skipped.
   */
  applyChannelModes(name: string, changes: readonly ModeChange[]): void {
    const channel = this.channel(name);
    if (!channel) return;
    const [listModes] = this.support.chanModes;
    for (const change of changes) {
      const adding = change.mode.startsWith('+');
      const letter = change.mode.slice(1);
      if (this.support.isPrefixMode(letter)) {
        const member = change.arg === undefined ? undefined : this.userByNick(change.arg);
        const modes = member && channel.members.get(member.uid);
        if (modes && adding) channel.members.set((member as LinkUser).uid, withLetter(modes, letter));
        else if (modes?.has(letter)) (modes as Set<string>).delete(letter);
      } else if (listModes.includes(letter)) {
        if (change.arg === undefined) continue;
        const list = channel.lists.get(letter) ?? new Set<string>();
        if (adding && list.size < LINK_STATE_LIMITS.listEntries) list.add(change.arg);
        else if (!adding) list.delete(change.arg);
        channel.lists.set(letter, list);
      } else if (adding) {
        channel.modes.set(letter, change.arg ?? '');
      } else {
        channel.modes.delete(letter);
      }
    }
  }

  /** The users in a channel with their prefix modes. */
  members(name: string): Array<{ readonly user: LinkUser; readonly modes: ReadonlySet<string> }> {
    const channel = this.channel(name);
    if (!channel) return [];
    const out: Array<{ user: LinkUser; modes: ReadonlySet<string> }> = [];
    for (const [uid, modes] of channel.members) {
      const user = this.users.get(uid);
      if (user) out.push({ user, modes });
    }
    return out;
  }

  channelCount(): number {
    return this.channels.size;
  }

  /** Forgets everything (the link is gone). */
  clear(): void {
    this.servers.clear();
    this.users.clear();
    this.nicks.clear();
    this.channels.clear();
  }

  private dropIfEmpty(folded: string, channel: LinkChannel): void {
    if (channel.members.size === 0) this.channels.delete(folded);
  }
}

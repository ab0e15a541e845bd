/**
 * Who is in which channel, as far as the bot has seen (NAMES replies, JOIN, PART, KICK,
 * QUIT, NICK, MODE). Keys are casefolded with the server's CASEMAPPING.
 */
import type { ServerSupport } from './isupport.js';

/** One member of a channel. */
export interface Member {
  nick: string;
  /** Membership prefix modes, e.g. `o` and `v`. */
  readonly modes: Set<string>;
  user?: string;
  host?: string;
  account?: string;
}

/** What the bot knows about one joined channel. */
export interface ChannelState {
  /** The channel's name as the server spells it. */
  name: string;
  topic?: string;
  readonly members: Map<string, Member>;
}

export class MemberTracker {
  private readonly channels = new Map<string, ChannelState>();

  constructor(private readonly support: ServerSupport) {}

  /** The state of a channel the bot is in, by any spelling of its name. */
  channel(name: string): ChannelState | undefined {
    return this.channels.get(this.support.fold(name));
  }

  /** Records that the bot joined a channel (clears what was known before). */
  addChannel(name: string): ChannelState {
    const state: ChannelState = { name, members: new Map() };
    this.channels.set(this.support.fold(name), state);
    return state;
  }

  /** Forgets a channel the bot left. */
  removeChannel(name: string): void {
    this.channels.delete(this.support.fold(name));
  }

  /** Forgets everything (the connection ended). */
  clear(): void {
    this.channels.clear();
  }

  /** Adds or updates a member of a channel the bot is in. */
  add(channel: string, nick: string, details: Partial<Omit<Member, 'nick' | 'modes'>> = {}, modes: Iterable<string> = []): Member | undefined {
    const state = this.channel(channel);
    if (!state) return undefined;
    const key = this.support.fold(nick);
    const member = state.members.get(key) ?? { nick, modes: new Set<string>() };
    member.nick = nick;
    for (const [field, value] of Object.entries(details)) if (value !== undefined) (member as unknown as Record<string, unknown>)[field] = value;
    for (const mode of modes) member.modes.add(mode);
    state.members.set(key, member);
    return member;
  }

  /** Removes a member from one channel. */
  remove(channel: string, nick: string): void {
    this.channel(channel)?.members.delete(this.support.fold(nick));
  }

  /** The names of the channels a nick is seen in. */
  channelsOf(nick: string): string[] {
    const key = this.support.fold(nick);
    return [...this.channels.values()].filter((c) => c.members.has(key)).map((c) => c.name);
  }

  /** Removes a nick from every channel (QUIT); returns the channel names it was in. */
  removeEverywhere(nick: string): string[] {
    const names = this.channelsOf(nick);
    const key = this.support.fold(nick);
    for (const state of this.channels.values()) state.members.delete(key);
    return names;
  }

  /** Applies a nick change in every channel; returns the channel names concerned. */
  rename(oldNick: string, newNick: string): string[] {
    const oldKey = this.support.fold(oldNick);
    const newKey = this.support.fold(newNick);
    const names: string[] = [];
    for (const state of this.channels.values()) {
      const member = state.members.get(oldKey);
      if (!member) continue;
      state.members.delete(oldKey);
      member.nick = newNick;
      state.members.set(newKey, member);
      names.push(state.name);
    }
    return names;
  }

  /** Applies a field change (host, account, ...) to a nick wherever it is seen. */
  update(nick: string, details: Partial<Omit<Member, 'nick' | 'modes'>>): void {
    const key = this.support.fold(nick);
    for (const state of this.channels.values()) {
      const member = state.members.get(key);
      if (member) Object.assign(member, details);
    }
  }

  /** Sets or clears a prefix mode (`o`, `v`) of a member. */
  setMode(channel: string, nick: string, mode: string, on: boolean): void {
    const member = this.channel(channel)?.members.get(this.support.fold(nick));
    if (!member) return;
    if (on) member.modes.add(mode);
    else member.modes.delete(mode);
  }

  /** A member of a channel, if known. */
  member(channel: string, nick: string): Member | undefined {
    return this.channel(channel)?.members.get(this.support.fold(nick));
  }

  /** Every member of a channel (empty when the bot is not in it). */
  members(channel: string): Member[] {
    return [...(this.channel(channel)?.members.values() ?? [])];
  }
}

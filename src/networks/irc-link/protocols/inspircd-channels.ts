/**
 * The channel lines of InspIRCd's spanningtree 1205 (part of inspircd.ts's protocol): FJOIN,
 * IJOIN, RESYNC, PART, KICK, FMODE, FTOPIC/TOPIC/SVSTOPIC, INVITE and KNOCK, with the channel
 * TS rules: an older TS wins (our modes and prefixes go), a newer one loses (its modes are
 * ignored), an equal one merges.
 */
import type { ModeChange } from '../../../core/catalog.js';
import type { LinkLine } from '../line.js';
import { resetPrefixModes, type LinkChannel, type LinkUser } from '../state.js';
import { namedChannelModes } from './common.js';
import { nowTs, parseTs, type InspircdLink } from './inspircd-context.js';

/** Handles the channel lines of one InspIRCd link. */
export class InspircdChannelLines {
  constructor(private readonly p: InspircdLink) {}

  /**
   * `:<sid> FJOIN <chan> <ts> <modes> [<params>] :[<prefixes>,]<uuid>[:<membid>] ...`: the burst's
   * (and a merge's) joins. The older TS wins: when theirs is older, our channel modes, lists and
   * every member's prefixes go and their TS is ours; when it is newer, their modes are ignored.
   */
  onFjoin(line: LinkLine): void {
    const [name = '', tsText = ''] = line.params;
    const ts = parseTs(tsText);
    if (!this.p.s.state.support.isChannel(name) || ts === undefined || line.params.length < 4) return this.p.s.ignored('malformed', line);
    const channel = this.p.s.state.ensureChannel(name, ts);
    if (!channel) return this.p.s.ignored('limit', line, name);
    const apply = this.settleTs(channel, ts);
    const modes: ModeChange[] = [];
    if (apply) {
      const changes = this.channelChanges(line.params.slice(2, -1));
      this.p.s.state.applyChannelModes(channel.name, changes);
      modes.push(...changes);
    }
    const joined: LinkUser[] = [];
    for (const entry of (line.params.at(-1) ?? '').split(' ')) {
      if (entry === '') continue;
      const comma = entry.indexOf(',');
      const prefixes = apply && comma > 0 ? [...entry.slice(0, comma)].filter((m) => this.p.s.state.support.isPrefixMode(m)) : [];
      const uid = entry.slice(comma + 1).split(':')[0] ?? '';
      const user = this.p.userOf(uid);
      if (!user) {
        this.p.s.ignored('unknown-member', line, entry);
        continue;
      }
      const already = channel.members.has(user.uid);
      if (!this.p.s.state.join(channel.name, user.uid, prefixes)) continue;
      if (!already) joined.push(user);
      for (const mode of prefixes) modes.push({ mode: `+${mode}`, arg: user.nick });
    }
    this.p.s.events.join(channel.name, joined, modes, channel.ts);
  }

  /**
   * Compares a TS from the network with the channel's: returns whether their modes apply. An
   * older TS wins and resets what we knew of the channel's modes (InspIRCd's LowerTS).
   */
  private settleTs(channel: LinkChannel, ts: number): boolean {
    if (channel.ts === undefined || channel.ts === ts) {
      channel.ts = ts;
      return true;
    }
    if (ts > channel.ts) return false;
    this.p.s.log.info({ channel: channel.name, ours: channel.ts, theirs: ts }, 'a channel TS older than ours: its modes and prefixes are reset');
    channel.ts = ts;
    channel.modes.clear();
    channel.lists.clear();
    resetPrefixModes(channel);
    return true;
  }

  /** Channel mode changes with the UUIDs of prefix modes turned into nicks (unknown ones dropped). */
  private channelChanges(params: readonly string[]): ModeChange[] {
    return namedChannelModes(params, this.p.s.state.support, (id) => this.p.target(id));
  }

  /** `:<uid> IJOIN <chan> <membid> [<ts> <prefixes>]`: one user joins an existing channel. */
  onIjoin(line: LinkLine): void {
    const user = this.p.sourceUser(line);
    const [name = '', , tsText, flags = ''] = line.params;
    if (!user) return;
    if (!this.p.s.state.support.isChannel(name)) return this.p.s.ignored('malformed', line);
    const channel = this.p.s.state.channel(name);
    const ts = parseTs(tsText);
    // Prefixes count only with a TS no newer than the channel's (InspIRCd's rule).
    const prefixes = ts !== undefined && (channel?.ts === undefined || ts <= channel.ts) ? [...flags].filter((m) => this.p.s.state.support.isPrefixMode(m)) : [];
    if (!this.p.s.state.join(name, user.uid, prefixes, ts)) return;
    const joined = this.p.s.state.channel(name);
    this.p.s.events.join(joined?.name ?? name, [user], prefixes.map((mode) => ({ mode: `+${mode}`, arg: user.nick })), joined?.ts);
  }

  /** `:<sid> RESYNC <chan>`: the ircd lost a channel we joined (an IJOIN raced its end): our members again. */
  onResync(line: LinkLine): void {
    const channel = this.p.s.state.channel(line.params[0] ?? '');
    if (!channel) return;
    const ours = this.p.s.state.members(channel.name).filter((m) => m.user.own).map((m) => m.user);
    if (ours.length > 0) this.p.s.send(...this.p.fjoin(channel.name, channel.ts ?? nowTs(), ours));
  }

  onPart(line: LinkLine): void {
    const user = this.p.sourceUser(line);
    if (!user) return;
    for (const name of (line.params[0] ?? '').split(',')) {
      const channel = this.p.s.state.channel(name)?.name ?? name;
      if (this.p.s.state.part(name, user.uid)) this.p.s.events.part(channel, user, line.params[1] ?? '');
    }
  }

  /** `:<source> KICK <chan> <uuid> [<membid>] :<reason>` */
  onKick(line: LinkLine): void {
    const [name = '', id] = line.params;
    const reason = line.params.length >= 3 ? line.params.at(-1) ?? '' : '';
    const target = this.p.target(id);
    if (!target) return this.p.s.ignored('unknown-target', line, id);
    const channel = this.p.s.state.channel(name)?.name ?? name;
    if (!this.p.s.state.part(name, target.uid)) return;
    this.p.s.events.kick(channel, target, this.p.actor(line), reason);
    if (target.own) this.p.s.ownClientKicked(target, channel);
  }

  /** `:<source> FMODE <chan> <ts> <modes> [<params>]`: ignored when the TS is newer than the channel's. */
  onFmode(line: LinkLine): void {
    const [name = '', tsText = '', ...rest] = line.params;
    const channel = this.p.s.state.channel(name);
    const ts = parseTs(tsText);
    if (!channel) return this.p.s.ignored('unknown-channel', line, name);
    if (ts === undefined || rest.length === 0) return this.p.s.ignored('malformed', line);
    if (!this.settleTs(channel, ts)) return;
    const changes = this.channelChanges(rest);
    this.p.s.state.applyChannelModes(channel.name, changes);
    this.p.s.events.channelMode(channel.name, changes, this.p.actor(line));
  }

  /**
   * `:<uid> FTOPIC <chan> <chants> <topicts> :<topic>` (a user's change), `:<sid> FTOPIC <chan>
   * <chants> <topicts> <setter> :<topic>` (burst, services), `SVSTOPIC <chan> [<topicts>
   * <setter> :<topic>]` (m_topiclock; without a topic it clears it) and plain `TOPIC <chan>
   * :<topic>`. A burst's topics are state, not events.
   */
  onTopic(line: LinkLine): void {
    const name = line.params[0] ?? '';
    const channel = this.p.s.state.channel(name);
    if (!channel) return this.p.s.ignored('unknown-channel', line, name);
    let setter: LinkUser | string = this.p.actor(line);
    if (line.command === 'FTOPIC') {
      const channelTs = parseTs(line.params[1]);
      if (line.params.length < 4 || channelTs === undefined) return this.p.s.ignored('malformed', line);
      // A topic for an older incarnation of the channel (InspIRCd's rule).
      if (channel.ts !== undefined && channelTs > channel.ts) return;
      if (line.params.length >= 5) setter = line.params[3] ?? '';
    } else if (line.command === 'SVSTOPIC') {
      if (line.params.length !== 1 && line.params.length < 4) return this.p.s.ignored('malformed', line);
      if (line.params.length >= 4) setter = line.params[2] ?? '';
    }
    const text = line.command === 'SVSTOPIC' && line.params.length === 1 ? '' : line.params.at(-1) ?? '';
    const oldText = channel.topic;
    channel.topic = text;
    if (this.p.burstDone) this.p.s.events.topic(channel.name, text, oldText, setter);
  }

  /** `:<uid> INVITE <uuid> <chan> <chants> [<expiry>]` */
  onInvite(line: LinkLine): void {
    const by = this.p.sourceUser(line);
    const target = this.p.target(line.params[0]);
    const channel = line.params[1] ?? '';
    if (!by || !target || !this.p.s.state.support.isChannel(channel)) return this.p.s.ignored('malformed', line);
    this.p.s.events.invite(this.p.s.state.channel(channel)?.name ?? channel, target, by);
  }

  /** `:<uid> KNOCK <chan> :<text>` (m_knock, usually inside ENCAP). */
  onKnock(line: LinkLine): void {
    const user = this.p.sourceUser(line);
    const channel = line.params[0] ?? '';
    if (!user || !this.p.s.state.support.isChannel(channel)) return this.p.s.ignored('malformed', line);
    this.p.s.events.knock(this.p.s.state.channel(channel)?.name ?? channel, user, line.params[1] ?? '');
  }
}

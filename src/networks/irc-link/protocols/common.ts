/**
 * What the server protocols read the same way whatever the ircd: user mode strings, channel
 * mode changes whose prefix-mode arguments name users by the protocol's own ids, and the
 * targets of a PRIVMSG/NOTICE.
 */
import type { ModeChange } from '../../../core/catalog.js';
import { parseChannelModes } from '../../irc/modes.js';
import type { ServerSupport } from '../../irc/isupport.js';
import { buildLine, type LinkLine } from '../line.js';
import type { LinkSession } from '../server-protocol.js';
import { setUserMode, type LinkUser } from '../state.js';

/** The version the link reports for our server (`/VERSION <our server>`: numeric 351, InspIRCd's SINFO). */
export const LINK_VERSION = 'switchboard-0.1';

/** The trailing text of our 351 reply and of InspIRCd's `fullversion`. */
export const LINK_VERSION_COMMENT = 'Switchboard server link';

/**
 * A remote `VERSION` for our server from `asker`: the 351 reply, from `from` (our server name or
 * SID) to `to` (how the protocol names the asker), and a VERSION event. A request for another
 * server, or from someone unknown, is not ours to answer.
 */
export function answerVersion(session: LinkSession, line: LinkLine, asker: LinkUser | undefined, ours: (target: string) => boolean, reply: { from: string; to: (asker: LinkUser) => string; me: string }): void {
  const target = line.params[0];
  if (target !== undefined && !ours(target)) return;
  if (!asker) return session.ignored('unknown-source', line, line.source);
  session.send(buildLine(reply.from, '351', [reply.to(asker), `${LINK_VERSION}.`, reply.me], LINK_VERSION_COMMENT));
  session.events.version(asker, target === undefined ? undefined : reply.me);
}

/** `user` is away with `text`, or back when it is empty (an AWAY event either way). */
export function applyAway(session: LinkSession, user: LinkUser, text: string): void {
  if (text) user.away = text;
  else delete user.away;
  session.events.away(user, text);
}

/** `TOPIC <channel> :<text>` by `actor`: the channel's topic changes (a TOPIC event with the old one). */
export function applyTopic(session: LinkSession, line: LinkLine, actor: LinkUser | string): void {
  const [name = '', text = ''] = line.params;
  const channel = session.state.channel(name);
  if (!channel) return session.ignored('unknown-channel', line, name);
  const oldText = channel.topic;
  channel.topic = text;
  session.events.topic(channel.name, text, oldText, actor);
}

/**
 * Applies a user mode string (`+iw-x`) to `user.modes`: the changes (letters only) and whether
 * the user became an operator (`+o` they did not have).
 */
export function applyUserModes(user: LinkUser, letters: string): { changes: ModeChange[]; opered: boolean } {
  const changes: ModeChange[] = [];
  let adding = true;
  let opered = false;
  for (const letter of letters) {
    if (letter === '+' || letter === '-') adding = letter === '+';
    else if (/[A-Za-z]/.test(letter)) {
      const had = setUserMode(user, letter, adding);
      changes.push({ mode: `${adding ? '+' : '-'}${letter}` });
      if (letter === 'o' && adding && !had) opered = true;
    }
  }
  return { changes, opered };
}

/**
 * Channel mode changes from a mode string and its arguments, letters only, with the argument of
 * a prefix mode (a uid or nick, as the protocol names users) turned into the member's nick by
 * `member`; a prefix mode for someone unknown is dropped.
 */
export function namedChannelModes(params: readonly string[], support: ServerSupport, member: (id: string | undefined) => LinkUser | undefined): ModeChange[] {
  const out: ModeChange[] = [];
  for (const change of parseChannelModes(params, support)) {
    if (!/^[+-][A-Za-z]$/.test(change.mode)) continue;
    if (!support.isPrefixMode(change.mode.slice(1))) {
      out.push(change);
      continue;
    }
    const user = member(change.arg);
    if (user) out.push({ mode: change.mode, arg: user.nick });
  }
  return out;
}

/**
 * A PRIVMSG/NOTICE from `author` to `targets` (comma-separated): a MESSAGE per channel and per
 * client of ours (`recipient` resolves the protocol's name for a user). Status messages
 * (`@#chan`, meant for a channel's operators only) and server masks (`$*`) are not chat and
 * never relayed; any other unknown target is reported as ignored.
 */
export function emitMessages(session: LinkSession, line: LinkLine, author: LinkUser, targets: string, text: string, recipient: (target: string) => LinkUser | undefined): void {
  const support = session.state.support;
  const notice = line.command === 'NOTICE';
  for (const target of targets.split(',')) {
    if (support.isChannel(target)) {
      session.events.message(author, { channel: session.state.channel(target)?.name ?? target }, notice, text);
      continue;
    }
    const user = recipient(target);
    if (user?.own) session.events.message(author, { recipient: user }, notice, text);
    else if (!target.startsWith('$') && support.statusPrefix(target) === '') session.ignored('unknown-target', line, target);
  }
}

/**
 * IRCv3 message tags on the lines we send and receive: the hop marker that bridges put on what
 * they relay, and the rule that a tag is only written on a connection that can carry it.
 *
 * Tags live in their own section in front of the line (`@a;b PRIVMSG #c :text`), with their
 * own byte budget (4094 bytes for client tags); the 512-byte budget of the line itself is
 * unaffected, so splitting never counts them.
 */

/**
 * The client tag marking a message as relayed by a bridge (a hop marker). Client-only tags
 * start with `+` and need a vendor prefix in the form of a DNS name.
 */
export const RELAYED_TAG = '+switchboard.chat/relayed';

/** Puts a tag section (names without values) in front of `line`; the line itself when none. */
export function withClientTags(line: string, tags: readonly string[]): string {
  return tags.length === 0 ? line : `@${tags.join(';')} ${line}`;
}

/**
 * The line as it may be written on a connection: tags the connection cannot carry
 * (`supportsTag` false: no message-tags capability, or the server denies the tag) are removed,
 * and the whole section when none is left. Lines without tags are returned unchanged.
 */
export function lineForConnection(line: string, supportsTag: (name: string) => boolean): string {
  if (!line.startsWith('@')) return line;
  const space = line.indexOf(' ');
  if (space === -1) return line;
  const kept = line.slice(1, space).split(';').filter((tag) => tag !== '' && supportsTag(tag.split('=', 1)[0] as string));
  return withClientTags(line.slice(space + 1), kept);
}

/** true when a received line's tags (as parsed, names lower-cased) carry the hop marker. */
export function hasRelayedTag(tags: Readonly<Record<string, unknown>>): boolean {
  return Object.hasOwn(tags, RELAYED_TAG);
}

/** The IRCv3 typing client tag (and its draft name, still sent by some clients). */
const TYPING_TAGS = ['+typing', '+draft/typing'] as const;

/**
 * The chat state (XEP-0085 terms, as the TYPING event carries it) of a received line's typing
 * client tag: `active` (typing) → `composing`, `paused` → `paused`, `done` → `active`.
 * Undefined without the tag or with another value.
 */
export function typingStateOf(tags: Readonly<Record<string, unknown>>): 'composing' | 'paused' | 'active' | undefined {
  for (const name of TYPING_TAGS) {
    const value = tags[name];
    if (value === 'active') return 'composing';
    if (value === 'paused') return 'paused';
    if (value === 'done') return 'active';
  }
  return undefined;
}

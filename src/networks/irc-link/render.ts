/**
 * The texts of the PRIVMSG/NOTICE lines one outgoing message becomes on a link: rendered for
 * IRC and split to what fits after the `:nick!ident@host PRIVMSG target :` the ircd puts in
 * front for its clients (the client adapter's renderer and splitter, irc/attributed-text.ts),
 * cut to `maxLines` with a note. A virtual client speaks as the person, so there is usually no
 * attribution; when there is one it starts every line.
 */
import type { OutgoingMessage } from '../../core/network.js';
import { SendRefusedError } from '../../core/network.js';
import { attributedText } from '../irc/attributed-text.js';
import { limitLines, messageBudget } from '../irc/split.js';
import type { LinkUser } from './state.js';

/** Who sends, where, and the limits. */
export interface LinkRenderOptions {
  readonly sender: Pick<LinkUser, 'nick' | 'ident' | 'host'>;
  readonly target: string;
  /** The ircd's line length (512 unless it says otherwise). */
  readonly lineLength: number;
  readonly maxLines: number;
}

/** The texts (trailing parameters) of the lines, CTCP ACTION wrapped for actions. */
export function renderLinkMessage(message: OutgoingMessage, options: LinkRenderOptions): string[] {
  const action = message.kind === 'action';
  const command = message.kind === 'notice' ? 'NOTICE' : 'PRIVMSG';
  const body = [...message.body];
  for (const attachment of message.attachments ?? []) {
    if (attachment.url) body.push({ type: 'text', text: `\n${attachment.name}: ${attachment.url}` });
  }
  const budget = messageBudget({
    lineLength: options.lineLength, nick: options.sender.nick, user: options.sender.ident, host: options.sender.host,
    command, target: options.target, action,
  });
  let rendered;
  try {
    rendered = attributedText({ attribution: message.attribution ?? [], body }, budget, options.maxLines, { codeStyle: 'backticks' });
  } catch (error) {
    throw new SendRefusedError((error as Error).message, { cause: error });
  }
  const parts = rendered.parts.length === 0 ? [''] : rendered.parts;
  return limitLines(parts, options.maxLines, rendered.hidden).map((text) =>
    (action ? `\x01ACTION ${rendered.lineStart}${text}\x01` : rendered.lineStart + text));
}

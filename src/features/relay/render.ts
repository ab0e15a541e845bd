/**
 * What a target sees: the identity prefix plus the body, and the readable fallbacks used where
 * the target network lacks a feature (IRC: `* alice edited: …`, `bob: «quoted start…» text`,
 * `* alice reacted 👍 to «…»`).
 */
import type { Message } from '../../core/message.js';
import type { RichText } from '../../core/richtext.js';
import type { DeliveryOptions } from './config.js';
import { identityValues, renderIdentity } from './identity.js';
import type { Excerpt } from './jobs.js';

/** How the target renders: only its formatting matters here (nick colours are IRC only). */
export interface TargetLook {
  readonly formatting: string;
}

/** The author's details, as the identity templates see them. */
function values(message: Message, sourceProtocol: string) {
  return identityValues(message.author, sourceProtocol);
}

function text(s: string): RichText {
  return s === '' ? [] : [{ type: 'text', text: s }];
}

function quoted(quote: Excerpt | undefined): string {
  return quote ? `«${quote.text}»` : 'a message';
}

/** `<alice@irc> ` (the identity template) for a message. */
export function identityPrefix(message: Message, sourceProtocol: string, options: DeliveryOptions, look: TargetLook): RichText {
  return renderIdentity(options.identity, values(message, sourceProtocol), options.nickColours && look.formatting === 'irc');
}

/** The body of a relayed message or action: identity (action identity for /me) plus the text. */
export function relayedBody(message: Message, sourceProtocol: string, options: DeliveryOptions, look: TargetLook): RichText {
  const template = message.kind === 'action' ? options.actionIdentity : options.identity;
  return [...renderIdentity(template, values(message, sourceProtocol), options.nickColours && look.formatting === 'irc'), ...message.body];
}

/** The body of a reply where the target has no replies: `<alice@irc> bob: «quoted start…» text`. */
export function replyFallbackBody(message: Message, sourceProtocol: string, quote: Excerpt | undefined, options: DeliveryOptions, look: TargetLook): RichText {
  const lead = quote ? `${quote.nick}: «${quote.text}» ` : '';
  const template = message.kind === 'action' ? options.actionIdentity : options.identity;
  return [...renderIdentity(template, values(message, sourceProtocol), options.nickColours && look.formatting === 'irc'), ...text(lead), ...message.body];
}

/** `* alice@irc ` followed by `what`: the form of every event shown as text. */
export function eventBody(message: Message, sourceProtocol: string, what: RichText, options: DeliveryOptions, look: TargetLook): RichText {
  return [...text('* '), ...renderIdentity(options.actionIdentity, values(message, sourceProtocol), options.nickColours && look.formatting === 'irc'), ...what];
}

/** `* alice@irc edited: new text`. */
export function editFallbackBody(message: Message, sourceProtocol: string, options: DeliveryOptions, look: TargetLook): RichText {
  return eventBody(message, sourceProtocol, [...text('edited: '), ...message.body], options, look);
}

/** `* alice@irc reacted 👍 to «…»` (or `withdrew 👍 from «…»`). */
export function reactionFallbackBody(message: Message, sourceProtocol: string, reaction: string, removed: boolean, quote: Excerpt | undefined, options: DeliveryOptions, look: TargetLook): RichText {
  const what = removed ? `withdrew ${reaction} from ${quoted(quote)}` : `reacted ${reaction} to ${quoted(quote)}`;
  return eventBody(message, sourceProtocol, text(what), options, look);
}

/** `* alice@irc deleted «…»`. */
export function deleteFallbackBody(message: Message, sourceProtocol: string, quote: Excerpt | undefined, options: DeliveryOptions, look: TargetLook): RichText {
  return eventBody(message, sourceProtocol, text(`deleted ${quoted(quote)}`), options, look);
}

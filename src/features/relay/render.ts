/**
 * What a target sees: the identity prefix (the attribution) and the body, and the readable
 * fallbacks used where the target network lacks a feature (IRC: `* alice edited: …`,
 * `bob: «quoted start…» text`, `* alice reacted 👍 to «…»`).
 *
 * The attribution is kept apart from the body (OutgoingMessage.attribution): a network that
 * shows one message as several lines (IRC) repeats it on every line, so that no line of a
 * relayed message can pass for someone else's.
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

/** A rendered message: who it is from, and what they said. */
export interface Attributed {
  /** The identity prefix (`<alice@irc> `, `* alice@irc `); empty without one. */
  readonly attribution: RichText;
  readonly body: RichText;
}

/** The whole text as one piece: the attribution followed by the body. */
export function wholeText(rendered: Attributed): RichText {
  return [...rendered.attribution, ...rendered.body];
}

/** `template` (an identity template) rendered for the message's author on the target. */
function identity(template: string, message: Message, sourceProtocol: string, options: DeliveryOptions, look: TargetLook): RichText {
  return renderIdentity(template, identityValues(message.author, sourceProtocol), options.nickColours && look.formatting === 'irc');
}

function text(s: string): RichText {
  return s === '' ? [] : [{ type: 'text', text: s }];
}

function quoted(quote: Excerpt | undefined): string {
  return quote ? `«${quote.text}»` : 'a message';
}

/** The identity of a message or action (action identity for /me). */
function messageIdentity(message: Message, sourceProtocol: string, options: DeliveryOptions, look: TargetLook): RichText {
  return identity(message.kind === 'action' ? options.actionIdentity : options.identity, message, sourceProtocol, options, look);
}

/** A relayed message or action: identity (action identity for /me) and the text. */
export function relayedBody(message: Message, sourceProtocol: string, options: DeliveryOptions, look: TargetLook): Attributed {
  return { attribution: messageIdentity(message, sourceProtocol, options, look), body: message.body };
}

/** A reply where the target has no replies: `<alice@irc> ` and `bob: «quoted start…» text`. */
export function replyFallbackBody(message: Message, sourceProtocol: string, quote: Excerpt | undefined, options: DeliveryOptions, look: TargetLook): Attributed {
  const lead = quote ? `${quote.nick}: «${quote.text}» ` : '';
  return { attribution: messageIdentity(message, sourceProtocol, options, look), body: [...text(lead), ...message.body] };
}

/** `* alice@irc ` and `what`: the form of every event shown as text. */
export function eventBody(message: Message, sourceProtocol: string, what: RichText, options: DeliveryOptions, look: TargetLook): Attributed {
  return { attribution: [...text('* '), ...identity(options.actionIdentity, message, sourceProtocol, options, look)], body: what };
}

/** `* alice@irc edited: new text`. */
export function editFallbackBody(message: Message, sourceProtocol: string, options: DeliveryOptions, look: TargetLook): Attributed {
  return eventBody(message, sourceProtocol, [...text('edited: '), ...message.body], options, look);
}

/** `* alice@irc reacted 👍 to «…»` (or `withdrew 👍 from «…»`). */
export function reactionFallbackBody(message: Message, sourceProtocol: string, reaction: string, removed: boolean, quote: Excerpt | undefined, options: DeliveryOptions, look: TargetLook): Attributed {
  const what = removed ? `withdrew ${reaction} from ${quoted(quote)}` : `reacted ${reaction} to ${quoted(quote)}`;
  return eventBody(message, sourceProtocol, text(what), options, look);
}

/** `* alice@irc deleted «…»`. */
export function deleteFallbackBody(message: Message, sourceProtocol: string, quote: Excerpt | undefined, options: DeliveryOptions, look: TargetLook): Attributed {
  return eventBody(message, sourceProtocol, text(`deleted ${quoted(quote)}`), options, look);
}

/**
 * The `delayedPrefix` for a message said at `ts` (ms since the epoch): `{time}` as HH:MM and
 * `{date}` as YYYY-MM-DD in `delayedTimeZone`.
 */
export function delayedLabel(ts: number, options: Pick<DeliveryOptions, 'delayedPrefix' | 'delayedTimeZone'>): string {
  const parts = new Intl.DateTimeFormat('en-GB', {
    timeZone: options.delayedTimeZone, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23',
  }).formatToParts(ts);
  const part = (type: Intl.DateTimeFormatPartTypes): string => parts.find((p) => p.type === type)?.value ?? '';
  const values: Record<string, string> = { time: `${part('hour')}:${part('minute')}`, date: `${part('year')}-${part('month')}-${part('day')}` };
  return options.delayedPrefix.replace(/\{(time|date)\}/g, (_match, name: string) => values[name] ?? '');
}

/**
 * What a late message (caught up after an outage) looks like on a target: networks that can mark
 * it as delayed get its original time (`sentAt`); others get `delayedPrefix` before the attribution.
 */
export function markDelayed<T extends { readonly attribution?: RichText }>(outgoing: T, ts: number, canMark: boolean, options: DeliveryOptions): T & { readonly sentAt?: number } {
  if (canMark) return { ...outgoing, sentAt: ts };
  return { ...outgoing, attribution: [...text(delayedLabel(ts, options)), ...(outgoing.attribution ?? [])] };
}

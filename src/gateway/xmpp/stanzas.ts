/**
 * Small builders every gateway reply uses: results and errors addressed back to the sender.
 * Pure.
 */
import xml, { type Element } from '@xmpp/xml';
import type { RefusalCondition } from '../api.js';
import { NS } from './namespaces.js';

/** The error type RFC 6120 gives each condition we use. */
const ERROR_TYPES: Record<RefusalCondition | 'registration-required' | 'recipient-unavailable', 'cancel' | 'modify' | 'auth' | 'wait'> = {
  'not-authorized': 'auth',
  'registration-required': 'auth',
  'recipient-unavailable': 'wait',
  forbidden: 'auth',
  conflict: 'cancel',
  'not-acceptable': 'modify',
  'bad-request': 'modify',
  'remote-server-not-found': 'cancel',
  'remote-server-timeout': 'wait',
  'service-unavailable': 'cancel',
  'feature-not-implemented': 'cancel',
  'item-not-found': 'cancel',
  'internal-server-error': 'wait',
};

/** Any condition the gateway sends. */
export type ErrorCondition = keyof typeof ERROR_TYPES;

/** The first element child of `el`, if any. */
export function firstChild(el: Element): Element | undefined {
  return el.children.find((c): c is Element => typeof c !== 'string');
}

/** An IQ result to `iq`, with `children`. */
export function iqResult(iq: Element, ...children: Element[]): Element {
  return xml('iq', { type: 'result', from: iq.attrs.to, to: iq.attrs.from, id: iq.attrs.id }, ...children);
}

/**
 * An error reply to `stanza` (RFC 6120 §8.3), with `text` for the person when given. Never for
 * a stanza that is itself an error (the caller checks).
 */
export function errorReply(stanza: Element, condition: ErrorCondition, text?: string): Element {
  return xml(stanza.name, { type: 'error', from: stanza.attrs.to, to: stanza.attrs.from, id: stanza.attrs.id },
    xml('error', { type: ERROR_TYPES[condition] },
      xml(condition, { xmlns: NS.stanzas }),
      text === undefined ? null : xml('text', { xmlns: NS.stanzas, 'xml:lang': 'en' }, text)));
}

/** A chat message from `from` to `to`. */
export function chatMessage(from: string, to: string, body: string, extra: { readonly id?: string; readonly nick?: string } = {}): Element {
  return xml('message', { type: 'chat', from, to, id: extra.id },
    xml('body', {}, body),
    xml('active', { xmlns: NS.chatStates }),
    extra.nick === undefined ? null : xml('nick', { xmlns: NS.nick }, extra.nick));
}

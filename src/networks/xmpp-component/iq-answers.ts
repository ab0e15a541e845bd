/**
 * Answers to the IQ requests (get/set) routed to the component: service discovery (XEP-0030)
 * for the domain, the bot and every puppet, and pings (XEP-0199). Anything else gets the error
 * XMPP expects: `service-unavailable` for a request we do not answer, `item-not-found` for a
 * JID that maps to no one. Pure: request in, reply out.
 */
import xml, { type Element } from '@xmpp/xml';
import { NS } from '../xmpp/namespaces.js';
import type { Addressee } from './addressees.js';

const NS_PING = 'urn:xmpp:ping';

/** What each kind of entity says it is and answers. */
const IDENTITIES: Record<'domain' | 'bot' | 'puppet', { readonly category: string; readonly type: string; readonly features: readonly string[] }> = {
  domain: { category: 'gateway', type: 'irc', features: [NS.discoInfo, NS.discoItems, NS_PING] },
  bot: { category: 'client', type: 'bot', features: [NS.discoInfo, NS.discoItems, NS_PING, NS.muc] },
  puppet: { category: 'client', type: 'pc', features: [NS.discoInfo, NS.discoItems, NS_PING, NS.muc] },
};

/** The reply to an IQ get/set `iq` addressed to `addressee`; `from` is the JID it was sent to. */
export function answerIq(iq: Element, addressee: Addressee, name: string): Element {
  const from = String(iq.attrs.to ?? '');
  const to = typeof iq.attrs.from === 'string' ? iq.attrs.from : undefined;
  const id = typeof iq.attrs.id === 'string' ? iq.attrs.id : undefined;
  const result = (...children: Element[]): Element => xml('iq', { type: 'result', from, to, id }, ...children);
  if (addressee.kind === 'unknown') return errorReply(iq, 'cancel', 'item-not-found');
  const child = iq.children.find((c): c is Element => typeof c !== 'string');
  const xmlns = child?.attrs.xmlns;
  if (iq.attrs.type === 'get' && child?.name === 'ping' && xmlns === NS_PING) return result();
  if (iq.attrs.type === 'get' && child?.name === 'query' && xmlns === NS.discoInfo && child.attrs.node === undefined) {
    const identity = IDENTITIES[addressee.kind];
    const shown = addressee.kind === 'puppet' ? `${addressee.puppet.userId} (${addressee.puppet.network})` : name;
    return result(xml('query', { xmlns: NS.discoInfo },
      xml('identity', { category: identity.category, type: identity.type, name: shown }),
      identity.features.map((feature) => xml('feature', { var: feature }))));
  }
  // No items: people are not listed (unbounded, and nobody's business).
  if (iq.attrs.type === 'get' && child?.name === 'query' && xmlns === NS.discoItems) return result(xml('query', { xmlns: NS.discoItems }));
  return errorReply(iq, 'cancel', 'service-unavailable');
}

/**
 * An error reply to `stanza` (RFC 6120 §8.3): addressed back to its sender, from the JID it was
 * sent to, with its id. Never for a stanza that is itself an error (the caller checks).
 */
export function errorReply(stanza: Element, type: 'cancel' | 'modify' | 'wait', condition: string): Element {
  return xml(stanza.name, { type: 'error', from: stanza.attrs.to, to: stanza.attrs.from, id: stanza.attrs.id },
    xml('error', { type }, xml(condition, { xmlns: NS.stanzas })));
}

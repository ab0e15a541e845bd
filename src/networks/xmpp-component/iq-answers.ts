/**
 * Answers to the IQ requests (get/set) routed to the component: service discovery (XEP-0030)
 * for the domain, the bot and every puppet, pings (XEP-0199) and puppets' vCards (vcard-temp,
 * XEP-0054: their nick). Anything else gets the error XMPP expects: `service-unavailable`, also
 * for a JID that maps to no one (RFC 6121 §8.5.1: a missing account is not told apart from a
 * request it does not answer). Pure: request in, reply out.
 */
import xml, { type Element } from '@xmpp/xml';
import { NS } from '../xmpp/namespaces.js';
import type { Addressee } from './addressees.js';
import type { PuppetId } from './puppet-jid.js';

const NS_PING = 'urn:xmpp:ping';
const NS_VCARD = 'vcard-temp';

/**
 * What each kind of entity says it is and answers. A puppet's bare JID is an account (as a
 * server answers for its users' bare JIDs, with their vCard), its full JID (`…/switchboard`, the
 * occupant and presence source) a client.
 */
const IDENTITIES: Record<'domain' | 'bot' | 'puppet' | 'puppetResource', { readonly category: string; readonly type: string; readonly features: readonly string[] }> = {
  domain: { category: 'gateway', type: 'irc', features: [NS.discoInfo, NS.discoItems, NS_PING] },
  bot: { category: 'client', type: 'bot', features: [NS.discoInfo, NS.discoItems, NS_PING, NS.muc] },
  puppet: { category: 'account', type: 'registered', features: [NS.discoInfo, NS.discoItems, NS_PING, NS_VCARD] },
  puppetResource: { category: 'client', type: 'pc', features: [NS.discoInfo, NS.discoItems, NS_PING, NS.muc] },
};

/**
 * The reply to an IQ get/set `iq` addressed to `addressee`; `from` is the JID it was sent to.
 * `nickOf` names a puppet's person (their nick as last known, else their id).
 */
export function answerIq(iq: Element, addressee: Addressee, name: string, nickOf: (puppet: PuppetId) => string = (p) => p.userId): Element {
  const from = String(iq.attrs.to ?? '');
  const to = typeof iq.attrs.from === 'string' ? iq.attrs.from : undefined;
  const id = typeof iq.attrs.id === 'string' ? iq.attrs.id : undefined;
  const result = (...children: Element[]): Element => xml('iq', { type: 'result', from, to, id }, ...children);
  if (addressee.kind === 'unknown') return errorReply(iq, 'cancel', 'service-unavailable');
  const child = iq.children.find((c): c is Element => typeof c !== 'string');
  const xmlns = child?.attrs.xmlns;
  if (iq.attrs.type === 'get' && child?.name === 'ping' && xmlns === NS_PING) return result();
  if (iq.attrs.type === 'get' && child?.name === 'query' && xmlns === NS.discoInfo && child.attrs.node === undefined) {
    const identity = IDENTITIES[addressee.kind === 'puppet' && from !== addressee.bare ? 'puppetResource' : addressee.kind];
    const shown = addressee.kind === 'puppet' ? `${addressee.puppet.userId} (${addressee.puppet.network})` : name;
    return result(xml('query', { xmlns: NS.discoInfo },
      xml('identity', { category: identity.category, type: identity.type, name: shown }),
      identity.features.map((feature) => xml('feature', { var: feature }))));
  }
  if (iq.attrs.type === 'get' && child?.name === 'vCard' && xmlns === NS_VCARD && addressee.kind === 'puppet') {
    const nick = nickOf(addressee.puppet);
    return result(xml('vCard', { xmlns: NS_VCARD }, xml('FN', {}, nick), xml('NICKNAME', {}, nick)));
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

/**
 * Service discovery (XEP-0030) of the gateway domain and of contact JIDs, pure.
 */
import xml, { type Element } from '@xmpp/xml';
import type { GatewaySettings } from '../api.js';
import { NS } from './namespaces.js';

/** The features of the gateway domain. */
export const GATEWAY_FEATURES: readonly string[] = [NS.discoInfo, NS.discoItems, NS.register, NS.commands, NS.ping];
/** The features of a contact JID. */
export const CONTACT_FEATURES: readonly string[] = [NS.discoInfo, NS.ping, NS.chatStates, NS.correct, NS.nick, NS.vcard, NS.oob, NS.reactions, NS.markers];

/** disco#info of the domain: identity `gateway/<type>` with the gateway's name. */
export function domainInfo(settings: GatewaySettings): Element {
  return xml('query', { xmlns: NS.discoInfo },
    xml('identity', { category: 'gateway', type: settings.identityType, name: settings.name }),
    GATEWAY_FEATURES.map((f) => xml('feature', { var: f })));
}

/** disco#info of a contact JID: a client named after the person (with receipts when the gateway gives them). */
export function contactInfo(name: string, receipts = false): Element {
  return xml('query', { xmlns: NS.discoInfo },
    xml('identity', { category: 'client', type: 'pc', name }),
    (receipts ? [...CONTACT_FEATURES, NS.receipts] : CONTACT_FEATURES).map((f) => xml('feature', { var: f })));
}

/** XML namespaces of the XMPP extensions the adapter speaks. */
export const NS = {
  muc: 'http://jabber.org/protocol/muc',
  mucUser: 'http://jabber.org/protocol/muc#user',
  mucAdmin: 'http://jabber.org/protocol/muc#admin',
  /** XEP-0249 direct MUC invitations. */
  conference: 'jabber:x:conference',
  discoInfo: 'http://jabber.org/protocol/disco#info',
  discoItems: 'http://jabber.org/protocol/disco#items',
  delay: 'urn:xmpp:delay',
  /** XEP-0359 unique and stable stanza ids. */
  sid: 'urn:xmpp:sid:0',
  /** XEP-0308 last message correction. */
  correct: 'urn:xmpp:message-correct:0',
  /** XEP-0424 message retraction (current) and its fastening-based predecessor. */
  retract: 'urn:xmpp:message-retract:1',
  retractLegacy: 'urn:xmpp:message-retract:0',
  fasten: 'urn:xmpp:fasten:0',
  /** XEP-0444 reactions. */
  reactions: 'urn:xmpp:reactions:0',
  /** XEP-0461 replies. */
  reply: 'urn:xmpp:reply:0',
  /** XEP-0428 fallback indication. */
  fallback: 'urn:xmpp:fallback:0',
  /** XEP-0085 chat states. */
  chatStates: 'http://jabber.org/protocol/chatstates',
  /** XEP-0066 out-of-band data. */
  oob: 'jabber:x:oob',
  /** XEP-0363 HTTP file upload. */
  upload: 'urn:xmpp:http:upload:0',
  /** XEP-0334 message processing hints. */
  hints: 'urn:xmpp:hints',
  /** XEP-0393 message styling (`<unstyled/>` turns it off). */
  styling: 'urn:xmpp:styling:0',
  stanzas: 'urn:ietf:params:xml:ns:xmpp-stanzas',
  /** XEP-0313 message archive management, XEP-0297 forwarding, XEP-0059 result set paging, XEP-0004 forms. */
  mam: 'urn:xmpp:mam:2',
  forward: 'urn:xmpp:forward:0',
  rsm: 'http://jabber.org/protocol/rsm',
  dataForms: 'jabber:x:data',
  /** XEP-0421 anonymous unique occupant identifiers (added by the room, stable per real JID). */
  occupantId: 'urn:xmpp:occupant-id:0',
  /** Switchboard's hop marker: `<relayed/>` on a message a bridge relayed. */
  relay: 'urn:switchboard:relay:0',
} as const;

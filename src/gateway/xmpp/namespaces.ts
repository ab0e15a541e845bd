/** The XMPP namespaces the gateway speaks. */
export const NS = {
  register: 'jabber:iq:register',
  commands: 'http://jabber.org/protocol/commands',
  discoInfo: 'http://jabber.org/protocol/disco#info',
  discoItems: 'http://jabber.org/protocol/disco#items',
  ping: 'urn:xmpp:ping',
  chatStates: 'http://jabber.org/protocol/chatstates',
  stanzas: 'urn:ietf:params:xml:ns:xmpp-stanzas',
  correct: 'urn:xmpp:message-correct:0',
  nick: 'http://jabber.org/protocol/nick',
  receipts: 'urn:xmpp:receipts',
  vcard: 'vcard-temp',
  oob: 'jabber:x:oob',
  muc: 'http://jabber.org/protocol/muc',
  mucUser: 'http://jabber.org/protocol/muc#user',
  stableIds: 'urn:xmpp:sid:0',
} as const;

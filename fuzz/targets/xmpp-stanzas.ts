/**
 * XMPP stanzas from a server: the XML parser the client library uses, then the hub's stanza
 * parsers (messages, MUC and contact presences) and the styling parser on every body. Malformed
 * XML may be refused by the XML parser; nothing after it may throw.
 */
import fc from 'fast-check';
import parseXml from '@xmpp/xml/lib/parse.js';
import { NS } from '../../src/networks/xmpp/namespaces.js';
import { parseContactPresence, parseMessage, parseMucPresence } from '../../src/networks/xmpp/stanza-parse.js';
import { parseStyling } from '../../src/networks/xmpp/styling-parse.js';
import type { FuzzTarget } from '../harness.js';

const escape = (text: string): string => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

const CHILDREN = [
  ['body', undefined], ['subject', undefined], ['origin-id', NS.sid], ['stanza-id', NS.sid], ['replace', NS.correct],
  ['retract', NS.retract], ['reactions', NS.reactions], ['reaction', undefined], ['reply', NS.reply], ['x', NS.oob],
  ['url', undefined], ['x', NS.mucUser], ['item', undefined], ['status', undefined], ['delay', NS.delay],
  ['relayed', NS.relay], ['composing', NS.chatStates], ['fallback', 'urn:xmpp:fallback:0'], ['body', 'urn:xmpp:fallback:0'],
  ['error', undefined], ['invite', undefined], ['x', NS.conference], ['apply-to', 'urn:xmpp:fasten:0'], ['moderated', 'urn:xmpp:message-moderate:0'],
] as const;

const text = fc.oneof(fc.string({ unit: 'grapheme', maxLength: 20 }), fc.string({ unit: 'binary', maxLength: 20 }), fc.constantFrom('*bold*', '_x_', '`c`', '> quote\nline', '```\npre\n```'));
const attrValue = fc.oneof(
  fc.constantFrom('lobby@conference.localhost/alice', 'lobby@conference.localhost', 'alice@localhost/res', '', 'x', 'groupchat', 'chat', 'error', 'unavailable', 'moderator', 'owner', '110', '2026-12-07T04:00:00Z', 'not a date'),
  text,
);
const attrs = fc.dictionary(fc.constantFrom('from', 'to', 'id', 'type', 'by', 'jid', 'nick', 'role', 'affiliation', 'code', 'stamp', 'for', 'start', 'end'), attrValue, { maxKeys: 5 })
  .map((a) => Object.entries(a).map(([k, v]) => ` ${k}="${escape(v)}"`).join(''));

type Node = string;
const element: fc.Memo<Node> = fc.memo((depth) => {
  const children = depth <= 1 ? fc.constant<Node[]>([]) : fc.array(element(depth - 1), { maxLength: 3 });
  return fc.tuple(fc.constantFrom(...CHILDREN), attrs, children, fc.option(text, { nil: undefined })).map(([[name, ns], a, kids, t]) =>
    `<${name}${ns === undefined ? '' : ` xmlns="${ns}"`}${a}>${t === undefined ? '' : escape(t)}${kids.join('')}</${name}>`);
});

const stanza = fc.tuple(fc.constantFrom('message', 'presence', 'iq'), attrs, fc.array(element(3), { maxLength: 5 }))
  .map(([name, a, kids]) => `<${name} xmlns="jabber:client"${a}>${kids.join('')}</${name}>`);

export const xmppStanzas: FuzzTarget<string> = {
  name: 'xmpp-stanzas',
  description: 'XMPP stanzas: XML parser, message/presence parsers, XEP-0393 styling of every body',
  input: fc.oneof({ arbitrary: stanza, weight: 4 }, fc.string({ unit: 'binary', maxLength: 200 }).map((s) => `<message from="a@b/c">${s}</message>`)),
  check(xmlText) {
    let el;
    try {
      el = parseXml(xmlText);
    } catch {
      return; // malformed XML: the stream would be closed with an error before any stanza parser
    }
    const message = parseMessage(el);
    parseMucPresence(el);
    parseContactPresence(el);
    if (message?.body !== undefined) parseStyling(message.body);
  },
};

/**
 * What the hub writes to XMPP: rich text rendered as XEP-0393 styling and every stanza builder,
 * serialised. Each must parse back as well-formed XML, and the body must come back as sent
 * (minus the characters XML cannot carry).
 */
import fc from 'fast-check';
import parseXml from '@xmpp/xml/lib/parse.js';
import type { RichText } from '../../src/core/richtext.js';
import { buildChatMessage, buildMucJoin, buildReactions, buildRetraction } from '../../src/networks/xmpp/stanza-build.js';
import { renderStyling } from '../../src/networks/xmpp/styling-render.js';
import { stripInvalidXmlChars } from '../../src/networks/xmpp/xml-chars.js';
import { chatStringArbitrary, richTextArbitrary } from '../../test/unit/arbitraries.js';
import type { FuzzTarget } from '../harness.js';

const anyText = fc.oneof(chatStringArbitrary('any'), fc.string({ unit: 'binary', maxLength: 40 }));

interface Input {
  readonly body: RichText;
  readonly to: string;
  readonly id: string;
  readonly url: string;
  readonly nick: string;
  readonly emoji: string[];
}

export const xmppOutput: FuzzTarget<Input> = {
  name: 'xmpp-output',
  description: 'XMPP stanzas the hub builds (message, retraction, reactions, MUC join): well-formed XML, body intact',
  input: fc.record({ body: richTextArbitrary(), to: anyText, id: anyText, url: anyText, nick: anyText, emoji: fc.array(anyText, { maxLength: 3 }) }),
  check({ body, to, id, url, nick, emoji }) {
    const text = renderStyling(body);
    const message = parseXml(buildChatMessage({ to, type: 'groupchat', id, body: text, replaceId: id, reply: { id, to }, links: [{ url, desc: nick }], relayed: true }).toString());
    const back = message.getChildText('body') ?? '';
    if (back !== stripInvalidXmlChars(text)) throw new Error(`body changed on the way: ${JSON.stringify(text)} -> ${JSON.stringify(back)}`);
    parseXml(buildRetraction({ to, type: 'groupchat', id, targetId: url }).toString());
    parseXml(buildReactions({ to, type: 'groupchat', id, targetId: url, reactions: emoji }).toString());
    parseXml(buildMucJoin({ room: to, nick, password: url }).toString());
  },
};

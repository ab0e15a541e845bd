/**
 * One-to-one messages between XMPP users and puppets. An XMPP user writes to a puppet's JID; the
 * adapter hands the message to the hub as a private message to the person (`recipient` is the
 * puppet, `Network.puppetOf` names the person), and the relay's private messages
 * (features/relay/private.ts) take it from there: its rules, its rate limit, its answers. What
 * the relay cannot deliver comes back here as a `refusal` and goes to the writer as an error
 * stanza of the matching condition, from the puppet, with the id of their message (clients match
 * errors by id, and only a full JID receives a message error: the writer's last resource is
 * remembered).
 */
import xml, { type Element } from '@xmpp/xml';
import { LRUCache } from 'lru-cache';
import type { PrivateRefusal } from '../../core/network.js';
import { NS } from '../xmpp/namespaces.js';
import { bareJid } from '../xmpp/jid.js';
import { stripInvalidXmlChars } from '../xmpp/xml-chars.js';

/** The error type and condition of each refusal (RFC 6120 §8.3.3). */
export const REFUSAL_CONDITIONS: Readonly<Record<PrivateRefusal['reason'], { readonly type: 'wait' | 'cancel'; readonly condition: string }>> = {
  'rate-limited': { type: 'wait', condition: 'resource-constraint' },
  unreachable: { type: 'wait', condition: 'recipient-unavailable' },
  'not-connected': { type: 'wait', condition: 'remote-server-timeout' },
  failed: { type: 'cancel', condition: 'undefined-condition' },
};

/** The error stanza telling `to` that their message `id` to `from` was not delivered, with `text` saying why. */
export function refusalStanza(from: string, to: string, id: string | undefined, reason: PrivateRefusal['reason'], text: string): Element {
  const { type, condition } = REFUSAL_CONDITIONS[reason];
  const said = [...stripInvalidXmlChars(text)].slice(0, 500).join('');
  return xml('message', { type: 'error', from, to, ...(id === undefined ? {} : { id }) },
    xml('error', { type }, xml(condition, { xmlns: NS.stanzas }), said === '' ? null : xml('text', { xmlns: NS.stanzas }, said)));
}

/** The full JID each writer (bare JID) last wrote to a puppet from; bounded. */
export class Writers {
  private readonly last = new LRUCache<string, string>({ max: 10_000 });

  /** Notes that full JID `from` wrote. */
  wrote(from: string): void {
    const bare = bareJid(from);
    if (bare !== '' && bare !== from) this.last.set(bare, from);
  }

  /** Where an answer to `jid` (bare or full) goes: its last full JID, else `jid` itself. */
  fullJid(jid: string): string {
    return this.last.get(bareJid(jid)) ?? jid;
  }
}

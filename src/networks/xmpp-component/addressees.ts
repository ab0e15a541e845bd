/**
 * Who a stanza the server routed to the component is for: the component's domain, the bot
 * occupant, a puppet (a person of another network), or no one.
 */
import { parseJid } from '../xmpp/jid.js';
import { puppetOf, type PuppetId } from './puppet-jid.js';

export type Addressee =
  | { readonly kind: 'domain' }
  | { readonly kind: 'bot' }
  | { readonly kind: 'puppet'; readonly puppet: PuppetId; readonly bare: string }
  | { readonly kind: 'unknown' };

/** Classifies the `to` of a received stanza (the server only routes our domain's JIDs to us). */
export function addresseeOf(to: string, domain: string, botUser: string): Addressee {
  const jid = parseJid(to);
  if (jid === undefined || jid.domain !== domain) return { kind: 'unknown' };
  // @xmpp/jid unescapes nothing and lower-cases the localpart: read it from the text itself.
  const at = to.indexOf('@');
  const slash = to.indexOf('/');
  if (at === -1 || (slash !== -1 && slash < at)) return { kind: 'domain' };
  const local = to.slice(0, at);
  if (local === botUser) return { kind: 'bot' };
  const puppet = puppetOf(local);
  return puppet === undefined ? { kind: 'unknown' } : { kind: 'puppet', puppet, bare: `${local}@${domain}` };
}

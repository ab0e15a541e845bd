/**
 * JIDs through `@xmpp/jid`: it parses them, lower-cases the localpart and domain and escapes the
 * localpart per XEP-0106. Resources (MUC nicks) are kept as they are. The helpers below exist
 * because `parse` throws on text without a domain, and JIDs in stanzas are untrusted input.
 */
import { ownString } from './own-string.js';
import { parse, type JID } from '@xmpp/jid';
import { LRUCache } from 'lru-cache';

/**
 * JIDs seen lately (the rooms, occupants and the hub's own) and their bare form and resource:
 * every stanza asks for them several times, and `@xmpp/jid` parses and checks for XEP-0106
 * escapes each time (about 4 % of the hub's CPU in a relay burst). Bounded; the values are pure
 * functions of the text.
 */
const parsed = new LRUCache<string, { readonly bare: string; readonly resource: string }>({ max: 1024 });

/** The bare JID and resource of `text`, both '' when it is no JID. */
function partsOf(text: string): { readonly bare: string; readonly resource: string } {
  let parts = parsed.get(text);
  if (parts === undefined) {
    const jid = parseJid(text);
    // Copied: the cache must not hold on to the stream data the JID was read from (own-string.ts).
    parts = { bare: ownString(jid?.bare().toString() ?? ''), resource: ownString(jid?.resource ?? '') };
    parsed.set(ownString(text), parts);
  }
  return parts;
}

/** Parses `text`; undefined when it is no JID (it has no domain). */
export function parseJid(text: string): JID | undefined {
  try {
    return parse(text);
  } catch {
    return undefined;
  }
}

/** The bare JID (`local@domain`), lower-cased, as a string (a map key); '' when `text` is no JID. */
export function bareJid(text: string): string {
  return partsOf(text).bare;
}

/** The resource of a full JID (a MUC occupant's nick), or '' for a bare JID (or no JID). */
export function resourceOf(text: string): string {
  return partsOf(text).resource;
}

/**
 * True when `jid` looks like `local@domain` with a dotted or single-label domain and no
 * resource: the config's syntax check, which `@xmpp/jid` does not have.
 */
export function isBareJid(jid: string): boolean {
  return /^[^@/\s]+@[^@/\s]+$/.test(jid);
}

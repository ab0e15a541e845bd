/**
 * JIDs through `@xmpp/jid`: it parses them, lower-cases the localpart and domain and escapes the
 * localpart per XEP-0106. Resources (MUC nicks) are kept as they are. The helpers below exist
 * because `parse` throws on text without a domain, and JIDs in stanzas are untrusted input.
 */
import { parse, type JID } from '@xmpp/jid';

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
  return parseJid(text)?.bare().toString() ?? '';
}

/** The resource of a full JID (a MUC occupant's nick), or '' for a bare JID (or no JID). */
export function resourceOf(text: string): string {
  return parseJid(text)?.resource ?? '';
}

/**
 * True when `jid` looks like `local@domain` with a dotted or single-label domain and no
 * resource: the config's syntax check, which `@xmpp/jid` does not have.
 */
export function isBareJid(jid: string): boolean {
  return /^[^@/\s]+@[^@/\s]+$/.test(jid);
}

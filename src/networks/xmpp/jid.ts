/**
 * Small JID helpers. Room and account JIDs are compared in their bare, lower-cased form (the
 * localpart and domain are case-insensitive); resources (MUC nicks) are kept as they are.
 */

/** The parts of a JID: `local@domain/resource`. */
export interface JidParts {
  readonly local: string;
  readonly domain: string;
  readonly resource: string;
}

/** Splits a JID into its parts; missing parts are empty strings. */
export function splitJid(jid: string): JidParts {
  const slash = jid.indexOf('/');
  const bare = slash >= 0 ? jid.slice(0, slash) : jid;
  const resource = slash >= 0 ? jid.slice(slash + 1) : '';
  const at = bare.indexOf('@');
  return at >= 0
    ? { local: bare.slice(0, at), domain: bare.slice(at + 1), resource }
    : { local: '', domain: bare, resource };
}

/** The bare JID (`local@domain`), lower-cased. */
export function bareJid(jid: string): string {
  const { local, domain } = splitJid(jid);
  return (local === '' ? domain : `${local}@${domain}`).toLowerCase();
}

/** The resource of a full JID (a MUC occupant's nick), or '' for a bare JID. */
export function resourceOf(jid: string): string {
  return splitJid(jid).resource;
}

/** True when `jid` looks like `local@domain` with a dotted or single-label domain and no resource. */
export function isBareJid(jid: string): boolean {
  return /^[^@/\s]+@[^@/\s]+$/.test(jid);
}

/**
 * The stanzas of a gateway room's history (pure): an archived entry as the groupchat message it
 * was (a correction with XEP-0308 `<replace>`, a retraction with XEP-0424 `<retract>`, a reaction
 * with XEP-0444 `<reactions>`), delayed (XEP-0203) for history on join, forwarded in a MAM
 * (XEP-0313) result; and the join's `<history/>` request read with a cap.
 */
import xml, { type Element } from '@xmpp/xml';
import type { ArchivedMessage } from '../../core/room-archive.js';
import { stripInvalidXmlChars as clean } from '../../networks/xmpp/xml-chars.js';
import { occupantJid } from './muc.js';
import { NS } from './namespaces.js';

/** The namespace of the extra fields modules add to what the archive serves (addFieldToUnsigned). */
export const NS_UNSIGNED = 'urn:switchboard:unsigned:0';

/** The archived entry as a groupchat message in `room` (bare JID) to `to`, with its stanza id. */
export function archivedMessage(room: string, to: string | undefined, entry: ArchivedMessage): Element {
  const children = payloadOf(entry);
  children.push(xml('stanza-id', { xmlns: NS.stableIds, by: room, id: entry.stanzaId }));
  return xml('message', { type: 'groupchat', from: entry.nick === '' ? room : occupantJid(room, entry.nick), ...(to === undefined ? {} : { to }), id: entry.stanzaId }, ...children);
}

/** The payload of an entry: its body, with `<replace>` for a correction; `<retract>`; `<reactions>`. */
export function payloadOf(entry: Pick<ArchivedMessage, 'kind' | 'body' | 'action' | 'refers'>): Element[] {
  switch (entry.kind) {
    case 'message':
      return [xml('body', {}, clean(entry.action ? `/me ${entry.body}` : entry.body))];
    case 'correction':
      return [xml('body', {}, clean(entry.action ? `/me ${entry.body}` : entry.body)), xml('replace', { xmlns: NS.correct, id: entry.refers })];
    case 'retraction':
      return [xml('retract', { xmlns: NS.retract, id: entry.refers })];
    case 'reaction':
      return [xml('reactions', { xmlns: NS.reactions, id: entry.refers }, entry.body.split('\n').filter((r) => r !== '').map((r) => xml('reaction', {}, clean(r))))];
  }
}

/** XEP-0203 delay of an entry, from the room. */
function delay(room: string, at: number): Element {
  return xml('delay', { xmlns: NS.delay, from: room, stamp: new Date(at).toISOString() });
}

/** An entry sent as history on join (XEP-0045 §7.2.15). */
export function historyMessage(room: string, to: string, entry: ArchivedMessage): Element {
  const message = archivedMessage(room, to, entry);
  message.append(delay(room, entry.at));
  return message;
}

/**
 * The namespace of a forwarded stanza (XEP-0297 §3): without it the inner `<message>` would be in
 * the `<forwarded/>` element's namespace, which strict clients (slixmpp's XEP-0313 plugin) do not
 * read as a message.
 */
const NS_CLIENT = 'jabber:client';

/** An entry as a MAM result (XEP-0313 §4.2) to `to` for `queryId`, with modules' extra fields. */
export function mamResult(room: string, to: string, queryId: string | undefined, entry: ArchivedMessage, extra: Readonly<Record<string, unknown>>): Element {
  const inner = archivedMessage(room, undefined, entry);
  inner.attrs.xmlns = NS_CLIENT;
  const fields = Object.entries(extra);
  if (fields.length > 0) inner.append(xml('unsigned', { xmlns: NS_UNSIGNED }, clean(JSON.stringify(extra))));
  return xml('message', { from: room, to, id: `${entry.stanzaId}.mam` },
    xml('result', { xmlns: NS.mam, id: entry.stanzaId, ...(queryId === undefined ? {} : { queryid: queryId }) },
      xml('forwarded', { xmlns: NS.forward }, delay(room, entry.at), inner)));
}

/** What a joining client asked for: how many messages at most, and from when. */
export interface HistoryRequest {
  readonly maxStanzas: number;
  /** Only messages at or after this time (ms). */
  readonly since?: number;
}

/**
 * Reads `<x xmlns='…muc'><history maxstanzas seconds since maxchars/></x>` of a join presence:
 * the default amount when absent, never more than `cap`; `maxchars='0'` or `maxstanzas='0'` asks
 * for none; a malformed attribute is ignored (the default applies to it).
 */
export function historyRequest(join: Element, defaults: { readonly amount: number; readonly cap: number }, now: number): HistoryRequest {
  const history = join.getChild('x', NS.muc)?.getChild('history');
  const count = (name: string): number | undefined => {
    const raw = history?.attrs[name];
    return typeof raw === 'string' && /^\d{1,9}$/.test(raw) ? Number(raw) : undefined;
  };
  if (count('maxchars') === 0) return { maxStanzas: 0 };
  const maxStanzas = Math.min(count('maxstanzas') ?? defaults.amount, defaults.cap);
  const seconds = count('seconds');
  const sinceRaw = history?.attrs.since;
  const sinceMs = typeof sinceRaw === 'string' && sinceRaw.length <= 40 ? Date.parse(sinceRaw) : Number.NaN;
  const bounds = [seconds === undefined ? undefined : now - seconds * 1000, Number.isFinite(sinceMs) ? sinceMs : undefined].filter((b): b is number => b !== undefined);
  return bounds.length === 0 ? { maxStanzas } : { maxStanzas, since: Math.max(...bounds) };
}

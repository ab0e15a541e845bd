/**
 * Looks in a room's message archive (XEP-0313, MAM) for messages we sent with given ids. After a
 * restart this tells a delivery written just before a crash (it is in the archive: not sent again)
 * from one that never reached the room (sent now). Results arrive as separate messages before the
 * query's answer; `take` routes them here so that they never count as new messages.
 */
import { randomUUID } from 'node:crypto';
import type { Element } from '@xmpp/xml';
import xml from '@xmpp/xml';
import type { IqCaller } from '@xmpp/iq/caller.js';
import { bareJid, resourceOf } from './jid.js';
import { NS } from './namespaces.js';

/** Archived messages asked for per page. */
const PAGE_SIZE = 100;
/** Most pages read for one lookup (newest first); older messages are not looked at. */
const MAX_PAGES = 20;

/** An archive query that is collecting its results. */
interface OpenQuery {
  readonly room: string;
  readonly ids: string[];
  readonly wanted: (id: string) => boolean;
  readonly sentByUs: (archived: Element) => boolean;
}

/** Who we are in a room, to recognise our own archived messages. */
export interface OurOccupant {
  /** The nicks we may have had in the room (the one now, the configured one). */
  readonly nicks: readonly string[];
  /** Our account's bare JID. */
  readonly account: string;
  /** Our XEP-0421 occupant id in the room, when the room adds them (known from our self-presence). */
  readonly occupantId?: string;
}

/**
 * true when an archived room message was sent by us. With an occupant id (XEP-0421) on it and
 * ours known, that decides. Otherwise its occupant JID must carry one of our nicks and, when the
 * archive shows the sender's real JID (`<x xmlns="…muc#user"><item jid/>`), that must be our
 * account. Anyone else carrying an id we might have used proves nothing.
 */
export function archivedFromUs(archived: Element, room: string, us: OurOccupant): boolean {
  const from = String(archived.attrs.from ?? '');
  if (bareJid(from).toLowerCase() !== room) return false;
  const occupantId = archived.getChild('occupant-id', NS.occupantId)?.attrs.id;
  if (us.occupantId !== undefined && occupantId !== undefined) return occupantId === us.occupantId;
  if (!us.nicks.includes(resourceOf(from))) return false;
  const realJid = archived.getChild('x', NS.mucUser)?.getChild('item')?.attrs.jid;
  return realJid === undefined || bareJid(String(realJid)).toLowerCase() === us.account.toLowerCase();
}

export class ArchiveSearch {
  private readonly open = new Map<string, OpenQuery>();

  /**
   * Takes a MAM result message (true: consumed, whether or not a query of ours waits for it).
   * Results are only believed from the room that was asked.
   */
  take(el: Element): boolean {
    if (el.name !== 'message') return false;
    const result = el.getChild('result', NS.mam);
    if (result === undefined) return false;
    const query = this.open.get(String(result.attrs.queryid ?? ''));
    if (query === undefined || bareJid(String(el.attrs.from ?? '')).toLowerCase() !== query.room) return true;
    const archived = result.getChild('forwarded', NS.forward)?.getChild('message');
    if (archived === undefined || !query.sentByUs(archived)) return true;
    for (const id of messageIds(archived)) {
      if (query.wanted(id) && !query.ids.includes(id)) query.ids.push(id);
    }
    return true;
  }

  /**
   * The ids accepted by `wanted` that messages we (`us`) sent and `room` archived since `since`
   * (ms since the epoch) carry as origin-id or id attribute, newest pages first. Rejects when the
   * room has no archive or the query fails.
   */
  async find(iqCaller: IqCaller, room: string, us: OurOccupant, wanted: (id: string) => boolean, since: number, timeoutMs: number): Promise<string[]> {
    const roomJid = bareJid(room).toLowerCase();
    const query: OpenQuery = { room: roomJid, ids: [], wanted, sentByUs: (archived) => archivedFromUs(archived, roomJid, us) };
    let before = '';
    for (let page = 0; page < MAX_PAGES; page++) {
      const queryId = randomUUID();
      this.open.set(queryId, query);
      try {
        const answer = await iqCaller.request(buildArchiveQuery(room, queryId, since, before), timeoutMs);
        const fin = answer.getChild('fin', NS.mam);
        const first = fin?.getChild('set', NS.rsm)?.getChildText('first');
        if (fin === undefined || fin.attrs.complete === 'true' || first === null || first === undefined || first === '') break;
        before = first;
      } finally {
        this.open.delete(queryId);
      }
    }
    return query.ids;
  }
}

/** The ids a message carries: its XEP-0359 origin-id and its id attribute. */
function messageIds(message: Element): string[] {
  const ids: string[] = [];
  const origin = message.getChild('origin-id', NS.sid)?.attrs.id;
  if (typeof origin === 'string' && origin !== '') ids.push(origin);
  const id = message.attrs.id;
  if (typeof id === 'string' && id !== '' && id !== origin) ids.push(id);
  return ids;
}

/** One page (newest first, before `before`; '' for the newest) of what `room` archived since `since`. */
function buildArchiveQuery(room: string, queryId: string, since: number, before: string): Element {
  return xml('iq', { type: 'set', to: room },
    xml('query', { xmlns: NS.mam, queryid: queryId },
      xml('x', { xmlns: NS.dataForms, type: 'submit' },
        xml('field', { var: 'FORM_TYPE', type: 'hidden' }, xml('value', {}, NS.mam)),
        xml('field', { var: 'start' }, xml('value', {}, new Date(since).toISOString()))),
      xml('set', { xmlns: NS.rsm }, xml('max', {}, String(PAGE_SIZE)), xml('before', {}, before))));
}

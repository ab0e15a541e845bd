/**
 * Looks in a room's message archive (XEP-0313, MAM) for messages we sent with given ids. After a
 * restart this tells a delivery written just before a crash (it is in the archive: not sent again)
 * from one that never reached the room (sent now). Results arrive as separate messages before the
 * query's answer; `take` routes them here so that they never count as new messages. The same
 * backward paging serves the catch-up after an outage (catch-up.ts).
 */
import { randomUUID } from 'node:crypto';
import type { Element } from '@xmpp/xml';
import xml from '@xmpp/xml';
import type { IqCaller } from '@xmpp/iq/caller.js';
import { bareJid, resourceOf } from './jid.js';
import { NS } from './namespaces.js';
import { delayStamp } from './stanza-parse.js';
import type { PagesEnd } from '../catch-up/scan.js';

/** Archived messages asked for per page. */
const PAGE_SIZE = 100;
/** Most pages read for one lookup (newest first); older messages are not looked at. */
const MAX_PAGES = 20;

/** One message of a room's archive. */
export interface ArchivedMessage {
  /** The archive's id for it: the room's stanza-id (XEP-0359) of the message. */
  readonly id: string;
  /** The message as the room sent it (its `from` is the occupant JID). */
  readonly message: Element;
  /** When the room archived it (ms since the epoch), from the forwarding's delay, when valid. */
  readonly stamp?: number;
}

/** How to read an archive backwards. */
export interface PageOptions {
  /** Only messages archived since then (ms since the epoch); absent: all. */
  readonly since?: number;
  /** Messages per page. */
  readonly pageSize: number;
  /** Most pages read. */
  readonly maxPages: number;
  /** How long one page may take. */
  readonly timeoutMs: number;
  /** When (ms since the epoch) the whole read must be over: a page is not asked for after it, nor waited for beyond it. */
  readonly deadline?: number;
}

/** An archive query that is collecting its results. */
interface OpenQuery {
  readonly room: string;
  readonly page: ArchivedMessage[];
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
  const realJid = archivedRealJid(archived);
  return realJid === undefined || realJid === us.account.toLowerCase();
}

/**
 * The sender's real bare JID (lower case) as an archived room message shows it
 * (`<x xmlns="…muc#user"><item jid/>`): undefined when it shows none, null when it shows
 * different ones. A room server adds this element to what it archives, but it does not remove
 * one the sender put in the message itself (Prosody 0.12 appends its own after it), so a claim
 * that disagrees with another is a forgery and proves nothing.
 */
export function archivedRealJid(archived: Element): string | null | undefined {
  let found: string | undefined;
  for (const x of archived.getChildren('x', NS.mucUser)) {
    for (const item of x.getChildren('item')) {
      const jid = item.attrs.jid;
      if (jid === undefined) continue;
      const bare = bareJid(String(jid)).toLowerCase();
      if (found !== undefined && found !== bare) return null;
      found = bare;
    }
  }
  return found;
}

export class ArchiveSearch {
  private readonly open = new Map<string, OpenQuery>();

  /**
   * Takes a MAM result message (true: consumed, whether or not a query of ours waits for it).
   * Results are only believed from the room that was asked, and only with an id.
   */
  take(el: Element): boolean {
    if (el.name !== 'message') return false;
    const result = el.getChild('result', NS.mam);
    if (result === undefined) return false;
    const query = this.open.get(String(result.attrs.queryid ?? ''));
    if (query === undefined || bareJid(String(el.attrs.from ?? '')).toLowerCase() !== query.room) return true;
    const forwarded = result.getChild('forwarded', NS.forward);
    const archived = forwarded?.getChild('message');
    const id = result.attrs.id;
    if (archived === undefined || typeof id !== 'string' || id === '') return true;
    const stamp = delayStamp(forwarded?.getChild('delay', NS.delay));
    query.page.push(stamp === undefined ? { id, message: archived } : { id, message: archived, stamp });
    return true;
  }

  /**
   * Reads `room`'s archive backwards, a page at a time (newest page first): `visit` gets each
   * page's messages in archive order (oldest first) and returns false to stop. Resolves with how
   * it ended: the archive had nothing older (`complete`), `visit` stopped it, or `maxPages` were
   * read. Rejects when the room has no archive, a query fails or times out, or the deadline passed.
   */
  async pagesBackward(iqCaller: IqCaller, room: string, options: PageOptions, visit: (page: readonly ArchivedMessage[]) => boolean): Promise<PagesEnd> {
    const roomJid = bareJid(room).toLowerCase();
    let before = '';
    for (let page = 0; page < options.maxPages; page++) {
      const left = options.deadline === undefined ? options.timeoutMs : Math.min(options.timeoutMs, options.deadline - Date.now());
      if (left <= 0) throw new Error('the archive search ran out of time');
      const queryId = randomUUID();
      const query: OpenQuery = { room: roomJid, page: [] };
      this.open.set(queryId, query);
      let first: string | null | undefined;
      let complete: boolean;
      try {
        const answer = await iqCaller.request(buildArchiveQuery(room, queryId, options, before), left);
        const fin = answer.getChild('fin', NS.mam);
        first = fin?.getChild('set', NS.rsm)?.getChildText('first');
        complete = fin === undefined || fin.attrs.complete === 'true' || first === null || first === undefined || first === '';
      } finally {
        this.open.delete(queryId);
      }
      if (!visit(query.page)) return 'stopped';
      if (complete) return 'complete';
      // An archive that answers the same page again would never end: that is the end.
      if (first === before) return 'complete';
      before = first!;
    }
    return 'page-limit';
  }

  /**
   * The ids accepted by `wanted` that messages we (`us`) sent and `room` archived since `since`
   * (ms since the epoch) carry as origin-id or id attribute, newest pages first. Rejects when the
   * room has no archive or the query fails.
   */
  async find(iqCaller: IqCaller, room: string, us: OurOccupant, wanted: (id: string) => boolean, since: number, timeoutMs: number): Promise<string[]> {
    const roomJid = bareJid(room).toLowerCase();
    const ids: string[] = [];
    await this.pagesBackward(iqCaller, room, { since, pageSize: PAGE_SIZE, maxPages: MAX_PAGES, timeoutMs }, (page) => {
      for (const { message } of page) {
        if (!archivedFromUs(message, roomJid, us)) continue;
        for (const id of messageIds(message)) if (wanted(id) && !ids.includes(id)) ids.push(id);
      }
      return true;
    });
    return ids;
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

/** One page (newest first, before `before`; '' for the newest) of what `room` archived (since `options.since`). */
function buildArchiveQuery(room: string, queryId: string, options: PageOptions, before: string): Element {
  return xml('iq', { type: 'set', to: room },
    xml('query', { xmlns: NS.mam, queryid: queryId },
      xml('x', { xmlns: NS.dataForms, type: 'submit' },
        xml('field', { var: 'FORM_TYPE', type: 'hidden' }, xml('value', {}, NS.mam)),
        options.since === undefined ? null : xml('field', { var: 'start' }, xml('value', {}, new Date(options.since).toISOString()))),
      xml('set', { xmlns: NS.rsm }, xml('max', {}, String(options.pageSize)), xml('before', {}, before))));
}

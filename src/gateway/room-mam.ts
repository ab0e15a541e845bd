/**
 * MAM (XEP-0313) on a gateway room's JID: the person's archive of the room, queried by time
 * range (`start`, `end`), sender (`with`: an occupant JID of the room) and RSM (XEP-0059) paging
 * (`max` capped, `after`/`before` by stanza id, an empty `<before/>` for the last page). Every
 * result is a forwarded message with its delay, then the `<fin/>` with the page's first and last
 * id and whether the page reached the end. Bad input is a clear error: an unparsable or inverted
 * range `bad-request`, a page larger than the cap `not-acceptable`, an unknown id `item-not-found`.
 * Modules may add fields to each served message (`addFieldToUnsigned`, as `<unsigned>` JSON in
 * our namespace inside the archived message).
 */
import xml, { type Element } from '@xmpp/xml';
import type { AnyEvent } from '../core/event.js';
import type { ArchivedMessage } from '../core/room-archive.js';
import { text } from '../core/richtext-ops.js';
import type { RoomHistory } from './room-history.js';
import { NS_DATA } from './xmpp/forms.js';
import { mamResult } from './xmpp/room-archive-stanzas.js';
import { NS } from './xmpp/namespaces.js';
import { errorReply, iqResult, type ErrorCondition } from './xmpp/stanzas.js';

/** What a MAM query needs from the gateway. */
export interface MamHost {
  readonly network: string;
  send(stanza: Element): void;
  /** The modules' extra fields for a served message (addFieldToUnsigned); absent: none. */
  readonly unsignedFields?: (event: AnyEvent) => Promise<Record<string, unknown>>;
}

/** A MAM request understood, or why not. */
type Parsed =
  | { readonly ok: true; readonly start?: number; readonly end?: number; readonly nick?: string; readonly max: number; readonly after?: string; readonly before?: string; readonly last: boolean }
  | { readonly ok: false; readonly condition: ErrorCondition; readonly text: string };

/** The fields of the query form (XEP-0313 §5.1.1). */
export function mamForm(): Element {
  return xml('query', { xmlns: NS.mam },
    xml('x', { xmlns: NS_DATA, type: 'form' },
      xml('field', { var: 'FORM_TYPE', type: 'hidden' }, xml('value', {}, NS.mam)),
      xml('field', { var: 'with', type: 'jid-single' }),
      xml('field', { var: 'start', type: 'text-single' }),
      xml('field', { var: 'end', type: 'text-single' })));
}

/** Reads a `<query xmlns='urn:xmpp:mam:2'>` against the room `roomJid` and the page cap. */
export function parseMamQuery(query: Element, roomJid: string, maxPage: number): Parsed {
  const bad = (t: string): Parsed => ({ ok: false, condition: 'bad-request', text: t });
  const fields = new Map<string, string>();
  const form = query.getChild('x', NS_DATA);
  for (const field of form?.getChildren('field').slice(0, 32) ?? []) {
    const name = field.attrs.var;
    if (typeof name === 'string') fields.set(name, (field.getChildText('value') ?? '').trim().slice(0, 3100));
  }
  const formType = fields.get('FORM_TYPE');
  if (formType !== undefined && formType !== NS.mam) return bad(`unknown form type ${JSON.stringify(formType.slice(0, 60))}`);
  for (const name of fields.keys()) {
    if (!['FORM_TYPE', 'with', 'start', 'end'].includes(name)) return { ok: false, condition: 'feature-not-implemented', text: `the field ${JSON.stringify(name.slice(0, 60))} is not supported` };
  }
  const time = (name: string): number | undefined | null => {
    const raw = fields.get(name);
    if (raw === undefined || raw === '') return undefined;
    const ms = /^\d{4}-\d\d-\d\dT/.test(raw) ? Date.parse(raw) : Number.NaN;
    return Number.isFinite(ms) ? ms : null;
  };
  const start = time('start');
  const end = time('end');
  if (start === null) return bad('start is not an XEP-0082 date and time (like 2026-12-07T21:00:00Z)');
  if (end === null) return bad('end is not an XEP-0082 date and time (like 2026-12-07T21:00:00Z)');
  if (start !== undefined && end !== undefined && start > end) return bad('start is after end');
  let nick: string | undefined;
  const withJid = fields.get('with');
  if (withJid !== undefined && withJid !== '') {
    const slash = withJid.indexOf('/');
    if (slash < 0 || withJid.slice(0, slash).toLowerCase() !== roomJid.toLowerCase() || slash === withJid.length - 1) {
      return bad(`with must be an occupant of this room (${roomJid}/nick)`);
    }
    nick = withJid.slice(slash + 1);
  }
  const set = query.getChild('set', NS.rsm);
  let max = maxPage;
  const maxText = set?.getChildText('max');
  if (maxText !== null && maxText !== undefined) {
    if (!/^\d{1,9}$/.test(maxText.trim())) return bad('max must be a whole number');
    const asked = Number(maxText.trim());
    if (asked > maxPage) return { ok: false, condition: 'not-acceptable', text: `at most ${maxPage} messages per page` };
    max = asked;
  }
  const after = set?.getChildText('after') ?? undefined;
  const beforeEl = set?.getChild('before');
  const before = beforeEl === undefined ? undefined : beforeEl.text();
  if (after !== undefined && before !== undefined) return bad('after and before cannot be used together');
  if (set?.getChild('index') !== undefined) return { ok: false, condition: 'feature-not-implemented', text: 'paging by index is not supported; use after/before' };
  return {
    ok: true, max,
    ...(start === undefined ? {} : { start }), ...(end === undefined ? {} : { end }), ...(nick === undefined ? {} : { nick }),
    ...(after === undefined || after === '' ? {} : { after }), ...(before === undefined || before === '' ? {} : { before }),
    last: before !== undefined,
  };
}

/** Answers the MAM iq `iq` from `owner` (bare JID) on the room `room` (key) with JID `roomJid`. */
export async function answerMam(host: MamHost, history: RoomHistory, iq: Element, query: Element, owner: string, room: string, roomJid: string): Promise<void> {
  if (iq.attrs.type === 'get') return host.send(iqResult(iq, mamForm()));
  const parsed = parseMamQuery(query, roomJid, history.limits.maxPage);
  if (!parsed.ok) return host.send(errorReply(iq, parsed.condition, parsed.text));
  const anchor = async (id: string | undefined): Promise<number | undefined | null> => {
    if (id === undefined) return undefined;
    return (await history.seqOf(owner, room, id.slice(0, 200))) ?? null;
  };
  const afterSeq = await anchor(parsed.after);
  const beforeSeq = await anchor(parsed.before);
  if (afterSeq === null || beforeSeq === null) return host.send(errorReply(iq, 'item-not-found', 'no archived message has that id'));
  const newestFirst = parsed.last;
  const rows = await history.query({
    owner, room, newestFirst, limit: parsed.max + 1,
    ...(parsed.start === undefined ? {} : { start: parsed.start }), ...(parsed.end === undefined ? {} : { end: parsed.end }),
    ...(parsed.nick === undefined ? {} : { nick: parsed.nick }),
    ...(afterSeq === undefined ? {} : { afterSeq }), ...(beforeSeq === undefined ? {} : { beforeSeq }),
  });
  const complete = rows.length <= parsed.max;
  const page = rows.slice(0, parsed.max);
  if (newestFirst) page.reverse();
  const to = String(iq.attrs.from ?? '');
  const queryId = typeof query.attrs.queryid === 'string' ? query.attrs.queryid.slice(0, 200) : undefined;
  for (const entry of page) {
    host.send(mamResult(roomJid, to, queryId, entry, await extraFields(host, entry, roomJid)));
  }
  const first = page[0];
  const last = page.at(-1);
  host.send(iqResult(iq, xml('fin', { xmlns: NS.mam, ...(complete ? { complete: 'true' } : {}) },
    xml('set', { xmlns: NS.rsm },
      first === undefined ? null : xml('first', {}, first.stanzaId),
      last === undefined ? null : xml('last', {}, last.stanzaId)))));
}

/** The modules' fields for one served message (none when no module adds any, or on failure). */
async function extraFields(host: MamHost, entry: ArchivedMessage, roomJid: string): Promise<Record<string, unknown>> {
  if (host.unsignedFields === undefined || entry.kind !== 'message') return {};
  const channel = { network: host.network, id: entry.room, name: roomJid };
  const author = { network: host.network, id: entry.nick, nick: entry.nick };
  const event: AnyEvent = {
    network: host.network, sender: entry.nick, command: 'MESSAGE', ts: entry.at,
    args: { channel, message: { id: entry.stanzaId, channel, author, kind: entry.action ? 'action' : 'message', body: [text(entry.body)], attachments: [], ts: entry.at, delayed: true } },
  };
  return host.unsignedFields(event).catch(() => ({}));
}

/**
 * Parsers for the stanzas the adapter receives. Pure functions: element in, plain data out.
 * They never throw on odd input: unknown elements are ignored and missing attributes left out,
 * so a malformed stanza yields less data, not a crash.
 */
import type { Element } from '@xmpp/xml';
import { NS } from './namespaces.js';
import { CHAT_STATES, type ChatState, type OobLink } from './stanza-build.js';
import { bareJid, resourceOf } from './jid.js';

/** What a `<message>` stanza carries, as far as the adapter cares. */
export interface ParsedMessage {
  readonly type: string;
  readonly from: string;
  readonly to: string;
  /** The stanza's `id` attribute. */
  readonly id?: string;
  /** XEP-0359 origin-id set by the sender. */
  readonly originId?: string;
  /** XEP-0359 stanza-id set by the room (groupchat) or our server (chat). */
  readonly stanzaId?: string;
  /** The body with any reply fallback (XEP-0461/XEP-0428) removed. */
  readonly body?: string;
  /** true when the sender asked for no styling (`<unstyled/>`). */
  readonly unstyled: boolean;
  /** true when the message carries a delay (XEP-0203): history or offline delivery. */
  readonly delayed: boolean;
  /** When it was originally sent (ms since the epoch), from the delay's stamp. */
  readonly sentAt?: number;
  /** The room subject, when the message sets one (may be empty). */
  readonly subject?: string;
  /** XEP-0308: id of the corrected message. */
  readonly replaceId?: string;
  /** XEP-0424: id of the retracted message. */
  readonly retractId?: string;
  /** XEP-0444: the sender's full reaction set for message `id`. */
  readonly reactions?: { readonly id: string; readonly emojis: readonly string[] };
  /** XEP-0461: the message replied to. */
  readonly reply?: { readonly id: string; readonly to?: string };
  readonly chatState?: ChatState;
  /** XEP-0066 links. */
  readonly links: readonly OobLink[];
  /** For type=error: the error condition. */
  readonly error?: string;
  /** An invitation to a room: mediated (XEP-0045 §7.8.2) or direct (XEP-0249). */
  readonly invite?: { readonly room: string; readonly from: string; readonly reason?: string };
  /** true when it carries a bridge's hop marker (`<relayed xmlns="urn:switchboard:relay:0"/>`). */
  readonly relayed?: true;
}

/**
 * The first child element of `el` named `name` (in namespace `ns` when given): what ltx's
 * `getChild` returns, without the array of all matches it builds first (a parsed message is
 * asked for some twenty children).
 */
export function child(el: Element, name: string, ns?: string): Element | undefined {
  const { children } = el;
  for (let i = 0; i < children.length; i++) {
    const c = children[i];
    if (typeof c === 'object' && c.is(name, ns)) return c;
  }
  return undefined;
}

const attr = (el: Element | undefined, name: string): string | undefined => {
  const value = el?.attrs[name];
  return value === undefined || value === '' ? undefined : value;
};

/** The XEP-0359 stanza-id added by the room (groupchat) or our server (others). */
function stanzaIdElement(el: Element, type: string, from: string, to: string): Element | undefined {
  const by = type === 'groupchat' ? bareJid(from) : bareJid(to);
  const { children } = el;
  for (let i = 0; i < children.length; i++) {
    const c = children[i];
    if (typeof c === 'object' && c.is('stanza-id', NS.sid) && bareJid(c.attrs.by ?? '') === by) return c;
  }
  return undefined;
}

/**
 * Just the ids of a groupchat message (id attribute, origin-id, the room's stanza-id): enough
 * for our own messages reflected by a room, which need no further parsing.
 */
export function groupchatIds(el: Element): { readonly id?: string; readonly originId?: string; readonly stanzaId?: string } {
  const from = attr(el, 'from') ?? '';
  return omitUndefined({
    id: attr(el, 'id'),
    originId: attr(child(el, 'origin-id', NS.sid), 'id'),
    stanzaId: attr(stanzaIdElement(el, 'groupchat', from, ''), 'id'),
  });
}

/** Parses a `<message>`; undefined for anything else or one without a sender. */
export function parseMessage(el: Element): ParsedMessage | undefined {
  if (el.name !== 'message') return undefined;
  const from = attr(el, 'from');
  if (from === undefined) return undefined;
  const type = attr(el, 'type') ?? 'normal';
  const to = attr(el, 'to') ?? '';
  const stanzaId = stanzaIdElement(el, type, from, to);
  const subject = child(el, 'subject');
  const bodyEl = child(el, 'body');
  const reply = child(el, 'reply', NS.reply);
  const reactions = child(el, 'reactions', NS.reactions);
  const reactionsId = attr(reactions, 'id');
  const replyId = attr(reply, 'id');
  return omitUndefined({
    type,
    from,
    to,
    id: attr(el, 'id'),
    originId: attr(child(el, 'origin-id', NS.sid), 'id'),
    stanzaId: attr(stanzaId, 'id'),
    body: bodyEl === undefined ? undefined : stripFallbacks(bodyEl.text(), el),
    unstyled: child(el, 'unstyled', NS.styling) !== undefined,
    delayed: child(el, 'delay', NS.delay) !== undefined,
    sentAt: delayStamp(child(el, 'delay', NS.delay)),
    subject: subject === undefined ? undefined : subject.text(),
    replaceId: attr(child(el, 'replace', NS.correct), 'id'),
    retractId: retractionTarget(el),
    reactions: reactionsId === undefined ? undefined : { id: reactionsId, emojis: uniqueReactions(reactions) },
    reply: replyId === undefined ? undefined : omitUndefined({ id: replyId, to: attr(reply, 'to') }),
    chatState: CHAT_STATES.find((state) => child(el, state, NS.chatStates) !== undefined),
    links: el.getChildren('x', NS.oob).flatMap((x) => oobLink(x)),
    error: type === 'error' ? errorCondition(el) : undefined,
    invite: inviteOf(el, from),
    relayed: child(el, 'relayed', NS.relay) === undefined ? undefined : (true as const),
  });
}

function inviteOf(el: Element, from: string): ParsedMessage['invite'] {
  const mediated = child(el, 'x', NS.mucUser)?.getChild('invite');
  const inviter = attr(mediated, 'from');
  if (mediated !== undefined && inviter !== undefined) {
    return omitUndefined({ room: bareJid(from), from: inviter, reason: mediated.getChildText('reason') || undefined });
  }
  const direct = child(el, 'x', NS.conference);
  const room = attr(direct, 'jid');
  if (room === undefined) return undefined;
  return omitUndefined({ room: bareJid(room), from, reason: attr(direct, 'reason') });
}

/** The XEP-0082 date-time (ms since the epoch) of a delay element (XEP-0203), when valid. */
export function delayStamp(delay: Element | undefined): number | undefined {
  const stamp = delay?.attrs.stamp;
  if (stamp === undefined || !/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/.test(stamp)) return undefined;
  const ms = Date.parse(stamp);
  return Number.isFinite(ms) ? ms : undefined;
}

function retractionTarget(el: Element): string | undefined {
  const current = attr(child(el, 'retract', NS.retract), 'id');
  if (current !== undefined) return current;
  const applyTo = child(el, 'apply-to', NS.fasten);
  return applyTo?.getChild('retract', NS.retractLegacy) ? attr(applyTo, 'id') : undefined;
}

/** Most distinct reactions read from one stanza; the rest are ignored (each is relayed on its own). */
export const MAX_REACTIONS = 20;
/** Longest reaction read (UTF-16 units): an emoji, even a long ZWJ sequence, fits; longer text is ignored. */
export const MAX_REACTION_LENGTH = 64;

/** The distinct reactions of a XEP-0444 element, at most `MAX_REACTIONS`, each at most `MAX_REACTION_LENGTH` long. */
function uniqueReactions(reactions: Element | undefined): string[] {
  const unique = new Set<string>();
  for (const reaction of reactions?.getChildren('reaction') ?? []) {
    const text = reaction.text().trim();
    if (text !== '' && text.length <= MAX_REACTION_LENGTH) unique.add(text);
    if (unique.size === MAX_REACTIONS) break;
  }
  return [...unique];
}

function oobLink(x: Element): OobLink[] {
  const url = x.getChildText('url')?.trim();
  if (!url || !/^https?:\/\//i.test(url)) return [];
  const desc = x.getChildText('desc')?.trim();
  return [desc ? { url, desc } : { url }];
}

/**
 * Removes the fallback parts of a body (XEP-0428) that belong to replies (the quoted original):
 * ranges are in Unicode code points; a body without ranges for a reply is wholly fallback.
 */
function stripFallbacks(body: string, el: Element): string {
  const ranges: Array<readonly [number, number]> = [];
  let points: string[] | undefined;
  for (const fallback of el.getChildren('fallback', NS.fallback)) {
    if (fallback.attrs.for !== NS.reply) continue;
    for (const range of fallback.getChildren('body')) {
      points ??= [...body];
      const start = Number(range.attrs.start);
      const end = Number(range.attrs.end);
      if (!Number.isInteger(start) || !Number.isInteger(end) || start < 0 || end > points.length || start >= end) continue;
      ranges.push([start, end]);
    }
  }
  if (points === undefined || ranges.length === 0) return body;
  // Sorted and merged, so the work is linear in the body however many ranges overlap.
  ranges.sort((a, b) => a[0] - b[0]);
  let kept = '';
  let from = 0;
  for (const [start, end] of ranges) {
    if (start > from) kept += points.slice(from, start).join('');
    from = Math.max(from, end);
  }
  return kept + points.slice(from).join('');
}

function errorCondition(el: Element): string {
  const error = child(el, 'error');
  const condition = error?.getChildElements().find((c) => c.getNS() === NS.stanzas && c.name !== 'text');
  return condition?.name ?? 'undefined-condition';
}

/** A presence from a MUC occupant (XEP-0045), or undefined when it is not one. */
export interface MucPresence {
  /** Bare room JID, lower-cased. */
  readonly room: string;
  readonly nick: string;
  readonly type: 'available' | 'unavailable' | 'error';
  /** Status codes (110 self, 303 nick change, 307 kicked, 301 banned, 201 created, ...). */
  readonly codes: readonly number[];
  readonly affiliation?: string;
  readonly role?: string;
  /** The occupant's real JID, in non-anonymous rooms. */
  readonly realJid?: string;
  /** XEP-0421 occupant id the room put on the presence (stable per real JID), when it does. */
  readonly occupantId?: string;
  /** The new nick, with status 303. */
  readonly newNick?: string;
  /** Who kicked or banned (nick), with 307/301. */
  readonly actor?: string;
  readonly reason?: string;
  readonly show?: string;
  readonly status?: string;
  /** For type=error: the condition (e.g. `conflict` for a taken nick). */
  readonly error?: string;
  /** true when the room was destroyed (XEP-0045 §10.9). */
  readonly destroyed?: boolean;
}

/** Parses a presence carrying MUC user data (or a MUC error); undefined for other presences. */
export function parseMucPresence(el: Element): MucPresence | undefined {
  if (el.name !== 'presence') return undefined;
  const from = attr(el, 'from');
  const type = attr(el, 'type') ?? 'available';
  const x = child(el, 'x', NS.mucUser);
  // Errors (a taken nick, a wrong password) carry no muc#user data: the caller matches the room.
  if (from === undefined || (x === undefined && type !== 'error')) return undefined;
  if (type !== 'available' && type !== 'unavailable' && type !== 'error') return undefined;
  const nick = resourceOf(from);
  if (nick === '') return undefined;
  const item = x?.getChild('item');
  return omitUndefined<MucPresence>({
    room: bareJid(from),
    nick,
    type: type as MucPresence['type'],
    codes: (x?.getChildren('status') ?? []).map((s) => Number(s.attrs.code)).filter((c) => Number.isInteger(c)),
    affiliation: attr(item, 'affiliation'),
    role: attr(item, 'role'),
    realJid: attr(item, 'jid'),
    occupantId: attr(child(el, 'occupant-id', NS.occupantId), 'id'),
    newNick: attr(item, 'nick'),
    actor: attr(item?.getChild('actor'), 'nick'),
    reason: item?.getChildText('reason') ?? undefined,
    show: showOf(el),
    status: el.getChildText('status') || undefined,
    error: type === 'error' ? errorCondition(el) : undefined,
    destroyed: x?.getChild('destroy') !== undefined ? true : undefined,
  });
}

/** A presence from a contact (not a MUC occupant). */
export interface ContactPresence {
  readonly from: string;
  readonly type: string;
  readonly show?: string;
  readonly status?: string;
}

/** Parses a plain presence; undefined for MUC presences and ones without a sender. */
export function parseContactPresence(el: Element): ContactPresence | undefined {
  const from = attr(el, 'from');
  if (el.name !== 'presence' || from === undefined || child(el, 'x', NS.mucUser) !== undefined) return undefined;
  return omitUndefined({
    from,
    type: attr(el, 'type') ?? 'available',
    show: showOf(el),
    status: el.getChildText('status') || undefined,
  });
}

/** The `<show/>` value when it is one RFC 6121 defines; anything else counts as none. */
function showOf(el: Element): string | undefined {
  const show = el.getChildText('show')?.trim();
  return show === 'away' || show === 'chat' || show === 'dnd' || show === 'xa' ? show : undefined;
}

/** Drops keys whose value is undefined, so results compare cleanly and survive JSON. */
function omitUndefined<T extends object>(value: T): T {
  const kept: Record<string, unknown> = {};
  const all = value as Record<string, unknown>;
  // Plain object literals only (no inherited keys); no entry arrays made.
  for (const key in all) if (all[key] !== undefined) kept[key] = all[key];
  return kept as T;
}

/**
 * Corrections (XEP-0308), retractions (XEP-0424) and reactions (XEP-0444) the person sends in a
 * room (ADR 0010 "Corrections, retractions, reactions, styling and splitting in rooms").
 * Protocol-neutral: the legacy room gets what plain text can say through `onRoomText`:
 *
 * - a correction: the new text followed by ` (correction)` (the one-to-one fallback's marker);
 * - a reaction: a /me `reacted 👍 to "excerpt…"` naming only the emojis added since the person's
 *   last reaction to that message (a withdrawal sends nothing);
 * - a retraction: nothing (a legacy room such as IRC cannot delete a line), and the person's
 *   resources are told so by the room.
 *
 * Each is archived AS what it is (kind, referring to the original's stanza id), so history on
 * join and MAM give back XEP-0308/0424/0444 payloads, and reflected to every resource of the
 * person in the room with the id their client sent (XEP-0045 §7.2.2).
 *
 * The message referred to must be known: among the last MAX_KNOWN messages of the room seen in
 * this run (by its stanza id, or for the person's own messages the id their client gave), or else
 * in the person's archive of the room (by stanza id). Only the person's own messages may be
 * corrected or retracted; a reaction may go to anyone's. An unknown id is refused
 * (item-not-found), someone else's message forbidden.
 */
import xml, { type Element } from '@xmpp/xml';
import { randomUUID } from 'node:crypto';
import type { AccountVerdict } from '../core/account-hooks.js';
import type { ArchivedKind } from '../core/room-archive.js';
import type { Logger } from '../core/log.js';
import { parseStyling } from '../networks/xmpp/styling-parse.js';
import { plainText } from '../networks/xmpp/styling-render.js';
import type { RoomHistory } from './room-history.js';
import type { Room } from './rooms.js';
import type { UserSession } from './session.js';
import { occupantJid } from './xmpp/muc.js';
import { NS } from './xmpp/namespaces.js';
import { payloadOf } from './xmpp/room-archive-stanzas.js';
import { errorReply, type ErrorCondition } from './xmpp/stanzas.js';

/** Messages of a room remembered for their edits (per room and session). */
export const MAX_KNOWN = 1000;
/** Most reactions taken from one stanza, and the longest one (characters: an emoji sequence). */
const MAX_REACTIONS = 20;
const MAX_REACTION_CHARS = 32;
/** The longest message id taken. */
const MAX_ID_CHARS = 256;
/** Characters of the original quoted in a reaction's text. */
const EXCERPT_CHARS = 40;

/** What the person's resources are told after a retraction (it is not archived). */
export const RETRACTED_NOTE = 'Retracted here and in the archive; this network cannot delete a message, so the people in the room on its side still see it.';

/** What a groupchat message of the person edits, if anything. */
export type RoomEdit =
  | { readonly kind: 'correction'; readonly refers: string; readonly body: string }
  | { readonly kind: 'retraction'; readonly refers: string }
  | { readonly kind: 'reaction'; readonly refers: string; readonly emojis: readonly string[] }
  | { readonly kind: 'invalid'; readonly text: string };

/** The edit a groupchat message carries (XEP-0308 `<replace>` with a body, `<retract>`, `<reactions>`), undefined when none. */
export function roomEditOf(message: Element): RoomEdit | undefined {
  const replace = message.getChild('replace', NS.correct);
  const retract = message.getChild('retract', NS.retract);
  const reactions = message.getChild('reactions', NS.reactions);
  const element = replace ?? retract ?? reactions;
  if (element === undefined) return undefined;
  const refers = element.attrs.id;
  if (typeof refers !== 'string' || refers === '' || refers.length > MAX_ID_CHARS) return { kind: 'invalid', text: 'a correction, retraction or reaction needs the id of the message it refers to' };
  if (replace !== undefined) {
    const body = message.getChildText('body');
    return body === null ? { kind: 'invalid', text: 'a correction needs a body' } : { kind: 'correction', refers, body };
  }
  if (retract !== undefined) return { kind: 'retraction', refers };
  const emojis = [...new Set((reactions?.getChildren('reaction') ?? []).map((r) => r.text().trim()))]
    .filter((e) => e !== '' && e.length <= MAX_REACTION_CHARS && !/[\p{Cc}\n]/u.test(e)).slice(0, MAX_REACTIONS);
  return { kind: 'reaction', refers, emojis };
}

/** A message of the room, as edits need it. */
interface Known {
  readonly stanzaId: string;
  readonly nick: string;
  /** Sent by the person (through the gateway). */
  readonly own: boolean;
  excerpt: string;
  /** The person's reactions to it now (XEP-0444 sends the whole set each time). */
  reactions: readonly string[];
}

/** The text a reaction quotes: the start of the message on one line, without its XEP-0393 markup. */
function excerptOf(body: string): string {
  const line = plainText(parseStyling(body.slice(0, 4 * EXCERPT_CHARS))).replace(/\s+/gu, ' ').trim();
  const chars = [...line];
  return chars.length <= EXCERPT_CHARS ? line : `${chars.slice(0, EXCERPT_CHARS).join('')}…`;
}

/** The last MAX_KNOWN messages of one room, by stanza id, and the person's own also by their client's id. */
class RecentMessages {
  readonly #byStanza = new Map<string, Known>();
  readonly #byClient = new Map<string, Known>();

  add(known: Known, clientId: string | undefined): void {
    this.#byStanza.set(known.stanzaId, known);
    if (clientId !== undefined) this.#byClient.set(clientId, known);
    for (const map of [this.#byStanza, this.#byClient]) {
      if (map.size > MAX_KNOWN) map.delete(map.keys().next().value as string);
    }
  }

  /** By stanza id first: a client's id never hides another message's stanza id. */
  get(id: string): Known | undefined {
    return this.#byStanza.get(id) ?? this.#byClient.get(id);
  }

  forget(known: Known): void {
    this.#byStanza.delete(known.stanzaId);
    for (const [id, entry] of this.#byClient) if (entry === known) this.#byClient.delete(id);
  }
}

/** What edits need from the group chats. */
export interface RoomEditHost {
  readonly log: Logger;
  readonly maxBodyChars: number;
  readonly history?: RoomHistory;
  send(stanza: Element): void;
}

/** A message said in a room, remembered for edits. */
export interface SaidMessage {
  readonly stanzaId: string;
  /** The id the person's client gave its own message. */
  readonly clientId?: string;
  readonly nick: string;
  readonly body: string;
  readonly own: boolean;
}

/** The module check of a text going to the legacy room (checkEventAllowed, in order with the room's messages). */
export type SendCheck = (text: string, action: boolean) => Promise<AccountVerdict>;

export class RoomEdits {
  readonly #recent = new WeakMap<Room, RecentMessages>();

  constructor(private readonly host: RoomEditHost) {}

  /** A message said in `room` (by anyone), remembered as something an edit may refer to. */
  said(room: Room, message: SaidMessage): void {
    let recent = this.#recent.get(room);
    if (recent === undefined) {
      recent = new RecentMessages();
      this.#recent.set(room, recent);
    }
    recent.add({ stanzaId: message.stanzaId, nick: message.nick, own: message.own, excerpt: excerptOf(message.body), reactions: [] }, message.clientId);
  }

  /** Applies `edit`, sent by `session`'s person in `room` (joined, with a nick) as `message`; refusals answer it. */
  async apply(message: Element, edit: RoomEdit, session: UserSession, room: Room, check: SendCheck): Promise<void> {
    const refuse = (condition: ErrorCondition, text: string): void => this.host.send(errorReply(message, condition, text));
    const self = room.self;
    if (self === undefined) return refuse('not-acceptable', 'you are not in this room; join it first');
    if (edit.kind === 'invalid') return refuse('bad-request', edit.text);
    const target = await this.#find(session, room, edit.refers);
    if (target === undefined) return refuse('item-not-found', 'that message is not known in this room: corrections, retractions and reactions refer to a message of the room by its id');
    if (edit.kind !== 'reaction' && !target.own) return refuse('forbidden', `you may only ${edit.kind === 'correction' ? 'correct' : 'retract'} your own messages`);
    let archived: { readonly kind: ArchivedKind; readonly body: string; readonly action: boolean };
    let legacyText: { readonly text: string; readonly action: boolean } | undefined;
    switch (edit.kind) {
      case 'correction': {
        if (edit.body.length > this.host.maxBodyChars) return refuse('not-acceptable', `the message is too long (at most ${this.host.maxBodyChars} characters)`);
        const action = edit.body.startsWith('/me ');
        const text = action ? edit.body.slice(4) : edit.body;
        archived = { kind: 'correction', body: text, action };
        legacyText = { text: `${text} (correction)`, action };
        break;
      }
      case 'reaction': {
        const added = edit.emojis.filter((e) => !target.reactions.includes(e));
        archived = { kind: 'reaction', body: edit.emojis.join('\n'), action: false };
        legacyText = added.length === 0 ? undefined : { text: `reacted ${added.join(' ')} to "${target.excerpt}"`, action: true };
        break;
      }
      case 'retraction':
        archived = { kind: 'retraction', body: '', action: false };
    }
    if (legacyText !== undefined) {
      const send = session.legacy.onRoomText;
      if (send === undefined) return refuse('feature-not-implemented', 'group messages are not supported on this network');
      const verdict = await check(legacyText.text, legacyText.action);
      if (!verdict.allowed) return refuse('forbidden', verdict.reason);
      let reported = false;
      const undelivered = (reason: string): void => {
        if (reported) return;
        reported = true;
        refuse('recipient-unavailable', `not delivered: ${reason.slice(0, 300)}`);
      };
      await send.call(session.legacy, room.key, legacyText.text, { action: legacyText.action, undelivered });
    }
    const stanzaId = randomUUID();
    const id = typeof message.attrs.id === 'string' && message.attrs.id !== '' ? message.attrs.id : stanzaId;
    this.host.history?.record(session.jid, room.key, { stanzaId, nick: self.nick, ...archived, refers: target.stanzaId });
    if (edit.kind === 'correction') target.excerpt = excerptOf(archived.body);
    if (edit.kind === 'reaction') target.reactions = edit.emojis;
    if (edit.kind === 'retraction') this.#recent.get(room)?.forget(target);
    // Reflected with the id the client named, so it matches its own copy (XEP-0045 §7.2.2).
    for (const resource of room.resources) {
      this.host.send(xml('message', { type: 'groupchat', from: occupantJid(room.jid, self.nick), to: resource, id },
        ...payloadOf({ ...archived, refers: edit.refers }),
        xml('stanza-id', { xmlns: NS.stableIds, by: room.jid, id: stanzaId })));
      if (edit.kind === 'retraction') this.host.send(xml('message', { type: 'groupchat', from: room.jid, to: resource }, xml('body', {}, RETRACTED_NOTE)));
    }
  }

  /** The message `id` names in `room`: remembered, or in the person's archive (by stanza id). */
  async #find(session: UserSession, room: Room, id: string): Promise<Known | undefined> {
    const known = this.#recent.get(room)?.get(id);
    if (known !== undefined) return known;
    const history = this.host.history;
    if (history === undefined) return undefined;
    try {
      const seq = await history.seqOf(session.jid, room.key, id);
      if (seq === undefined) return undefined;
      const [entry] = await history.query({ owner: session.jid, room: room.key, afterSeq: seq - 1, newestFirst: false, limit: 1 });
      if (entry?.stanzaId !== id || entry.kind !== 'message') return undefined;
      // The archive keeps nicks, not senders: the person's own are those under their nick now.
      return { stanzaId: id, nick: entry.nick, own: entry.nick === room.self?.nick, excerpt: excerptOf(entry.body), reactions: [] };
    } catch (error) {
      this.host.log.warn({ user: session.jid, room: room.key, err: error }, 'gateway: reading the room archive for an edit failed');
      return undefined;
    }
  }
}

/**
 * Builders for the stanzas the adapter sends. Pure functions: data in, element out. Every text
 * and attribute value goes through `stripInvalidXmlChars`, and @xmpp/xml escapes markup, so
 * nothing relayed can leave the element it was put in.
 */
import xml, { Element, type XmlChild } from '@xmpp/xml';
import { NS } from './namespaces.js';
import { stripInvalidXmlChars as clean } from './xml-chars.js';

export type MessageType = 'groupchat' | 'chat';

/** XEP-0085 chat states. */
export type ChatState = 'active' | 'composing' | 'paused' | 'inactive' | 'gone';

/** The chat states, for parsing. */
export const CHAT_STATES: readonly ChatState[] = ['active', 'composing', 'paused', 'inactive', 'gone'];

/** A link sent as XEP-0066 out-of-band data. */
export interface OobLink {
  readonly url: string;
  readonly desc?: string;
}

/** A chat or groupchat message. `id` is used as both the stanza id and the origin-id. */
export interface ChatMessageSpec {
  readonly to: string;
  readonly type: MessageType;
  readonly id: string;
  readonly body: string;
  /** Id of the message this corrects (XEP-0308). */
  readonly replaceId?: string;
  /** The message replied to (XEP-0461): its id and, when known, its author's JID. */
  readonly reply?: { readonly id: string; readonly to?: string };
  /** Out-of-band links (XEP-0066), for files. */
  readonly links?: readonly OobLink[];
  /** A private message to a room occupant (XEP-0045 §7.5): marked so clients show it as such. */
  readonly mucPrivate?: boolean;
  /** Carries the hop marker `<relayed xmlns="urn:switchboard:relay:0"/>`: a bridge relayed it. */
  readonly relayed?: boolean;
  /** When it was originally said (ms since the epoch), for a message relayed late: a XEP-0203 delay. */
  readonly sentAt?: number;
}

/** Builds a message with body, origin-id, and the correction/reply/OOB/hop-marker elements asked for. */
export function buildChatMessage(spec: ChatMessageSpec): Element {
  const id = clean(spec.id);
  return withChildren(
    element('message', { to: clean(spec.to), type: spec.type, id }),
    element('body', {}, clean(spec.body)),
    element('origin-id', { xmlns: NS.sid, id }),
    spec.replaceId !== undefined && xml('replace', { xmlns: NS.correct, id: clean(spec.replaceId) }),
    spec.reply !== undefined &&
      xml('reply', { xmlns: NS.reply, id: clean(spec.reply.id), to: spec.reply.to === undefined ? undefined : clean(spec.reply.to) }),
    spec.links?.map((link) =>
      xml('x', { xmlns: NS.oob }, xml('url', {}, clean(link.url)), link.desc === undefined ? null : xml('desc', {}, clean(link.desc))),
    ),
    spec.mucPrivate === true && xml('x', { xmlns: NS.mucUser }),
    spec.relayed === true && element('relayed', { xmlns: NS.relay }),
    spec.sentAt !== undefined && Number.isFinite(spec.sentAt) && xml('delay', { xmlns: NS.delay, stamp: new Date(spec.sentAt).toISOString() }),
  );
}

/**
 * An element as `xml(name, attrs, text)` makes it, for attributes that are all strings: without
 * the walk over the attributes' entries and the second copy of them `xml()` makes (the message
 * every relayed message becomes is built with it). An empty text adds no child, as with `xml()`.
 */
function element(name: string, attrs: Record<string, string>, text?: string): Element {
  const el = new Element(name);
  el.attrs = attrs;
  if (text !== undefined && text !== '') el.children.push(text);
  return el;
}

/** Appends `children` to `el` as `xml(name, attrs, ...children)` would (false, null and '' left out, arrays flattened). */
function withChildren(el: Element, ...children: XmlChild[]): Element {
  for (const child of children) {
    if (Array.isArray(child)) withChildren(el, ...(child as XmlChild[]));
    else if (typeof child === 'string') {
      if (child !== '') el.children.push(child);
    } else if (child !== null && child !== undefined && child !== false) {
      const node = child as Element;
      el.children.push(node);
      node.parent = el;
    }
  }
  return el;
}

/** Text clients without retraction support show instead. */
const RETRACTION_FALLBACK = 'This person attempted to retract a previous message, but your client does not support it.';

/** A retraction (XEP-0424) of message `targetId`, in the current and the older (fastening) form. */
export function buildRetraction(spec: { to: string; type: MessageType; id: string; targetId: string }): Element {
  const targetId = clean(spec.targetId);
  return xml(
    'message',
    { to: clean(spec.to), type: spec.type, id: clean(spec.id) },
    xml('retract', { xmlns: NS.retract, id: targetId }),
    xml('apply-to', { xmlns: NS.fasten, id: targetId }, xml('retract', { xmlns: NS.retractLegacy })),
    xml('fallback', { xmlns: NS.fallback, for: NS.retract }),
    xml('body', {}, RETRACTION_FALLBACK),
    xml('store', { xmlns: NS.hints }),
  );
}

/** The full set of our reactions (XEP-0444) to message `targetId`; an empty set withdraws all. */
export function buildReactions(spec: {
  to: string;
  type: MessageType;
  id: string;
  targetId: string;
  reactions: readonly string[];
}): Element {
  return xml(
    'message',
    { to: clean(spec.to), type: spec.type, id: clean(spec.id) },
    xml('reactions', { xmlns: NS.reactions, id: clean(spec.targetId) }, spec.reactions.map((r) => xml('reaction', {}, clean(r)))),
    xml('store', { xmlns: NS.hints }),
  );
}

/** A standalone chat state notification (XEP-0085). */
export function buildChatState(spec: { to: string; type: MessageType; state: ChatState }): Element {
  return xml('message', { to: clean(spec.to), type: spec.type }, xml(spec.state, { xmlns: NS.chatStates }), xml('no-store', { xmlns: NS.hints }));
}

/** Joins a MUC room as `nick`, asking for no history (XEP-0045 §7.2). */
export function buildMucJoin(spec: { room: string; nick: string; password?: string }): Element {
  return xml(
    'presence',
    { to: `${clean(spec.room)}/${clean(spec.nick)}` },
    xml(
      'x',
      { xmlns: NS.muc },
      xml('history', { maxstanzas: '0' }),
      spec.password === undefined ? null : xml('password', {}, clean(spec.password)),
    ),
  );
}

/** Leaves a MUC room. */
export function buildMucLeave(spec: { room: string; nick: string; reason?: string }): Element {
  return xml(
    'presence',
    { to: `${clean(spec.room)}/${clean(spec.nick)}`, type: 'unavailable' },
    spec.reason ? xml('status', {}, clean(spec.reason)) : null,
  );
}

/** One change in a MUC admin request: a role by nick (kick) or an affiliation by JID (ban). */
export type MucAdminItem =
  | { readonly nick: string; readonly role: 'none' | 'visitor' | 'participant' | 'moderator'; readonly reason?: string }
  | { readonly jid: string; readonly affiliation: 'outcast' | 'none' | 'member' | 'admin' | 'owner'; readonly reason?: string };

/** The `<query xmlns=muc#admin>` child of a role/affiliation change IQ (XEP-0045 §8, §9). */
export function buildMucAdminQuery(item: MucAdminItem): Element {
  const attrs = 'nick' in item ? { nick: clean(item.nick), role: item.role } : { jid: clean(item.jid), affiliation: item.affiliation };
  return xml('query', { xmlns: NS.mucAdmin }, xml('item', attrs, item.reason ? xml('reason', {}, clean(item.reason)) : null));
}

/** The `<request>` child of an XEP-0363 upload slot IQ. */
export function buildUploadRequest(spec: { filename: string; size: number; contentType?: string }): Element {
  return xml('request', {
    xmlns: NS.upload,
    filename: clean(spec.filename),
    size: String(spec.size),
    'content-type': spec.contentType === undefined ? undefined : clean(spec.contentType),
  });
}

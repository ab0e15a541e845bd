/**
 * The room configuration form (XEP-0045 §10.2, `muc#roomconfig`; ADR 0010 "Room configuration,
 * voice, persistent rooms"): an owner `get` shows the legacy room's configuration as a form, a
 * `submit` changes what differs (the legacy session's `configureRoom`: IRC sends one MODE line),
 * a `cancel` changes nothing. A change of the room's public/hidden visibility is asked of the
 * modules first (checkVisibilityCanBeModified, and userMayPublishRoom when it becomes public).
 * Untrusted input: values are bounded (a password of at most {@link MAX_PASSWORD} characters, a
 * limit of at most {@link MAX_USERS}), anything else is `not-acceptable` with why.
 */
import xml, { type Element } from '@xmpp/xml';
import { LegacyRefusal, type FormField, type RoomConfig } from './api.js';
import type { Logger } from '../core/log.js';
import type { RoomHooks } from '../core/room-hooks.js';
import type { Room } from './rooms.js';
import type { UserSession } from './session.js';
import { buildForm, NS_DATA, readSubmission } from './xmpp/forms.js';
import { NS } from './xmpp/namespaces.js';
import { errorReply, iqResult } from './xmpp/stanzas.js';

/** The form's type (XEP-0045 §15.5.3). */
export const ROOMCONFIG = 'http://jabber.org/protocol/muc#roomconfig';
/** The longest room password taken from the form. */
export const MAX_PASSWORD = 100;
/** The largest occupant limit taken from the form. */
export const MAX_USERS = 65_534;

const F = {
  changeSubject: 'muc#roomconfig_changesubject',
  moderated: 'muc#roomconfig_moderatedroom',
  membersOnly: 'muc#roomconfig_membersonly',
  passwordProtected: 'muc#roomconfig_passwordprotectedroom',
  secret: 'muc#roomconfig_roomsecret',
  maxUsers: 'muc#roomconfig_maxusers',
  public: 'muc#roomconfig_publicroom',
} as const;

/** The form's fields with `config`'s values. */
function fields(config: RoomConfig): FormField[] {
  const bool = (value: boolean): string => (value ? 'true' : 'false');
  return [
    { var: F.changeSubject, type: 'boolean', label: 'Allow occupants to change the subject (IRC: -t)', value: bool(config.subjectByAnyone) },
    { var: F.moderated, type: 'boolean', label: 'Only people with voice may speak (IRC: +m)', value: bool(config.moderated) },
    { var: F.membersOnly, type: 'boolean', label: 'Invited people only (IRC: +i)', value: bool(config.membersOnly) },
    { var: F.passwordProtected, type: 'boolean', label: 'Password protected (IRC: a key, +k)', value: bool(config.password !== '') },
    { var: F.secret, type: 'text-private', label: 'Password (the channel key: no spaces or commas)', value: config.password },
    { var: F.maxUsers, type: 'text-single', label: `Most occupants (IRC: +l; empty or 0: no limit; at most ${MAX_USERS})`, value: config.maxUsers === 0 ? '' : String(config.maxUsers) },
    { var: F.public, type: 'boolean', label: 'Public: shown in the network\'s channel list (IRC: -s)', value: bool(config.public) },
  ];
}

/** The configuration form of the room `name` (an owner `query` result). */
export function configQuery(name: string, config: RoomConfig): Element {
  const form = buildForm(fields(config), { title: `Configuration of ${name}`, instructions: 'IRC keeps these as channel modes; changing them needs operator (@) status in the channel.' });
  return xml('query', { xmlns: NS.mucOwner },
    xml('x', { xmlns: NS_DATA, type: 'form' }, xml('field', { var: 'FORM_TYPE', type: 'hidden' }, xml('value', {}, ROOMCONFIG)), ...form.children));
}

/**
 * What a submitted form changes of `current` (only what differs), or why it is refused. A
 * `cancel` is an empty change.
 */
export function readConfigChange(x: Element | undefined, current: RoomConfig): { readonly ok: true; readonly change: Partial<RoomConfig> } | { readonly ok: false; readonly text: string } {
  if (x?.attrs.type === 'cancel') return { ok: true, change: {} };
  const read = readSubmission(x, fields(current));
  if (!read.ok) return { ok: false, text: read.reason };
  const v = read.values;
  const change: { -readonly [K in keyof RoomConfig]?: RoomConfig[K] } = {};
  const flag = (name: string): boolean => v[name] === 'true';
  if (flag(F.changeSubject) !== current.subjectByAnyone) change.subjectByAnyone = flag(F.changeSubject);
  if (flag(F.moderated) !== current.moderated) change.moderated = flag(F.moderated);
  if (flag(F.membersOnly) !== current.membersOnly) change.membersOnly = flag(F.membersOnly);
  if (flag(F.public) !== current.public) change.public = flag(F.public);
  const secret = v[F.secret] ?? '';
  const password = flag(F.passwordProtected) ? secret : '';
  if (flag(F.passwordProtected) && secret === '') return { ok: false, text: 'a password-protected room needs a password' };
  if (password.length > MAX_PASSWORD) return { ok: false, text: `the password is too long (at most ${MAX_PASSWORD} characters)` };
  if (password !== current.password) change.password = password;
  const limit = (v[F.maxUsers] ?? '').trim();
  if (limit !== '' && !/^\d{1,9}$/u.test(limit)) return { ok: false, text: 'the most occupants must be a whole number' };
  const maxUsers = limit === '' ? 0 : Number(limit);
  if (maxUsers > MAX_USERS) return { ok: false, text: `the most occupants is at most ${MAX_USERS}` };
  if (maxUsers !== current.maxUsers) change.maxUsers = maxUsers;
  return { ok: true, change };
}

/** What the configuration needs from the gateway. */
export interface RoomConfigHost {
  readonly log: Logger;
  readonly hooks: RoomHooks;
  send(stanza: Element): void;
}

/** An owner `get` (the form) or `set` (a submission) of `room` from the person's resource `from`. */
export async function answerRoomConfig(host: RoomConfigHost, iq: Element, query: Element, session: UserSession, room: Room | undefined, from: string): Promise<void> {
  const refuse = (error: unknown): void => {
    if (!(error instanceof LegacyRefusal)) host.log.warn({ user: session.jid, room: room?.key, err: error }, 'gateway: a room configuration failed');
    host.send(errorReply(iq, error instanceof LegacyRefusal ? error.condition : 'internal-server-error', error instanceof LegacyRefusal ? error.message : 'internal error'));
  };
  if (room === undefined || !room.resources.has(from) || room.self === undefined) return host.send(errorReply(iq, 'not-acceptable', 'you are not in this room; join it first'));
  const { roomConfig, configureRoom } = session.legacy;
  if (roomConfig === undefined || configureRoom === undefined) return host.send(errorReply(iq, 'feature-not-implemented', 'room configuration is not supported on this network'));
  try {
    const current = await roomConfig.call(session.legacy, room.key);
    if (iq.attrs.type === 'get') return host.send(iqResult(iq, configQuery(room.name, current)));
    const read = readConfigChange(query.getChild('x', NS_DATA), current);
    if (!read.ok) throw new LegacyRefusal(read.text, 'not-acceptable');
    if (read.change.public !== undefined) {
      const allowed = await host.hooks.mayChangeVisibility({ jid: session.jid, nick: room.self.nick }, room.key, read.change.public ? 'public' : 'private');
      if (!allowed.allowed) throw new LegacyRefusal(allowed.reason, 'forbidden');
    }
    if (Object.keys(read.change).length > 0) await configureRoom.call(session.legacy, room.key, read.change);
    host.log.info({ user: session.jid, room: room.key, changed: Object.keys(read.change) }, 'gateway: a room configuration was changed');
    host.send(iqResult(iq));
  } catch (error) {
    refuse(error);
  }
}

/**
 * Puppets in rooms without a server, for unit tests: a PuppetRooms whose sent stanzas are kept,
 * and the room's answers played by the test.
 */
import xml, { type Element } from '@xmpp/xml';
import { silentLogger } from '../../src/core/log.js';
import type { UserRef } from '../../src/core/refs.js';
import { LogOnce } from '../../src/networks/log-once.js';
import { PuppetRooms } from '../../src/networks/xmpp-component/puppet-rooms.js';

export const ROOM = 'lobby@conference.example.org';
export const NS_MUC_USER = 'http://jabber.org/protocol/muc#user';

/** A PuppetRooms (`taken`: nicks others hold in every room) and the room's side of the talk. */
export function setup(options: { maxPerRoom?: number; taken?: readonly string[]; maxJoinsInFlight?: number } = {}) {
  const sent: Element[] = [];
  let clock = 1_000_000;
  const puppets = new PuppetRooms({
    domain: 'irc.example.org',
    logOnce: new LogOnce(silentLogger()),
    joinTimeoutMs: 5000,
    maxPerRoom: options.maxPerRoom ?? 10,
    ...(options.maxJoinsInFlight === undefined ? {} : { maxJoinsInFlight: options.maxJoinsInFlight }),
    roomPasswords: {},
    send: async (el) => {
      sent.push(el);
    },
    nickTaken: (_room, nick) => (options.taken ?? []).includes(nick),
    now: () => clock,
  });
  /** The room accepts the last join (or `join`): a self-presence to the puppet. */
  const accept = (join: Element = sent.at(-1)!): void => {
    puppets.onPresence(xml('presence', { from: String(join.attrs.to), to: String(join.attrs.from) },
      xml('x', { xmlns: NS_MUC_USER }, xml('item', { role: 'participant' }), xml('status', { code: '110' }))), String(join.attrs.from));
  };
  /** The room refuses the last join with `condition`. */
  const refuse = (condition: string): void => {
    const join = sent.at(-1)!;
    puppets.onPresence(xml('presence', { from: String(join.attrs.to), to: String(join.attrs.from), type: 'error' },
      xml('error', { type: 'cancel' }, xml(condition, { xmlns: 'urn:ietf:params:xml:ns:xmpp-stanzas' }))), String(join.attrs.from));
  };
  const tick = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));
  /** `user`'s puppet joins `room` (the room accepts). */
  const joined = async (user: UserRef, room = ROOM): Promise<void> => {
    const joining = puppets.ensure(room, user);
    await tick();
    accept();
    if ((await joining)?.state !== 'joined') throw new Error(`${user.id} did not join ${room}`);
  };
  /** The room tells the puppet `jid` that it changed nick from `oldNick` to `newNick` (status 303). */
  const nickChanged = (jid: string, oldNick: string, newNick: string, room = ROOM): void => {
    puppets.onPresence(xml('presence', { from: `${room}/${oldNick}`, to: jid, type: 'unavailable' },
      xml('x', { xmlns: NS_MUC_USER }, xml('item', { nick: newNick }), xml('status', { code: '303' }), xml('status', { code: '110' }))), jid);
  };
  return { puppets, sent, accept, refuse, tick, joined, nickChanged, advance: (ms: number) => { clock += ms; } };
}

export const alice: UserRef = { network: 'irc', id: 'alice', nick: 'alice' };
export const bob: UserRef = { network: 'irc', id: 'bob', nick: 'bob' };

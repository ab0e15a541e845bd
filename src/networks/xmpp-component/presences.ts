/**
 * Remote people's presence on XMPP: subscription requests to puppets (RFC 6121 §3) are
 * answered, probes get the person's current state, and every change the relay tells goes to the
 * puppet's subscribers and to whoever the presence router callbacks add (presence-routing.ts).
 *
 * - `subscribe` to a person in a bridged room now: `subscribed` (with their nick, XEP-0172) and
 *   their presence; to anyone else, or past the limits (subscriptions.ts): `unsubscribed`.
 * - `unsubscribe`: forgotten, answered with `unavailable` (their roster shows them offline).
 * - `probe` (the server asks on a subscriber's behalf, at login): the current state for a
 *   subscriber or for someone `getInterestedUsers` lets see the person; `unsubscribed` for anyone
 *   else (RFC 6121 §4.3.2).
 * - `subscribed` / `unsubscribed` (about the puppet's subscription to the user): nothing to do,
 *   puppets do not ask for users' presence.
 */
import xml, { type Element } from '@xmpp/xml';
import type { PresenceArgs } from '../../core/catalog.js';
import type { PresenceRouterCalls } from '../../core/network.js';
import type { LogOnce } from '../log-once.js';
import { bareJid } from '../xmpp/jid.js';
import { stripInvalidXmlChars } from '../xmpp/xml-chars.js';
import type { PuppetId } from './puppet-jid.js';
import { puppetBareJid, type People, type PersonState } from './people.js';
import { presenceRecipients, type PuppetUpdate } from './presence-routing.js';
import { PUPPET_RESOURCE, puppetNick } from './puppet-rooms.js';
import type { Subscriptions } from './subscriptions.js';

const NS_NICK = 'http://jabber.org/protocol/nick';
/** Most recipients of one batch of updates. */
const MAX_RECIPIENTS = 10_000;
/** Longest status text sent (code points). */
const MAX_STATUS_CHARS = 500;

/** What the presence side needs from the adapter. */
export interface PresencesDeps {
  /** The network's name (user ids `network:jid` for the presence router). */
  readonly network: string;
  readonly domain: string;
  readonly people: People;
  readonly subscriptions: Subscriptions;
  readonly routing?: PresenceRouterCalls;
  readonly logOnce: LogOnce;
  /** Sends a stanza (its `from` set); rejects when there is no connection. */
  send(el: Element): Promise<void>;
  /** true while the connection is up. */
  online(): boolean;
}

export class Presences {
  /** The batches being delivered, in order. */
  private sending: Promise<void> = Promise.resolve();

  constructor(private readonly deps: PresencesDeps) {}

  /**
   * A presence of type subscribe, unsubscribe, subscribed, unsubscribed or probe sent to the
   * puppet `puppet` (bare JID) of `person`. Never throws; a send failure is logged once.
   */
  async request(el: Element, person: PuppetId, puppet: string): Promise<void> {
    const from = typeof el.attrs.from === 'string' ? bareJid(el.attrs.from) : '';
    if (from === '') return;
    const { subscriptions, people } = this.deps;
    const state = people.get(puppet);
    try {
      switch (el.attrs.type) {
        case 'subscribe': {
          const outcome = state === undefined ? 'unknown' : await subscriptions.add(puppet, from);
          if (state === undefined || outcome === 'full') {
            this.deps.logOnce.log('info', `subscribe-refused:${outcome}`, { puppet, outcome },
              'a presence subscription to a puppet was refused: the person is in no bridged room now, or a limit was reached (logged once per reason)');
            return await this.deps.send(xml('presence', { type: 'unsubscribed', from: puppet, to: from }));
          }
          await this.deps.send(xml('presence', { type: 'subscribed', from: puppet, to: from }, xml('nick', { xmlns: NS_NICK }, puppetNick(state.user))));
          return await this.deps.send(presenceStanza(puppet, from, state));
        }
        case 'unsubscribe':
          await subscriptions.remove(puppet, from);
          return await this.deps.send(presenceStanza(puppet, from, undefined));
        case 'probe':
          if (subscriptions.has(puppet, from) || await this.interested(from, person)) return await this.deps.send(presenceStanza(puppet, from, state));
          return await this.deps.send(xml('presence', { type: 'unsubscribed', from: puppet, to: from }));
        default:
          return;
      }
    } catch (error) {
      this.deps.logOnce.log('warn', `presence-request:${(error as Error).message}`, { err: error }, 'could not answer a presence request to a puppet');
    }
  }

  /** Whether `getInterestedUsers` lets `jid` see `person`'s presence. */
  private async interested(jid: string, person: PuppetId): Promise<boolean> {
    const routing = this.deps.routing;
    if (routing === undefined || !routing.active()) return false;
    const users = await routing.interestedUsers(`${this.deps.network}:${jid}`);
    return users === 'all' || users.has(`${person.network}:${person.userId}`);
  }

  /**
   * The relay told `updates`: noted at once, and sent to whoever gets them while online, one batch
   * after the other (a slow presence router cannot reorder a person's changes). Never throws.
   */
  update(updates: readonly PresenceArgs[]): Promise<void> {
    const noted: PuppetUpdate[] = [];
    for (const update of updates) {
      const puppet = this.deps.people.update(update);
      if (puppet !== undefined) noted.push({ puppet, update });
    }
    if (noted.length === 0 || !this.deps.online()) return Promise.resolve();
    const sent = this.sending.then(() => this.deliver(updates, noted));
    this.sending = sent.catch(() => undefined);
    return this.sending;
  }

  private async deliver(updates: readonly PresenceArgs[], noted: readonly PuppetUpdate[]): Promise<void> {
    const { domain } = this.deps;
    await this.deps.subscriptions.load().catch(() => undefined);
    let routed: ReadonlyMap<string, ReadonlySet<PresenceArgs>> | undefined;
    const routing = this.deps.routing;
    if (routing?.active() === true) routed = await routing.usersForStates(updates).catch(() => undefined);
    const delivery = presenceRecipients(noted, (p) => this.deps.subscriptions.subscribersOf(p), routed, {
      network: this.deps.network, domain, maxRecipients: MAX_RECIPIENTS, puppetOf: (u) => puppetBareJid(u.user, domain),
    });
    if (delivery.truncated) this.deps.logOnce.log('warn', 'presence-recipients', { max: MAX_RECIPIENTS }, `a presence change had more than ${MAX_RECIPIENTS} recipients; the rest were left out`);
    await this.sendAll(delivery.recipients);
  }

  /**
   * Every subscriber gets the current state of the people they subscribed to, unavailable ones
   * included (after a connect: who left while the component was away must not stay online).
   */
  async announce(): Promise<void> {
    await this.deps.subscriptions.load();
    const recipients = new Map<string, Map<string, Shown>>();
    for (const puppet of this.deps.subscriptions.puppets()) {
      const update: Shown = this.deps.people.get(puppet) ?? { state: 'offline' };
      for (const to of this.deps.subscriptions.subscribersOf(puppet)) {
        let mine = recipients.get(to);
        if (mine === undefined) recipients.set(to, (mine = new Map()));
        mine.set(puppet, update);
      }
    }
    await this.sendAll(recipients);
  }

  /**
   * The unavailable presences of every available person to their subscribers, for a clean
   * shutdown (nobody stays online in a roster while the component is away).
   */
  goodbyes(): Element[] {
    const stanzas: Element[] = [];
    for (const puppet of this.deps.subscriptions.puppets()) {
      if (this.deps.people.get(puppet) === undefined) continue;
      for (const to of this.deps.subscriptions.subscribersOf(puppet)) stanzas.push(presenceStanza(puppet, to, undefined));
    }
    return stanzas;
  }

  private async sendAll(recipients: ReadonlyMap<string, ReadonlyMap<string, Shown>>): Promise<void> {
    const sends: Promise<void>[] = [];
    for (const [to, updates] of recipients) {
      for (const [puppet, update] of updates) sends.push(this.deps.send(presenceStanza(puppet, to, update)));
    }
    const failed = (await Promise.allSettled(sends)).find((r) => r.status === 'rejected');
    if (failed !== undefined) this.deps.logOnce.log('warn', 'presence-send', { err: (failed as PromiseRejectedResult).reason }, 'could not send puppets\' presence');
  }
}

/** What a presence stanza shows of a person. */
type Shown = Pick<PersonState, 'state' | 'status'>;

/** The presence of the puppet `puppet` for `to`: `state` (available, with show and status), or unavailable. */
export function presenceStanza(puppet: string, to: string, state: Shown | undefined): Element {
  const from = `${puppet}/${PUPPET_RESOURCE}`;
  if (state === undefined || state.state === 'offline') return xml('presence', { type: 'unavailable', from, to });
  const show = state.state === 'online' ? undefined : state.state;
  const status = state.status === undefined ? '' : [...stripInvalidXmlChars(state.status)].slice(0, MAX_STATUS_CHARS).join('');
  return xml('presence', { from, to }, show === undefined ? null : xml('show', {}, show), status === '' ? null : xml('status', {}, status));
}

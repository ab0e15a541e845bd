/**
 * Private messages to remote people (PyLink's cross-network direct messages): someone writes to
 * a remote person's user of their own (an irc-link virtual client); the relay hands it to the
 * person on their own network, where that network delivers one-to-one messages — natively from
 * the writer's user of their own on a network with puppets, else from the bridge's bot with the
 * writer's name in front (XMPP: a private message through the room, to the occupant). The
 * person's answer to the bot comes back from their user of their own to whoever wrote to them
 * last (within CONVERSATION_MS).
 *
 * Protection: a message only ever goes to a person who has a user of their own here AND is a
 * member of a bridged channel on their network right now (never to an arbitrary address), at
 * most RATE.count per writer within RATE.windowMs. The one exception: a person may answer someone
 * who wrote to them within CONVERSATION_MS wherever that writer is (an XMPP user who wrote to a
 * puppet's JID from outside any room). What cannot be delivered is answered to the writer with a
 * NOTICE saying so, which carries the reason (`refusal`) for networks that answer with an error.
 */
import type { Message } from '../../core/message.js';
import type { UserRef } from '../../core/refs.js';
import type { PrivateRefusal } from '../../core/network.js';
import type { ModuleApi } from '../../modules/api.js';
import { RateWindow } from '../../core/rate-window.js';
import type { RelayBridge } from './config.js';

/** Private messages one writer may send to remote people. */
const RATE = { count: 10, windowMs: 60_000 } as const;
/** How long an answer to the bot still goes to the last writer. */
const CONVERSATION_MS = 60 * 60_000;
/** Most conversations remembered (the oldest are forgotten first). */
const MAX_CONVERSATIONS = 10_000;

/** Why a private message was not delivered, for the writer. */
interface Problem {
  readonly reason: PrivateRefusal['reason'];
  readonly text: string;
}

function key(user: UserRef): string {
  return `${user.network}\u0000${user.id}`;
}

export class PrivateMessages {
  private readonly rate = new RateWindow(RATE.count, RATE.windowMs);
  /** Remote person → who wrote to them last, and when. */
  private readonly conversations = new Map<string, { readonly partner: UserRef; readonly at: number }>();

  constructor(private readonly api: ModuleApi, private readonly bridges: readonly RelayBridge[]) {}

  /** A private message (no channel) seen on `network`: relayed when it concerns a remote person. */
  async received(network: string, message: Message): Promise<void> {
    const recipient = message.recipient;
    if (!recipient) return;
    const remote = this.api.network(network)?.puppetOf(recipient);
    if (remote) return this.toRemote(network, message, remote);
    return this.answer(message);
  }

  /** `message.author` wrote to `remote`'s user of their own on `network`. */
  private async toRemote(network: string, message: Message, remote: UserRef): Promise<void> {
    const here = this.api.network(network);
    if (!here) return;
    const author = message.author;
    let problem: Problem | undefined;
    if (!this.rate.allow(key(author), Date.now())) problem = { reason: 'rate-limited', text: 'too many private messages; wait a minute' };
    else if (!this.isBridgedMember(remote) && !this.wroteLately(remote, author)) problem = { reason: 'unreachable', text: `${remote.nick ?? remote.id} is not in a bridged room on ${remote.network} now` };
    else problem = await this.deliver(remote, author, message);
    if (problem === undefined) {
      this.remember(remote, author);
      return;
    }
    const text = `Your message was not delivered: ${problem.text}.`;
    await here.send({
      target: { user: author }, kind: 'notice', body: [{ type: 'text', text }], asUser: remote,
      refusal: { messageId: message.id, reason: problem.reason },
    }).catch(() => undefined);
  }

  /** Sends `message` to `to` on their network as `from`; a problem, or undefined when sent. */
  private async deliver(to: UserRef, from: UserRef, message: Message): Promise<Problem | undefined> {
    const handle = this.api.network(to.network);
    if (!handle || handle.state() !== 'connected') return { reason: 'not-connected', text: `${to.network} is not connected` };
    const kind = message.kind === 'action' ? 'action' : message.kind === 'notice' ? 'notice' : 'message';
    const puppets = handle.capabilities.puppets === true;
    try {
      await handle.send({
        target: { user: to }, kind, body: message.body,
        ...(puppets ? { asUser: from } : { attribution: [{ type: 'text', text: `<${from.nick ?? from.id}@${from.network}> ` }] }),
      });
      return undefined;
    } catch (error) {
      return { reason: 'failed', text: `${to.network} cannot deliver it (${(error as Error).message.slice(0, 100)})` };
    }
  }

  /** A private message to the bot from someone written to lately: back to the writer, from them. */
  private async answer(message: Message): Promise<void> {
    const entry = this.conversations.get(key(message.author));
    if (!entry || Date.now() - entry.at > CONVERSATION_MS) return;
    const partner = this.api.network(entry.partner.network);
    if (!partner?.capabilities.puppets || !this.rate.allow(key(message.author), Date.now())) return;
    const kind = message.kind === 'action' ? 'action' : message.kind === 'notice' ? 'notice' : 'message';
    await partner.send({ target: { user: entry.partner }, kind, body: message.body, asUser: message.author }).catch((error: unknown) => {
      this.api.log.info({ err: error, to: entry.partner.network }, 'relay: an answer to a private message could not be delivered');
    });
  }

  /** Whether `user` is a member of a bridged channel of their network now. */
  private isBridgedMember(user: UserRef): boolean {
    return this.bridges.some((b) => b.channels.some((c) => c.network === user.network && this.api.members(c).some((m) => m.id === user.id)));
  }

  /**
   * Whether `person` wrote to `writer` within CONVERSATION_MS: an answer to someone who started
   * the conversation (an XMPP user writing to a puppet's JID is in no room) reaches them.
   */
  private wroteLately(person: UserRef, writer: UserRef): boolean {
    const entry = this.conversations.get(key(writer));
    return entry !== undefined && key(entry.partner) === key(person) && Date.now() - entry.at <= CONVERSATION_MS;
  }

  private remember(remote: UserRef, partner: UserRef): void {
    const k = key(remote);
    this.conversations.delete(k);
    this.conversations.set(k, { partner, at: Date.now() });
    if (this.conversations.size > MAX_CONVERSATIONS) {
      const oldest = this.conversations.keys().next().value;
      if (oldest !== undefined) this.conversations.delete(oldest);
    }
  }
}

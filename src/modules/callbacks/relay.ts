/**
 * Relay callbacks: beforeSend, which the relay calls once per target delivery, and
 * userMayRelay, which it asks before relaying anything a user did.
 */
import type { Logger } from '../../core/log.js';
import type { Message } from '../../core/message.js';
import type { ChannelRef, UserRef } from '../../core/refs.js';
import { CategoryRegistry } from './category-registry.js';
import { firstDecides, rewriteChain, type Rewritten } from './combine.js';
import { readBoolean } from './spam-checker.js';
import { describeValue } from './values.js';

export class RelayHooks {
  readonly registry = new CategoryRegistry('relay', 'registerRelayCallbacks');

  constructor(private readonly log: Logger) {}

  /**
   * Runs every beforeSend in module order, each on the previous one's output. The message to
   * deliver to `target`, or `null` when a module suppressed this delivery (by returning null,
   * or by throwing: fail closed, logged); at once while every module answers at once, else a
   * promise of it.
   */
  beforeSend(message: Message, target: ChannelRef): Message | null | Promise<Message | null> {
    const result = this.beforeSendDetailed(message, target);
    return result instanceof Promise ? result.then(deliverable) : deliverable(result);
  }

  /**
   * Asks every userMayRelay in module order; the first `false` decides (later modules are
   * not asked). A throw refuses (fail closed, logged). `true` when no module refuses: at once,
   * without a promise, when no module registered one (asked for every relayed event).
   */
  userMayRelay(user: UserRef, channel: ChannelRef): boolean | Promise<boolean> {
    return this.registry.list('userMayRelay').entries.length === 0 ? true : this.askUserMayRelay(user, channel);
  }

  private async askUserMayRelay(user: UserRef, channel: ChannelRef): Promise<boolean> {
    const entries = this.registry.list('userMayRelay').entries;
    const site = { category: 'relay' as const, name: 'userMayRelay', log: this.log };
    const decision = await firstDecides(site, entries, (fn) => fn(user, channel), readBoolean, false);
    return decision.decided ? decision.value : true;
  }

  /** beforeSend with the module that suppressed the delivery, for logs and metrics. */
  beforeSendDetailed(message: Message, target: ChannelRef): Rewritten<Message> | Promise<Rewritten<Message>> {
    return rewriteChain(
      { category: 'relay', name: 'beforeSend', log: this.log },
      this.registry.list('beforeSend').entries,
      message,
      (fn, current) => fn(current, target),
      readMessage,
    );
  }
}

function deliverable(result: Rewritten<Message>): Message | null {
  return result.suppressed ? null : result.value;
}

function readMessage(answer: unknown): Message | null {
  if (answer === null) return null;
  const message = answer as Partial<Message> | undefined;
  if (typeof message === 'object' && Array.isArray(message.body) && typeof message.id === 'string' && typeof message.author === 'object') {
    return answer as Message;
  }
  throw new TypeError(`expected a message or null, got ${describeValue(answer)}`);
}

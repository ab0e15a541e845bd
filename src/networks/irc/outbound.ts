/**
 * What the hub sends through the IRC network: a message rendered for IRC (format-render.ts),
 * split to the server's line length (split.ts), cut to `maxLines` or pasted (long-messages.ts)
 * and queued under flood control (queue.ts), from the bot or, in `mode: puppets`, from the
 * sender's puppet (puppet-pool.ts).
 */
import type { Logger } from '../../core/log.js';
import type { OutgoingMessage, SendResult } from '../../core/network.js';
import { SendRefusedError } from '../../core/network.js';
import { raceDeadline } from '../../core/deadline.js';
import type { UserRef } from '../../core/refs.js';
import { plainText } from '../../core/richtext-ops.js';
import type { Egress } from '../../core/egress.js';
import { attributedText, type Content } from './attributed-text.js';
import type { IrcConfig } from './config.js';
import type { ServerSupport } from './isupport.js';
import type { LineIds } from './line-ids.js';
import { LongMessages, type LongMessage } from './long-messages.js';
import { safeParam } from './protocol.js';
import type { PuppetPool } from './puppet-pool.js';
import { fillIdentity } from './puppet-nick.js';
import type { OutgoingQueue } from './queue.js';
import type { RefusalWatch } from './refusal-watch.js';
import { sanitizeRunText } from './runs.js';
import { SendOrder } from './send-order.js';
import { messageBudget } from './split.js';
import { RELAYED_TAG, withClientTags } from './tags.js';

/** Who a line is sent as: its length counts against the server's line limit. */
interface Sender {
  readonly nick: string;
  readonly user?: string | undefined;
  readonly host?: string | undefined;
}

/** A message split for one target, before its lines are cut to `maxLines` (or pasted). */
interface Draft extends LongMessage {
  /** Turns the texts to send into protocol lines (attribution, command, target, ACTION, tags). */
  format(texts: readonly string[]): string[];
}

/** What sending needs from the adapter. */
export interface OutboundDeps {
  readonly name: string;
  readonly config: IrcConfig;
  readonly log: Logger;
  readonly egress?: Egress | undefined;
  /** The bot's flood-controlled queue. */
  readonly queue: OutgoingQueue;
  /** The puppets, in `mode: puppets`. */
  readonly puppets: PuppetPool | undefined;
  readonly refusals: RefusalWatch;
  readonly ids: LineIds;
  /** The current connection's view of the server. */
  support(): ServerSupport;
  /** The bot as the server sees it. */
  bot(): Sender;
  /** True while connected. */
  isConnected(): boolean;
}

/** Sends the hub's messages on one IRC network, from the bot or a puppet. */
export class Outbound {
  /** Messages longer than `maxLines`: pasted (`paste` option) or truncated. */
  private readonly longMessages: LongMessages;
  /** Keeps sends to a target in order while one of them waits for a paste upload. */
  private readonly sendOrder = new SendOrder();

  constructor(private readonly deps: OutboundDeps) {
    const { config, log, egress } = deps;
    this.longMessages = new LongMessages({ log, ...(egress ? { egress } : {}), ...(config.paste ? { paste: config.paste } : {}) });
  }

  /**
   * Renders, splits and queues a message. Resolves once the lines are queued (not yet
   * written) with one minted id per IRC line, in order; rejects when not connected, when
   * the target is not a valid IRC target, or when the target channel refused our last message
   * (moderated, banned: see refused.ts). With `relayed`, each line carries the hop marker tag
   * where the connection can carry it.
   */
  async send(message: OutgoingMessage): Promise<SendResult> {
    const { name, config, puppets, queue } = this.deps;
    if (!this.deps.isConnected()) throw new Error(`${name}: not connected`);
    const target = 'channel' in message.target
      ? message.target.channel.name ?? message.target.channel.id
      : message.target.user.nick ?? message.target.user.id;
    if (!safeParam(target)) throw new Error(`${name}: invalid IRC target ${JSON.stringify(target)}`);
    if ('channel' in message.target) this.deps.refusals.check(target);
    const body = [...message.body];
    for (const attachment of message.attachments ?? []) {
      if (attachment.url) body.push({ type: 'text', text: `\n${attachment.name}: ${attachment.url}` });
    }
    let content: Content = { attribution: message.attribution ?? [], body };
    if (puppets && message.asUser) {
      const sent = await this.sendAsPuppet(message, target, content);
      if (sent) return sent;
      const fallback = fillIdentity(config.puppets.fallbackIdentity, message.asUser);
      content = { attribution: [{ type: 'text', text: fallback }, ...content.attribution], body };
    }
    const key = this.deps.support().fold(target);
    const draft = this.draft(message, target, content, this.deps.bot());
    let written: Promise<boolean> | undefined;
    const lines = await this.queueLines(key, draft, (ready) => (written = queue.enqueue(key, ready)));
    return this.sendResult(lines, written);
  }

  /** Waits up to `timeoutMs` for the paste uploads under way (their lines are then queued). */
  async pastesDone(timeoutMs: number): Promise<void> {
    await raceDeadline(this.sendOrder.idle(), Math.max(0, timeoutMs), undefined);
  }

  /**
   * Sends from the puppet of `message.asUser` (joining the channel first if needed). Returns
   * undefined when no puppet can speak (cap reached, it could not connect or join): then the
   * bot speaks for the user.
   */
  private async sendAsPuppet(message: OutgoingMessage, target: string, content: Content): Promise<SendResult | undefined> {
    const user = message.asUser as UserRef;
    const puppet = this.deps.puppets?.acquire(user);
    if (!puppet) return undefined;
    puppet.busy++;
    try {
      await puppet.ready;
      if ('channel' in message.target) await puppet.join(target);
      const draft = this.draft(message, target, content, { nick: puppet.nick, user: puppet.userHost?.user, host: puppet.userHost?.host });
      let written: Promise<boolean> | undefined;
      const lines = await this.queueLines(`${puppet.nick}\u0000${this.deps.support().fold(target)}`, draft, (ready) => (written = puppet.enqueue(target, ready)));
      return this.sendResult(lines, written);
    } catch (error) {
      this.deps.log.warn({ puppet: puppet.nick, target, err: (error as Error).message }, 'puppet cannot speak; the bot speaks for this user');
      return undefined;
    } finally {
      puppet.busy--;
    }
  }

  /**
   * What a send returns: an id per line and, as its confirmation, the moment the lines were
   * written to the connection. IRC servers acknowledge nothing, so that is as close to
   * "delivered" as IRC gets; lines dropped unwritten (the connection was lost) reject it.
   */
  private sendResult(lines: readonly string[], written: Promise<boolean> | undefined): SendResult {
    const ids = lines.map(() => this.deps.ids.next());
    if (written === undefined) return { ids };
    const confirmed = written.then((ok) => {
      if (!ok) throw new Error(`${this.deps.name}: the connection was lost before the message was written`);
    });
    confirmed.catch(() => undefined);
    return { ids, confirmed };
  }

  /**
   * Renders and splits content for `target`, sent by `sender`: its first `maxLines` lines and
   * how many follow (the line limit is applied later). The attribution starts every line.
   */
  private draft(message: OutgoingMessage, target: string, content: Content, sender: Sender): Draft {
    const command = message.kind === 'notice' ? 'NOTICE' : 'PRIVMSG';
    const action = message.kind === 'action';
    const budget = messageBudget({ lineLength: this.deps.support().lineLen, ...sender, command, target, action });
    const tags = message.relayed === true ? [RELAYED_TAG] : [];
    const { lineStart, parts, hidden, maxBytes } = this.render(content, budget);
    return {
      parts,
      hidden,
      maxLines: this.deps.config.maxLines,
      maxBytes,
      plainText: () => sanitizeRunText(plainText([...content.attribution, ...content.body])),
      format: (texts) => texts.map((text) => withClientTags(`${command} ${target} :${action ? `\x01ACTION ${lineStart}${text}\x01` : lineStart + text}`, tags)),
    };
  }

  /**
   * Renders content for lines of `budget` bytes; one that cannot fit (an identity prefix too
   * long for an IRC line) is refused for good: sending it again cannot help.
   */
  private render(content: Content, budget: number): ReturnType<typeof attributedText> {
    try {
      return attributedText(content, budget, this.deps.config.maxLines, { codeStyle: this.deps.config.codeStyle });
    } catch (error) {
      throw new SendRefusedError(`${this.deps.name}: ${(error as Error).message}`, { cause: error });
    }
  }

  /**
   * Cuts a draft to `maxLines` (pasting the full text when configured: long-messages.ts),
   * formats it and hands the lines to `enqueue`, after the earlier sends to `orderKey`.
   * Only a message that uploads (or follows one) waits; the others are queued at once.
   */
  private async queueLines(orderKey: string, draft: Draft, enqueue: (lines: string[]) => unknown): Promise<string[]> {
    const commit = (texts: readonly string[]): string[] => {
      const lines = draft.format(texts);
      enqueue(lines);
      return lines;
    };
    if (!this.longMessages.wouldPaste(draft) && !this.sendOrder.busy(orderKey)) return commit(this.longMessages.truncated(draft));
    return this.sendOrder.run(orderKey, async () => commit(await this.longMessages.fit(draft)));
  }
}

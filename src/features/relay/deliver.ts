/**
 * Delivers one job to its target network: finds the target's copies of the messages the job
 * refers to (message map), chooses the native feature or the fallback, sends, waits until the
 * network has written it out, and records what was sent.
 */
import { plainText } from '../../core/richtext-ops.js';
import type { Attachment, Message } from '../../core/message.js';
import type { ChannelRef } from '../../core/refs.js';
import { hash } from 'node:crypto';
import { SendRefusedError, type OutgoingMessage, type SendResult } from '../../core/network.js';
import type { ModuleApi } from '../../modules/api.js';
import type { NetworkHandle } from '../../core/network-handle.js';
import type { MessageCopy, MessageLocation } from '../../store/message-map.js';
import type { DeliveryOptions } from './config.js';
import type { DeleteJob, EditJob, LeaveJob, MessageJob, NoticeJob, ReactJob, RelayJob } from './jobs.js';
import type { Delivery } from './queue.js';
import { splitAttachments, type AttachmentFetches } from './attachments.js';
import type { PendingRecords } from './pending-records.js';
import {
  deleteFallbackBody, editFallbackBody, eventBody, markDelayed, reactionFallbackBody, relayedBody, replyFallbackBody,
} from './render.js';

/** A delivery that cannot succeed however often it is tried (unknown network, refused by the network). */
export class PermanentDeliveryError extends Error {
  override readonly name = 'PermanentDeliveryError';
}

export interface DelivererOptions {
  readonly api: ModuleApi;
  /** The options for deliveries to `target` in bridge `bridge` of what came from network `source`. */
  optionsFor(bridge: string, target: ChannelRef, source: string): DeliveryOptions;
  /** How long to wait for a network to write a delivery out. */
  readonly flushTimeoutMs: number;
  /** Called with the ids a send returned, at once (before they are written out and recorded). */
  sent?(network: string, ids: readonly string[]): void;
  /** Deliveries sent but not recorded yet; lookups of copies wait for them. */
  readonly pending: PendingRecords;
  /** The fetches for attachments (one egress budget per source message). */
  readonly fetches: AttachmentFetches;
}

/** How often the network's queue is checked while more than one item waits in it. */
const FLUSH_POLL_MS = 10;
/**
 * How often it is checked once only the last item is left: that item is written next, and the
 * sooner the relay notices, the shorter the window in which a crash repeats it (ADR 0004).
 */
const FLUSH_POLL_LAST_MS = 1;

/**
 * How far before a job's message the target's archive is searched for it: covers clock skew
 * between the networks (the search reads newest first, so a long wait costs nothing).
 */
const ARCHIVE_SLACK_MS = 10 * 60_000;

/** Whether a stored location is in `channel` (channel ids compare case-insensitively, as in bridges). */
function inChannel(location: MessageLocation, channel: ChannelRef): boolean {
  return location.network === channel.network && location.channel.toLowerCase() === channel.id.toLowerCase();
}

/** True where the target shows remote people as users of their own (its puppets, unless the bridge says `puppets: false`). */
function showsPeople(handle: NetworkHandle, options: DeliveryOptions): boolean {
  return handle.capabilities.puppets === true && options.puppets;
}

/**
 * A network with puppets shows the author as a user of its own: no identity in the body, and
 * the author as `asUser`. Other networks, and relay mode (`puppets: false`): the options as they are.
 */
function asAuthor(handle: NetworkHandle, options: DeliveryOptions, message: Message): { readonly options: DeliveryOptions; readonly asUser: { readonly asUser?: Message['author'] } } {
  if (!showsPeople(handle, options)) return { options, asUser: {} };
  return { options: { ...options, identity: '', actionIdentity: '' }, asUser: { asUser: message.author } };
}

/** No attachments, split (shared: never changed). */
const NO_ATTACHMENTS: { readonly native: readonly Attachment[]; readonly links: readonly Attachment[] } = Object.freeze({ native: [], links: [] });

/** `T` with its fields writable, to build one in steps. */
type Writable<T> = { -readonly [K in keyof T]: T[K] };

function sameChannel(a: ChannelRef, b: ChannelRef): boolean {
  return inChannel({ network: a.network, channel: a.id, messageId: '' }, b);
}

export class Deliverer {
  constructor(private readonly options: DelivererOptions) {}

  /**
   * Delivers `job`; resolves once it was sent, while the ids it got are still being recorded
   * (`recorded`). Throws PermanentDeliveryError when retrying cannot help; other errors may be
   * retried.
   */
  async deliver(job: RelayJob): Promise<Delivery | void> {
    const handle = this.options.api.network(job.target.network);
    if (!handle) throw new PermanentDeliveryError(`no network named "${job.target.network}"`);
    const options = this.options.optionsFor(job.bridge, job.target, job.message.author.network);
    switch (job.op) {
      case 'message': return this.message(handle, job, options);
      case 'edit': return this.edit(handle, job, options);
      case 'delete': return this.delete(handle, job, options);
      case 'react': return this.react(handle, job, options);
      case 'notice': return this.notice(handle, job, options);
      case 'leave': return this.leave(handle, job);
    }
  }

  /** true when `job` (a message) was already delivered to its target: e.g. before a crash. */
  async alreadyDelivered(job: RelayJob): Promise<boolean> {
    if (job.op !== 'message') return false;
    const targets = await this.options.api.messages.findTargets(job.source.network, job.source.messageId);
    return targets.some((t) => inChannel(t.target, job.target));
  }

  /**
   * Which of `jobs` (all for one target; sent before, never confirmed) the target network finds
   * there by their delivery ids. What it finds of a message is recorded in the message map.
   */
  async arrived(jobs: readonly RelayJob[]): Promise<boolean[]> {
    const first = jobs[0];
    if (first === undefined) return [];
    const handle = this.options.api.network(first.target.network);
    const since = Math.min(...jobs.map((job) => job.message.ts), Date.now()) - ARCHIVE_SLACK_MS;
    const delivered = jobs.map(deliveryId);
    const found = await handle?.findDelivered(first.target, delivered, since);
    if (found === undefined) return jobs.map(() => false);
    const arrived = await Promise.all(jobs.map(async (job, i) => {
      const ids = found.get(delivered[i]!) ?? [];
      if (ids.length > 0 && job.op === 'message') await this.record(job, ids);
      return ids.length > 0;
    }));
    const count = arrived.filter(Boolean).length;
    this.options.api.log.info({ target: first.target, unconfirmed: jobs.length, arrived: count }, 'relay: checked unconfirmed deliveries with the target; only those that had not arrived are sent again');
    return arrived;
  }

  private protocolOf(message: Message): string {
    return this.options.api.network(message.author.network)?.protocol ?? message.author.network;
  }

  /** The copies of `original` in `channel`, primary first (the original itself when it lives there). */
  private async copiesIn(original: MessageLocation, channel: ChannelRef): Promise<MessageCopy[]> {
    await this.options.pending.settled(original.network, original.messageId);
    const copies = await this.options.api.messages.findCounterparts(original.network, original.messageId);
    const here = copies.filter((c) => inChannel(c, channel));
    if (inChannel(original, channel)) here.unshift({ ...original, role: 'source', primary: true });
    return here.sort((a, b) => Number(b.primary) - Number(a.primary));
  }

  private async message(handle: NetworkHandle, job: MessageJob, targetOptions: DeliveryOptions): Promise<Delivery> {
    const protocol = this.protocolOf(job.message);
    const { options, asUser } = asAuthor(handle, targetOptions, job.message);
    const look = handle.capabilities;
    let replyTo: string | undefined;
    let rendered = relayedBody(job.message, protocol, options, look);
    if (job.reply) {
      const copy = handle.capabilities.replies ? (await this.copiesIn(job.reply.original, job.target))[0] : undefined;
      if (copy) replyTo = copy.messageId;
      else rendered = replyFallbackBody(job.message, protocol, job.reply.quote, options, look);
    }
    const attachments = job.message.attachments;
    const budget = handle.capabilities.attachments && attachments.length > 0 ? this.options.fetches.budgetFor(job.source) : undefined;
    // Most messages have no attachment: no split, and the rendered body as it is.
    const { native, links } = budget
      ? await this.options.fetches.prepare(budget, attachments, options.maxFileBytes)
      : attachments.length === 0 ? NO_ATTACHMENTS : splitAttachments(attachments, 'links only');
    const bare = job.message.body.length === 0;
    const body = links.length === 0
      ? rendered.body
      : [...rendered.body, ...links.map((a, i) => ({ type: 'text' as const, text: `${i === 0 && bare ? '' : '\n'}${a.name}: ${a.url}` }))];
    // Built in one object (no spreads of optional parts): one allocation per message.
    const outgoing: Writable<OutgoingMessage> = {
      target: { channel: job.target },
      kind: job.message.kind === 'action' ? 'action' : job.message.kind,
      attribution: rendered.attribution,
      body,
    };
    if (native.length > 0) {
      outgoing.attachments = native;
      outgoing.egress = budget;
    }
    if (replyTo !== undefined) outgoing.replyTo = replyTo;
    if (asUser.asUser !== undefined) outgoing.asUser = asUser.asUser;
    const sent = await this.send(handle, outgoing, job);
    // Recorded once confirmed: a map entry means "arrived" to a restarted relay.
    const recorded = sent.confirmed === undefined
      ? this.record(job, sent.ids)
      : sent.confirmed.then(() => this.record(job, sent.ids));
    // The queue handles the outcome; this only keeps a failure from counting as unhandled meanwhile.
    recorded.catch(() => undefined);
    this.options.pending.add(job.source, job.target.network, sent.ids, recorded);
    return sent.confirmed === undefined ? { recorded } : { confirmed: permanentRefusals(sent.confirmed), recorded };
  }

  private async edit(handle: NetworkHandle, job: EditJob, options: DeliveryOptions): Promise<Delivery | void> {
    const protocol = this.protocolOf(job.message);
    const copy = handle.capabilities.edits ? (await this.copiesIn(job.original, job.target)).find((c) => c.role === 'target') : undefined;
    if (copy) {
      // A correction comes from whoever said the message: the author's own user on a network with puppets.
      const author = asAuthor(handle, options, job.message);
      return optionalConfirmation(await this.send(handle, { target: { channel: job.target }, kind: job.message.kind, ...relayedBody(job.message, protocol, author.options, handle.capabilities), editOf: copy.messageId, ...author.asUser }, job));
    }
    if (options.edits !== 'fallback') return;
    return optionalConfirmation(await this.send(handle, { target: { channel: job.target }, kind: 'message', ...editFallbackBody(job.message, protocol, options, handle.capabilities) }, job));
  }

  private async delete(handle: NetworkHandle, job: DeleteJob, options: DeliveryOptions): Promise<Delivery | void> {
    if (handle.capabilities.deletes) {
      const copies = (await this.copiesIn(job.original, job.target)).filter((c) => c.role === 'target');
      for (const copy of copies) await handle.deleteMessage(job.target, copy.messageId);
      if (copies.length > 0) return;
    }
    if (options.deletes !== 'fallback') return;
    const protocol = this.protocolOf(job.message);
    return optionalConfirmation(await this.send(handle, { target: { channel: job.target }, kind: 'message', ...deleteFallbackBody(job.message, protocol, job.quote, options, handle.capabilities) }, job));
  }

  private async react(handle: NetworkHandle, job: ReactJob, options: DeliveryOptions): Promise<Delivery | void> {
    if (handle.capabilities.reactions) {
      const copy = (await this.copiesIn(job.original, job.target))[0];
      if (copy) {
        // On a network with puppets the person reacts as themselves; otherwise the bridge's one
        // reaction stands for everyone elsewhere, and stays while others still react so.
        const person = showsPeople(handle, options) ? job.message.author : undefined;
        const othersStillReact = person === undefined && (job.stillReactedIn?.some((channel) => !sameChannel(channel, job.target)) ?? false);
        if (!(job.removed && othersStillReact)) await handle.react(job.target, copy.messageId, job.reaction, job.removed, person);
        return;
      }
    }
    if (options.reactions !== 'fallback') return;
    const protocol = this.protocolOf(job.message);
    const rendered = reactionFallbackBody(job.message, protocol, job.reaction, job.removed, job.quote, options, handle.capabilities);
    return optionalConfirmation(await this.send(handle, { target: { channel: job.target }, kind: 'message', ...rendered }, job));
  }

  private async notice(handle: NetworkHandle, job: NoticeJob, options: DeliveryOptions): Promise<Delivery> {
    if (job.native && showsPeople(handle, options) && handle.puppetChange && await handle.puppetChange(job.target, job.native.actor, job.native.change)) return {};
    if (job.nativeOnly) return {};
    const protocol = this.protocolOf(job.message);
    return optionalConfirmation(await this.send(handle, { target: { channel: job.target }, kind: 'notice', ...eventBody(job.message, protocol, job.message.body, options, handle.capabilities) }, job));
  }

  /** The person left (their user of its own leaves), or was renamed (it is renamed where the target can, else it leaves). */
  private async leave(handle: NetworkHandle, job: LeaveJob): Promise<void> {
    if (job.renamed && handle.puppetChange && await handle.puppetChange(job.target, job.message.author, { kind: 'nick', user: job.renamed })) return;
    await handle.leave?.(job.target, job.message.author, plainText(job.message.body), job.quit);
  }

  /**
   * Sends with the job's delivery id and the hop marker (and, for a message relayed late, its
   * original time: see `markDelayed`), then waits (bounded) until the
   * network's outgoing queue has written it out. A refusal by the target is permanent.
   */
  private async send(handle: NetworkHandle, outgoing: OutgoingMessage, job: RelayJob): Promise<SendResult> {
    const late = job.message.delayed === true
      ? markDelayed(outgoing, job.message.ts, handle.capabilities.delayMarks === true, this.options.optionsFor(job.bridge, job.target, job.message.author.network))
      : outgoing;
    // Every caller hands over an object of its own (and markDelayed a copy): completed in place, not copied.
    const message = late as Writable<OutgoingMessage>;
    message.id = deliveryId(job);
    message.relayed = true;
    let result;
    try {
      result = await handle.send(message);
    } catch (error) {
      if (error instanceof SendRefusedError) throw new PermanentDeliveryError(error.message, { cause: error });
      throw error;
    }
    const target = outgoing.target;
    this.options.sent?.('channel' in target ? target.channel.network : target.user.network, result.ids);
    // A network without confirmations counts a send as delivered once its queue wrote it out.
    if (result.confirmed === undefined) await waitFlushed(handle, this.options.flushTimeoutMs);
    return result;
  }

  /** Records every id a send of `job` returned (the first one primary), with the source's author, all issued at once. */
  private record(job: MessageJob, ids: readonly string[]): Promise<void> {
    // Nearly every send gets one id: its write, without a Promise.all around it.
    if (ids.length === 1) return this.recordOne(job, ids[0]!, 0);
    return Promise.all(ids.map((messageId, index) => this.recordOne(job, messageId, index))).then(() => undefined);
  }

  private recordOne({ source, target, author }: MessageJob, messageId: string, index: number): Promise<void> {
    return this.options.api.messages.recordSent({
      source, target: { network: target.network, channel: target.id, messageId }, primary: index === 0, author,
    });
  }
}

/**
 * The queue's view of a send's confirmation (none: confirmed once written out); a refusal by
 * the target is permanent.
 */
function optionalConfirmation(sent: SendResult): Delivery {
  return sent.confirmed === undefined ? {} : { confirmed: permanentRefusals(sent.confirmed) };
}

/** `confirmed` with a refusal by the target made permanent (and a rejection not counted as unhandled meanwhile). */
function permanentRefusals(confirmed: Promise<void>): Promise<void> {
  const result = confirmed.catch((error: unknown) => {
    throw error instanceof SendRefusedError ? new PermanentDeliveryError(error.message, { cause: error }) : error;
  });
  result.catch(() => undefined);
  return result;
}

/**
 * The stable id of one delivery: the same job (also when resumed after a restart) always gets
 * the same id, so a network that carries it (XMPP origin-id) lets a repeat be recognised.
 */
export function deliveryId(job: RelayJob): string {
  const about = job.op === 'message' ? job.source : job.op === 'notice' || job.op === 'leave' ? null : job.original;
  const extra = job.op === 'react' ? [job.reaction, job.removed] : null;
  const key = JSON.stringify([job.op, job.bridge, job.target.network, job.target.id, about, job.message.id, extra]);
  return `sb-${hash('sha256', key, 'hex').slice(0, 32)}`;
}

/**
 * Resolves once the network's outgoing queue is empty (so what was just queued has been
 * written), or after `timeoutMs`. Networks without a queue report 0 at once.
 */
async function waitFlushed(handle: NetworkHandle, timeoutMs: number): Promise<void> {
  const depth = (): number => handle.queueDepth();
  const deadline = Date.now() + timeoutMs;
  for (let left = depth(); left > 0 && Date.now() < deadline && handle.state() === 'connected'; left = depth()) {
    await new Promise((resolve) => setTimeout(resolve, left === 1 ? FLUSH_POLL_LAST_MS : FLUSH_POLL_MS));
  }
}

/**
 * What the hub sends through the XMPP network: messages (styling, corrections, replies, files
 * via HTTP File Upload), retractions, reactions and moderation requests.
 */
import { randomUUID } from 'node:crypto';
import xml from '@xmpp/xml';
import type { Attachment } from '../../core/message.js';
import type { OutgoingMessage, SendResult } from '../../core/network.js';
import type { ChannelRef, UserRef } from '../../core/refs.js';
import type { Element } from '@xmpp/xml';
import type { IqCaller } from '@xmpp/iq/caller.js';
import type { XmppConfig } from './config.js';
import { bareJid, parseJid, resourceOf } from './jid.js';
import type { LogOnce } from '../log-once.js';
import { OWN_SENDER, type MessageIds } from './message-ids.js';
import { optional, type MucRoom } from './muc-room.js';
import type { ReactionSets } from './reactions.js';
import {
  buildChatMessage,
  buildMucAdminQuery,
  buildReactions,
  buildRetraction,
  type ChatMessageSpec,
  type MessageType,
  type MucAdminItem,
} from './stanza-build.js';
import { renderStyling } from './styling-render.js';
import type { Confirmations } from './confirmations.js';
import { stripInvalidXmlChars } from './xml-chars.js';
import type { UploadHttp, UploadService } from './upload.js';
import type { Egress } from '../../core/egress.js';

/** Our own entry in the reaction sets. */
const SELF = '\u0000self';

/** HTTP File Upload (XEP-0363), loaded with the first attachment: a hub that relays none never loads it. */
const loadUpload = (): Promise<typeof import('./upload.js')> => import('./upload.js');

/** Where a message goes and how its ids are scoped. */
interface Address {
  readonly to: string;
  readonly type: MessageType;
  readonly scope: string;
  /** A private message to a room occupant. */
  readonly mucPrivate?: boolean;
}

/** What the outbound side needs from the adapter. */
export interface OutboundDeps {
  readonly name: string;
  readonly config: XmppConfig;
  readonly logOnce: LogOnce;
  readonly rooms: ReadonlyMap<string, MucRoom>;
  readonly ids: MessageIds;
  readonly reactions: ReactionSets;
  /** Sends waiting for the room to reflect them. */
  readonly confirmations: Confirmations;
  /** The hub's HTTP client for files (downloads to re-upload, upload PUTs). */
  readonly egress: Egress;
  /** The connected client; throws when not connected. */
  client(): StanzaClient;
}

/** What sending needs of a connection: writing a stanza, and IQ requests (uploads, moderation). */
export interface StanzaClient {
  readonly entity: { send(el: Element): Promise<void> };
  readonly iqCaller: IqCaller;
}

/**
 * The ids for the stanzas of one delivery (id attribute and origin-id): random ones, or, when the
 * caller chose a delivery id, that id for the first stanza and `<id>-<n>` for the n-th file after
 * it, so the same delivery repeated (after a crash) carries the same ids.
 */
export function deliveryIds(deliveryId: string | undefined): (index: number) => string {
  const base = deliveryId === undefined ? '' : stripInvalidXmlChars(deliveryId);
  if (base === '') return () => randomUUID();
  return (index) => (index === 0 ? base : `${base}-${index}`);
}

/** Resolves when every promise resolved, rejects with the first rejection; never unhandled. */
function allSettledOk(promises: readonly Promise<void>[]): Promise<void> {
  const all = Promise.all(promises).then(() => undefined);
  all.catch(() => undefined);
  return all;
}

export class Outbound {
  private uploadService: Promise<UploadService | undefined> | undefined;

  constructor(private readonly deps: OutboundDeps) {}

  /** Forgets the upload service found on the previous connection. */
  reset(): void {
    this.uploadService = undefined;
  }

  /**
   * Sends one message through `client` (default: the adapter's connection; an XMPP component
   * passes one that sends as a puppet).
   */
  async send(message: OutgoingMessage, client: StanzaClient = this.deps.client()): Promise<SendResult> {
    const address = this.addressOf(message.target);
    const rendered = renderStyling(message.attribution === undefined ? message.body : [...message.attribution, ...message.body]);
    const body = message.kind === 'action' ? `/me ${rendered}` : rendered;
    const attachments = message.attachments ?? [];
    const { ids } = this.deps;
    const sent: string[] = [];
    const echoes: Promise<void>[] = [];
    const stanzaId = deliveryIds(message.id);
    const marker = { ...(message.relayed === true ? { relayed: true } : {}), ...optional('sentAt', message.sentAt) };
    if (body !== '' || attachments.length === 0) {
      sent.push(
        await this.sendMessage(client, address, stanzaId(sent.length), echoes, {
          ...marker,
          body,
          ...optional('replaceId', message.editOf === undefined ? undefined : ids.forCorrection(address.scope, message.editOf)),
          ...optional('reply', message.replyTo === undefined ? undefined : { id: ids.forReference(address.scope, message.replyTo) }),
        }),
      );
    }
    if (attachments.length > 0) {
      // One budget for all the message's attachments, made only when it has some.
      const http = { egress: this.deps.egress, budget: message.egress ?? this.deps.egress.budget() };
      for (const attachment of attachments) {
        const url = await this.shareAttachment(client, http, attachment);
        if (url !== undefined) sent.push(await this.sendMessage(client, address, stanzaId(sent.length), echoes, { ...marker, body: url, links: [{ url, desc: attachment.name }] }));
      }
    }
    if (echoes.length === 0) return { ids: sent };
    // One echo (a message without files): its wait already never rejects unhandled (Confirmations.expect).
    return { ids: sent, confirmed: echoes.length === 1 ? (echoes[0] as Promise<void>) : allSettledOk(echoes) };
  }

  /** Sends one message; one to a room adds the wait for its echo to `echoes`. */
  private async sendMessage(client: StanzaClient, address: Address, id: string, echoes: Promise<void>[], content: Omit<ChatMessageSpec, 'to' | 'type' | 'id'>): Promise<string> {
    this.deps.ids.record(address.scope, OWN_SENDER, { senderId: id });
    if (address.type === 'groupchat') echoes.push(this.deps.confirmations.expect(address.scope, id));
    await client.entity.send(buildChatMessage({ to: address.to, type: address.type, id, ...optional('mucPrivate', address.mucPrivate), ...content }));
    return id;
  }

  /** Re-uploads an attachment with HTTP File Upload; falls back to its original link. */
  private async shareAttachment(client: StanzaClient, http: UploadHttp, attachment: Attachment): Promise<string | undefined> {
    const { logOnce, config } = this.deps;
    if (attachment.url === undefined) {
      logOnce.log('warn', 'attachment-without-url', { name: attachment.name }, 'an attachment without a URL cannot be sent; skipped');
      return undefined;
    }
    // No re-uploads (maxUploadBytes 0, as on an XMPP component): the original link, as OOB data.
    if (config.maxUploadBytes === 0) return attachment.url;
    try {
      const service = await this.findUploadService(client);
      if (service === undefined) throw new Error('the server has no upload service');
      const { downloadFile, uploadFile } = await loadUpload();
      const file = await downloadFile(http, attachment.url, config.maxUploadBytes);
      return await uploadFile(client.iqCaller, http, service, {
        name: attachment.name,
        data: file.data,
        ...optional('contentType', attachment.mimeType ?? file.contentType),
      });
    } catch (error) {
      const reason = (error as Error).message;
      logOnce.log('warn', `upload:${reason}`, { err: error, file: attachment.name }, 'file upload failed; sending the link instead');
      return attachment.url;
    }
  }

  private findUploadService(client: StanzaClient): Promise<UploadService | undefined> {
    const { config } = this.deps;
    const domain = parseJid(config.jid)?.domain ?? '';
    this.uploadService ??= loadUpload().then(({ discoverUploadService }) => discoverUploadService(client.iqCaller, domain, config.uploadService)).catch((error: unknown) => {
      this.uploadService = undefined; // try again next time
      throw error;
    });
    return this.uploadService;
  }

  /** Retracts a message (XEP-0424), through `client` (default: the adapter's connection; a component's puppet: its own). */
  async deleteMessage(channel: ChannelRef, messageId: string, client: StanzaClient = this.deps.client()): Promise<void> {
    const address = this.addressOf({ channel });
    const targetId = this.deps.ids.forReference(address.scope, messageId);
    await client.entity.send(buildRetraction({ to: address.to, type: address.type, id: randomUUID(), targetId }));
  }

  /**
   * Adds or withdraws one of our reactions and sends our whole set (XEP-0444). `as`: a component's
   * puppet reacting through its own `client`, with a set of its own (keyed by its JID).
   */
  async react(channel: ChannelRef, messageId: string, reaction: string, remove: boolean, as?: { readonly client: StanzaClient; readonly jid: string }): Promise<void> {
    const client = as?.client ?? this.deps.client();
    const who = as === undefined ? SELF : as.jid;
    const address = this.addressOf({ channel });
    const { reactions, ids } = this.deps;
    const mine = new Set(reactions.get(address.scope, messageId, who));
    if (remove) mine.delete(reaction);
    else mine.add(reaction);
    reactions.replace(address.scope, messageId, who, mine);
    const targetId = ids.forReference(address.scope, messageId);
    await client.entity.send(buildReactions({ to: address.to, type: address.type, id: randomUUID(), targetId, reactions: [...mine] }));
  }

  /** Kicks (role none) or bans (affiliation outcast of the real JID) an occupant. */
  async moderate(channel: ChannelRef, user: UserRef, action: 'kick' | 'ban', reason?: string): Promise<void> {
    const client = this.deps.client();
    const room = this.joinedRoom(channel);
    const nick = user.nick ?? resourceOf(user.id);
    let item: MucAdminItem;
    if (action === 'kick') {
      item = { nick, role: 'none', ...optional('reason', reason) };
    } else {
      const realJid = room.occupant(nick)?.realJid ?? user.account;
      if (realJid === undefined) throw new Error(`cannot ban ${nick} in ${room.id}: their real JID is not known (anonymous room)`);
      item = { jid: bareJid(realJid), affiliation: 'outcast', ...optional('reason', reason) };
    }
    try {
      await client.iqCaller.request(xml('iq', { type: 'set', to: room.id }, buildMucAdminQuery(item)), this.deps.config.joinTimeoutMs);
    } catch (error) {
      throw new Error(`cannot ${action} ${nick} in ${room.id}: ${(error as Error).message} (does the bot have the rights?)`, { cause: error });
    }
  }

  private joinedRoom(channel: ChannelRef): MucRoom {
    const room = this.deps.rooms.get(bareJid(channel.id));
    if (!room?.joined) throw new Error(`${this.deps.name} is not in ${channel.id}`);
    return room;
  }

  private addressOf(target: OutgoingMessage['target']): Address {
    if ('channel' in target) {
      const room = this.joinedRoom(target.channel);
      return { to: room.id, type: 'groupchat', scope: room.id };
    }
    const id = target.user.id;
    const viaRoom = resourceOf(id) !== '' && this.deps.rooms.has(bareJid(id));
    return viaRoom ? { to: id, type: 'chat', scope: id, mucPrivate: true } : { to: id, type: 'chat', scope: bareJid(id) };
  }
}

/**
 * The `message_map` table behind `HubStore.messages`.
 */
import type { Selectable } from 'kysely';
import { StoreError } from './errors.js';
import { MAY_BE_EMPTY, NOT_EMPTY, checkText, type StoreConnection } from './connection.js';
import type { MessageCopy, MessageLocation, MessageMapStore, MessageMapping, SentMessage } from './message-map.js';
import type { MessageMapTable } from './schema.js';
import { MessageMapQueries, type MessageMapRow } from './message-map-queries.js';

export class KyselyMessageMapStore implements MessageMapStore {
  private readonly queries: MessageMapQueries;

  constructor(private readonly connection: StoreConnection) {
    this.queries = new MessageMapQueries(connection.db);
  }

  /** Issued at once, without an `async` wrapper: the relay calls it for every delivery. */
  recordSent(mapping: SentMessage): Promise<void> {
    let row: MessageMapRow;
    try {
      const source = checkLocation('source', mapping.source);
      const target = checkLocation('target', mapping.target);
      if (mapping.author !== undefined) checkText('messages.recordSent: author', mapping.author, MAY_BE_EMPTY);
      row = {
        source_network: source.network,
        source_channel: source.channel,
        source_message_id: source.messageId,
        target_network: target.network,
        target_channel: target.channel,
        target_message_id: target.messageId,
        is_primary: mapping.primary ? 1 : 0,
        source_author: mapping.author ?? '',
        created_at: this.connection.now(),
      };
    } catch (error) {
      return Promise.reject(error);
    }
    return this.connection.write('messages.recordSent', this.queries.record.bind(row)) as Promise<unknown> as Promise<void>;
  }

  async findTargets(network: string, messageId: string): Promise<MessageMapping[]> {
    checkText('network', network, NOT_EMPTY);
    checkText('message id', messageId, NOT_EMPTY);
    const rows = await this.connection.read('messages.findTargets', this.queries.findTargets.bind({ network, messageId }));
    return rows.map(toMapping);
  }

  async findSource(network: string, messageId: string): Promise<MessageMapping | undefined> {
    checkText('network', network, NOT_EMPTY);
    checkText('message id', messageId, NOT_EMPTY);
    const [row] = await this.connection.read('messages.findSource', this.queries.findSource.bind({ network, messageId }));
    return row && toMapping(row);
  }

  async findCounterparts(network: string, messageId: string): Promise<MessageCopy[]> {
    const asTarget = await this.findSource(network, messageId);
    const source = asTarget?.source ?? { network, channel: '', messageId };
    const targets = await this.findTargets(source.network, source.messageId);
    if (!asTarget && targets.length === 0) return [];
    const copies: MessageCopy[] = [];
    if (asTarget) copies.push({ ...asTarget.source, role: 'source', primary: true });
    for (const { target, primary } of targets) {
      if (target.network === network && target.messageId === messageId) continue;
      copies.push({ ...target, role: 'target', primary });
    }
    return copies;
  }

  async sentWithin(withinMs: number): Promise<Array<Pick<MessageLocation, 'network' | 'messageId'>>> {
    checkAge('messages.sentWithin', 'withinMs', withinMs);
    const rows = await this.connection.read('messages.sentWithin', this.queries.sentSince.bind({ since: this.connection.now() - withinMs }));
    return rows.map((r) => ({ network: r.target_network, messageId: r.target_message_id }));
  }

  async prune(olderThanMs: number): Promise<number> {
    checkAge('messages.prune', 'olderThanMs', olderThanMs);
    const cutoff = this.connection.now() - olderThanMs;
    return this.connection.write('messages.prune', this.queries.prune.bind({ cutoff }));
  }
}

function checkAge(what: string, name: string, ms: number): void {
  if (!Number.isFinite(ms) || ms < 0) throw new StoreError(`${what}: ${name} must be a non-negative number of milliseconds, got ${ms}`);
}

/** The names of a location's fields in errors, made once (not per record). */
const LOCATION_FIELDS = {
  source: { network: 'messages.recordSent: source.network', channel: 'messages.recordSent: source.channel', messageId: 'messages.recordSent: source.messageId' },
  target: { network: 'messages.recordSent: target.network', channel: 'messages.recordSent: target.channel', messageId: 'messages.recordSent: target.messageId' },
} as const;

function checkLocation(role: 'source' | 'target', location: MessageLocation): MessageLocation {
  if (typeof location !== 'object' || location === null) throw new StoreError(`messages.recordSent: ${role} is missing`);
  const fields = LOCATION_FIELDS[role];
  checkText(fields.network, location.network, NOT_EMPTY);
  checkText(fields.channel, location.channel, MAY_BE_EMPTY);
  checkText(fields.messageId, location.messageId, NOT_EMPTY);
  return location;
}

function toMapping(row: Selectable<MessageMapTable>): MessageMapping {
  return {
    source: { network: row.source_network, channel: row.source_channel, messageId: row.source_message_id },
    target: { network: row.target_network, channel: row.target_channel, messageId: row.target_message_id },
    primary: Number(row.is_primary) === 1,
    ...(row.source_author ? { author: row.source_author } : {}),
    createdAt: Number(row.created_at),
  };
}

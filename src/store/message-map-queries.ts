/**
 * The queries behind `HubStore.messages`, built once per open store (see QueryTemplate).
 */
import type { Kysely, Selectable } from 'kysely';
import { QueryTemplate } from './query-template.js';
import type { Database, MessageMapTable } from './schema.js';

type Row = Selectable<MessageMapTable>;

/** The columns of a row, as arguments. */
export type MessageMapRow = {
  [K in keyof MessageMapTable]: MessageMapTable[K];
};

const ROW_COLUMNS = [
  'source_network', 'source_channel', 'source_message_id', 'target_network', 'target_channel', 'target_message_id',
  'is_primary', 'source_author', 'created_at',
] as const;

export class MessageMapQueries {
  readonly record: QueryTemplate<MessageMapRow>;
  readonly findTargets: QueryTemplate<{ network: string; messageId: string }, Row>;
  readonly findSource: QueryTemplate<{ network: string; messageId: string }, Row>;
  readonly sentSince: QueryTemplate<{ since: number }, Pick<Row, 'target_network' | 'target_message_id'>>;
  readonly prune: QueryTemplate<{ cutoff: number }>;

  constructor(db: Kysely<Database>) {
    this.record = new QueryTemplate<MessageMapRow>(db, ROW_COLUMNS, (q, row) =>
      q
        .insertInto('message_map')
        .values(row)
        .onConflict((oc) =>
          oc.columns(['target_network', 'target_message_id', 'target_channel']).doUpdateSet({
            source_network: row.source_network,
            source_channel: row.source_channel,
            source_message_id: row.source_message_id,
            is_primary: row.is_primary,
            source_author: row.source_author,
            created_at: row.created_at,
          })));
    this.findTargets = new QueryTemplate(db, ['network', 'messageId'], (q, a) =>
      q
        .selectFrom('message_map')
        .selectAll()
        .where('source_network', '=', a.network)
        .where('source_message_id', '=', a.messageId)
        .orderBy('is_primary', 'desc')
        .orderBy('target_network')
        .orderBy('target_channel')
        .orderBy('created_at')
        .orderBy('target_message_id'));
    this.findSource = new QueryTemplate(db, ['network', 'messageId'], (q, a) =>
      q
        .selectFrom('message_map')
        .selectAll()
        .where('target_network', '=', a.network)
        .where('target_message_id', '=', a.messageId)
        .orderBy('created_at', 'desc')
        .limit(1));
    this.sentSince = new QueryTemplate(db, ['since'], (q, a) =>
      q
        .selectFrom('message_map')
        .select(['target_network', 'target_message_id'])
        .where('created_at', '>=', a.since)
        .orderBy('created_at'));
    this.prune = new QueryTemplate(db, ['cutoff'], (q, a) => q.deleteFrom('message_map').where('created_at', '<', a.cutoff));
  }
}

/**
 * The queries behind `Store.queues()`, built once per open store (see QueryTemplate) and
 * shared by every namespace.
 */
import type { Kysely } from 'kysely';
import { QueryTemplate } from './query-template.js';
import type { Database } from './schema.js';

type Entry = { queue: string; seq: number; value: string };

export class QueueQueries {
  readonly all: QueryTemplate<{ namespace: string }, Entry>;
  readonly entries: QueryTemplate<{ namespace: string; queue: string }, Entry>;
  readonly append: QueryTemplate<{ namespace: string; queue: string; seq: number; value: string; createdAt: number }>;
  readonly remove: QueryTemplate<{ namespace: string; queue: string; seq: number }>;

  constructor(db: Kysely<Database>) {
    this.all = new QueryTemplate(db, ['namespace'], (q, a) =>
      q.selectFrom('queue_entries').select(['queue', 'seq', 'value']).where('namespace', '=', a.namespace).orderBy('queue').orderBy('seq'));
    this.entries = new QueryTemplate(db, ['namespace', 'queue'], (q, a) =>
      q
        .selectFrom('queue_entries')
        .select(['queue', 'seq', 'value'])
        .where('namespace', '=', a.namespace)
        .where('queue', '=', a.queue)
        .orderBy('seq'));
    this.append = new QueryTemplate(db, ['namespace', 'queue', 'seq', 'value', 'createdAt'], (q, a) =>
      q.insertInto('queue_entries').values({ namespace: a.namespace, queue: a.queue, seq: a.seq, value: a.value, created_at: a.createdAt }));
    this.remove = new QueryTemplate(db, ['namespace', 'queue', 'seq'], (q, a) =>
      q.deleteFrom('queue_entries').where('namespace', '=', a.namespace).where('queue', '=', a.queue).where('seq', '=', a.seq));
  }
}

/**
 * The queries behind `Store.kv()`, built once per open store (see QueryTemplate) and shared by
 * every namespace.
 */
import type { Kysely } from 'kysely';
import { QueryTemplate } from './query-template.js';
import type { Database } from './schema.js';

export class KvQueries {
  readonly get: QueryTemplate<{ namespace: string; key: string }, { value: string }>;
  readonly set: QueryTemplate<{ namespace: string; key: string; value: string; updatedAt: number }>;
  readonly delete: QueryTemplate<{ namespace: string; key: string }>;
  readonly keys: QueryTemplate<{ namespace: string }, { key: string }>;
  readonly keysWithPrefix: QueryTemplate<{ namespace: string; prefix: string; prefixLength: number }, { key: string }>;
  readonly deleteOlderThan: QueryTemplate<{ namespace: string; prefix: string; prefixLength: number; before: number }>;

  constructor(db: Kysely<Database>) {
    this.get = new QueryTemplate(db, ['namespace', 'key'], (q, a) =>
      q.selectFrom('kv').select('value').where('namespace', '=', a.namespace).where('key', '=', a.key));
    this.set = new QueryTemplate(db, ['namespace', 'key', 'value', 'updatedAt'], (q, a) =>
      q
        .insertInto('kv')
        .values({ namespace: a.namespace, key: a.key, value: a.value, updated_at: a.updatedAt })
        .onConflict((oc) => oc.columns(['namespace', 'key']).doUpdateSet({ value: a.value, updated_at: a.updatedAt })));
    this.delete = new QueryTemplate(db, ['namespace', 'key'], (q, a) =>
      q.deleteFrom('kv').where('namespace', '=', a.namespace).where('key', '=', a.key));
    this.keys = new QueryTemplate(db, ['namespace'], (q, a) =>
      q.selectFrom('kv').select('key').where('namespace', '=', a.namespace).orderBy('key'));
    // `>=` lets the primary key narrow the scan; substr (which counts code points in both
    // dialects) decides. LIKE is avoided: it is case-insensitive in SQLite and needs escaping.
    this.keysWithPrefix = new QueryTemplate(db, ['namespace', 'prefix', 'prefixLength'], (q, a) =>
      q
        .selectFrom('kv')
        .select('key')
        .where('namespace', '=', a.namespace)
        .where('key', '>=', a.prefix)
        .where((eb) => eb(eb.fn('substr', ['key', eb.val(1), eb.val(a.prefixLength)]), '=', a.prefix))
        .orderBy('key'));
    // The index on (namespace, updated_at) narrows to the old entries; the prefix test as above.
    this.deleteOlderThan = new QueryTemplate(db, ['namespace', 'prefix', 'prefixLength', 'before'], (q, a) =>
      q
        .deleteFrom('kv')
        .where('namespace', '=', a.namespace)
        .where('updated_at', '<', a.before)
        .where('key', '>=', a.prefix)
        .where((eb) => eb(eb.fn('substr', ['key', eb.val(1), eb.val(a.prefixLength)]), '=', a.prefix)));
  }
}

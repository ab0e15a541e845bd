/**
 * `Store.gatewayAccounts(namespace)`: the people registered with a gateway, in the
 * `gateway_accounts` table. Credentials arrive sealed (the gateway holds the key); a row whose
 * JSON is damaged is logged once and read as empty data, never dropped.
 */
import type { Kysely } from 'kysely';
import type { GatewayAccount, GatewayAccountStore } from '../core/store.js';
import { checkText, type StoreConnection } from './connection.js';
import { toJson, type StoredJson } from './json-values.js';
import { QueryTemplate } from './query-template.js';
import type { Database } from './schema.js';

type Row = { jid: string; data: string; sealed_secret: string; preferences: string; registered_at: number };
type PutArgs = { namespace: string; jid: string; data: string; secret: string; preferences: string; registeredAt: number; updatedAt: number };

/** The queries, built once per open store and shared by every namespace. */
export class GatewayAccountQueries {
  readonly get: QueryTemplate<{ namespace: string; jid: string }, Row>;
  readonly all: QueryTemplate<{ namespace: string }, Row>;
  readonly put: QueryTemplate<PutArgs>;
  readonly remove: QueryTemplate<{ namespace: string; jid: string }>;

  constructor(db: Kysely<Database>) {
    const columns = ['jid', 'data', 'sealed_secret', 'preferences', 'registered_at'] as const;
    this.get = new QueryTemplate(db, ['namespace', 'jid'], (q, a) =>
      q.selectFrom('gateway_accounts').select(columns).where('namespace', '=', a.namespace).where('jid', '=', a.jid));
    this.all = new QueryTemplate(db, ['namespace'], (q, a) =>
      q.selectFrom('gateway_accounts').select(columns).where('namespace', '=', a.namespace).orderBy('jid'));
    this.put = new QueryTemplate(db, ['namespace', 'jid', 'data', 'secret', 'preferences', 'registeredAt', 'updatedAt'], (q, a) =>
      q
        .insertInto('gateway_accounts')
        .values({ namespace: a.namespace, jid: a.jid, data: a.data, sealed_secret: a.secret, preferences: a.preferences, registered_at: a.registeredAt, updated_at: a.updatedAt })
        .onConflict((oc) => oc.columns(['namespace', 'jid']).doUpdateSet({ data: a.data, sealed_secret: a.secret, preferences: a.preferences, registered_at: a.registeredAt, updated_at: a.updatedAt })));
    this.remove = new QueryTemplate(db, ['namespace', 'jid'], (q, a) =>
      q.deleteFrom('gateway_accounts').where('namespace', '=', a.namespace).where('jid', '=', a.jid));
  }
}

export class KyselyGatewayAccountStore implements GatewayAccountStore {
  readonly #namespace: string;

  constructor(
    private readonly connection: StoreConnection,
    private readonly queries: GatewayAccountQueries,
    namespace: string,
    private readonly json: StoredJson,
  ) {
    this.#namespace = checkText('gateway accounts namespace', namespace, { allowEmpty: false });
  }

  async get(jid: string): Promise<GatewayAccount | undefined> {
    checkText('gateway account jid', jid, { allowEmpty: false });
    const [row] = await this.connection.read(() => this.#describe('get', jid), this.queries.get.bind({ namespace: this.#namespace, jid }));
    return row && this.#account(row);
  }

  async all(): Promise<GatewayAccount[]> {
    const rows = await this.connection.read(() => this.#describe('all'), this.queries.all.bind({ namespace: this.#namespace }));
    return rows.map((row) => this.#account(row));
  }

  async put(account: GatewayAccount): Promise<void> {
    const jid = checkText('gateway account jid', account.jid, { allowEmpty: false });
    const secret = checkText('gateway account sealed secret', account.sealedSecret, { allowEmpty: true });
    const what = () => this.#describe('put', jid);
    const args: PutArgs = {
      namespace: this.#namespace,
      jid,
      data: toJson(what, account.data),
      secret,
      preferences: toJson(what, account.preferences),
      registeredAt: account.registeredAt,
      updatedAt: this.connection.now(),
    };
    await this.connection.write(what, this.queries.put.bind(args));
    this.json.rewritten(this.#valueId(jid, 'data'));
    this.json.rewritten(this.#valueId(jid, 'preferences'));
  }

  async remove(jid: string): Promise<boolean> {
    checkText('gateway account jid', jid, { allowEmpty: false });
    const removed = await this.connection.write(() => this.#describe('remove', jid), this.queries.remove.bind({ namespace: this.#namespace, jid }));
    return removed > 0;
  }

  #account(row: Row): GatewayAccount {
    const object = (text: string, field: string): Record<string, unknown> => {
      const value = this.json.parse<unknown>(text, this.#valueId(row.jid, field), { namespace: this.#namespace, jid: row.jid, field });
      return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
    };
    return { jid: row.jid, data: object(row.data, 'data'), sealedSecret: row.sealed_secret, preferences: object(row.preferences, 'preferences'), registeredAt: Number(row.registered_at) };
  }

  #describe(operation: string, jid?: string): string {
    return `gatewayAccounts(${JSON.stringify(this.#namespace)}).${operation}(${jid === undefined ? '' : JSON.stringify(jid)})`;
  }

  #valueId(jid: string, field: string): string {
    return `gateway\0${this.#namespace}\0${jid}\0${field}`;
  }
}

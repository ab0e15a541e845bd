/**
 * The HubStore over a Kysely connection, the same for every dialect.
 */
import type { Kysely } from 'kysely';
import type { Logger } from '../core/log.js';
import type { DialectSupport } from './dialect.js';
import { messageOf } from './errors.js';
import { StoreConnection } from './connection.js';
import type { HubStore } from './hub-store.js';
import { StoredJson } from './json-values.js';
import { KyselyKeyValueStore } from './kv.js';
import { KvQueries } from './kv-queries.js';
import { QueueQueries } from './queue-queries.js';
import { KyselyQueueStore } from './queue-store.js';
import { GatewayAccountQueries, KyselyGatewayAccountStore } from './gateway-accounts.js';
import { KyselyMessageMapStore } from './kysely-message-map.js';
import { KyselyRoomArchiveStore } from './room-archive.js';
import type { RoomArchiveStore } from '../core/room-archive.js';
import { appliedMigrations, currentVersion, type AppliedMigration } from './migrate.js';
import type { Database } from './schema.js';
import type { QueryRunner } from './query-runner.js';
import type { GatewayAccountStore, KeyValueStore, QueueStore } from '../core/store.js';

export class SqlStore implements HubStore {
  readonly kind: DialectSupport['kind'];
  readonly messages: KyselyMessageMapStore;
  readonly #connection: StoreConnection;
  readonly #json: StoredJson;
  readonly #kvQueries: KvQueries;
  readonly #queueQueries: QueueQueries;
  #accountQueries: GatewayAccountQueries | undefined;
  #closing: Promise<void> | undefined;

  constructor(
    db: Kysely<Database>,
    runner: QueryRunner,
    private readonly dialect: DialectSupport,
    private readonly log: Logger,
    now: () => number,
  ) {
    this.kind = dialect.kind;
    this.#connection = new StoreConnection(db, runner, now);
    this.messages = new KyselyMessageMapStore(this.#connection);
    this.#json = new StoredJson(log);
    this.#kvQueries = new KvQueries(db);
    this.#queueQueries = new QueueQueries(db);
  }

  schemaVersion(): Promise<number> {
    return this.#connection.run('schemaVersion', currentVersion);
  }

  migrations(): Promise<AppliedMigration[]> {
    return this.#connection.run('migrations', appliedMigrations);
  }

  kv(namespace: string): KeyValueStore {
    return new KyselyKeyValueStore(this.#connection, this.#kvQueries, namespace, this.#json);
  }

  queues(namespace: string): QueueStore {
    return new KyselyQueueStore(this.#connection, this.#queueQueries, namespace, this.#json);
  }

  gatewayAccounts(namespace: string): GatewayAccountStore {
    this.#accountQueries ??= new GatewayAccountQueries(this.#connection.db);
    return new KyselyGatewayAccountStore(this.#connection, this.#accountQueries, namespace, this.#json);
  }

  roomArchive(namespace: string): RoomArchiveStore {
    return new KyselyRoomArchiveStore(this.#connection, namespace);
  }

  /** Closes the connection (after a WAL checkpoint on SQLite). Safe to call more than once. */
  close(): Promise<void> {
    this.#closing ??= this.#close();
    return this.#closing;
  }

  async #close(): Promise<void> {
    await this.#connection.markClosed();
    const db = this.#connection.db;
    try {
      await this.dialect.beforeClose(db);
    } catch (error) {
      this.log.warn({ kind: this.kind, reason: messageOf(error) }, 'storage: final checkpoint failed; closing anyway');
    }
    await db.destroy();
    this.log.debug({ kind: this.kind }, 'storage closed');
  }
}

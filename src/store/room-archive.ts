/**
 * `HubStore.roomArchive(namespace)`: the gateway's room archive in the `room_archive` table
 * (migration 5). Appends are a few multi-row inserts of fixed shapes per batch (archive-insert.ts;
 * the gateway batches per turn of the event loop), issued together, so neither SQLite nor
 * PostgreSQL commits per message; queries are built per
 * call (their bounds vary) and always carry a limit.
 */
import type { ArchiveQuery, ArchivedKind, ArchivedMessage, RoomArchiveStore } from '../core/room-archive.js';
import { ArchiveInsert } from './archive-insert.js';
import { checkText, type StoreConnection } from './connection.js';
import type { RoomArchiveTable } from './schema.js';

const KINDS: ReadonlySet<string> = new Set(['message', 'correction', 'retraction', 'reaction']);

export class KyselyRoomArchiveStore implements RoomArchiveStore {
  readonly #namespace: string;
  readonly #insert: ArchiveInsert;

  constructor(private readonly connection: StoreConnection, namespace: string) {
    this.#namespace = checkText('room archive namespace', namespace, { allowEmpty: false });
    this.#insert = new ArchiveInsert(connection.db);
  }

  async append(entries: readonly ArchivedMessage[]): Promise<void> {
    const rows: RoomArchiveTable[] = entries.map((e) => ({
      namespace: this.#namespace,
      owner: checkText('archive owner', e.owner, { allowEmpty: false }),
      room: checkText('archive room', e.room, { allowEmpty: false }),
      seq: e.seq,
      stanza_id: checkText('archive stanza id', e.stanzaId, { allowEmpty: false }),
      at: e.at,
      nick: checkText('archive nick', e.nick, { allowEmpty: true }),
      kind: e.kind,
      body: checkText('archive body', e.body, { allowEmpty: true }),
      action: e.action ? 1 : 0,
      refers: checkText('archive refers', e.refers, { allowEmpty: true }),
    }));
    // Every chunk issued at once: on SQLite they join one group commit (sqlite-runner.ts).
    const what = `roomArchive(${JSON.stringify(this.#namespace)}).append(${rows.length})`;
    await Promise.all(this.#insert.queries(rows).map((query) => this.connection.write(what, query)));
  }

  async query(q: ArchiveQuery): Promise<ArchivedMessage[]> {
    let select = this.connection.db.selectFrom('room_archive').selectAll()
      .where('namespace', '=', this.#namespace).where('owner', '=', q.owner).where('room', '=', q.room);
    if (q.start !== undefined) select = select.where('at', '>=', q.start);
    if (q.end !== undefined) select = select.where('at', '<=', q.end);
    if (q.nick !== undefined) select = select.where('nick', '=', q.nick);
    if (q.afterSeq !== undefined) select = select.where('seq', '>', q.afterSeq);
    if (q.beforeSeq !== undefined) select = select.where('seq', '<', q.beforeSeq);
    select = select.orderBy('seq', q.newestFirst ? 'desc' : 'asc').limit(Math.max(0, Math.floor(q.limit)));
    const rows = await this.connection.read(`roomArchive(${JSON.stringify(this.#namespace)}).query`, select.compile());
    return rows.map((row) => ({
      owner: row.owner, room: row.room, seq: Number(row.seq), stanzaId: row.stanza_id, at: Number(row.at), nick: row.nick,
      kind: (KINDS.has(row.kind) ? row.kind : 'message') as ArchivedKind, body: row.body, action: Number(row.action) === 1, refers: row.refers,
    }));
  }

  async seqOf(owner: string, room: string, stanzaId: string): Promise<number | undefined> {
    const select = this.connection.db.selectFrom('room_archive').select('seq')
      .where('namespace', '=', this.#namespace).where('owner', '=', owner).where('room', '=', room).where('stanza_id', '=', stanzaId);
    const [row] = await this.connection.read(`roomArchive(${JSON.stringify(this.#namespace)}).seqOf`, select.compile());
    return row === undefined ? undefined : Number(row.seq);
  }

  pruneOlderThan(before: number): Promise<number> {
    const query = this.connection.db.deleteFrom('room_archive').where('namespace', '=', this.#namespace).where('at', '<', before).compile();
    return this.connection.write(`roomArchive(${JSON.stringify(this.#namespace)}).pruneOlderThan`, query);
  }

  async pruneRoom(owner: string, room: string, keep: number): Promise<number> {
    const what = `roomArchive(${JSON.stringify(this.#namespace)}).pruneRoom`;
    const inRoom = this.connection.db.deleteFrom('room_archive')
      .where('namespace', '=', this.#namespace).where('owner', '=', owner).where('room', '=', room);
    if (keep <= 0) return this.connection.write(what, inRoom.compile());
    const [oldestKept] = await this.connection.read(what, this.connection.db.selectFrom('room_archive').select('seq')
      .where('namespace', '=', this.#namespace).where('owner', '=', owner).where('room', '=', room)
      .orderBy('seq', 'desc').limit(1).offset(keep - 1).compile());
    if (oldestKept === undefined) return 0;
    return this.connection.write(what, inRoom.where('seq', '<', Number(oldestKept.seq)).compile());
  }

  removeOwner(owner: string): Promise<number> {
    const query = this.connection.db.deleteFrom('room_archive').where('namespace', '=', this.#namespace).where('owner', '=', owner).compile();
    return this.connection.write(`roomArchive(${JSON.stringify(this.#namespace)}).removeOwner`, query);
  }
}

/**
 * The last message the hub saw in each room (its cursor: the room's id of it, e.g. an XMPP
 * stanza-id or an IRC msgid, and its time),
 * persisted, so that a catch-up after an outage or a restart starts right after it.
 *
 * A cursor is stored only once everything the room sent up to that message was handled by the
 * hub (the relay issued the writes of its deliveries). Its write is issued at once then, in the
 * same turn of the event loop as the relay's last write for it (the promise chain runs in
 * microtasks), and storage commits writes in the order they were issued (SQLite: all of a
 * turn's writes in one transaction), so a crash cannot store the cursor without the deliveries
 * (a message lost) nor, on SQLite, the deliveries without the cursor (a message repeated).
 */
import type { KeyValueStore } from '../../core/store.js';
import type { RoomCursor } from './scan.js';

const key = (room: string): string => `catch-up/cursor/${room}`;

/** Longest id kept (XEP-0359 and IRC msgids allow long strings; real ones stay short). */
const MAX_ID_LENGTH = 1000;

interface RoomState {
  /** Settles once every cursor noted so far was issued to storage (its events handled). */
  tail: Promise<void>;
  /** Writes issued and not yet settled. */
  readonly writes: Set<Promise<void>>;
}

export class RoomCursors {
  private readonly rooms = new Map<string, RoomState>();

  /** @param failed - called when a cursor cannot be stored (the next one is tried anyway) */
  constructor(private readonly store: KeyValueStore, private readonly failed: (room: string, error: unknown) => void) {}

  /** The stored cursor of `room`; undefined when none (or what is stored is not a cursor). */
  async get(room: string): Promise<RoomCursor | undefined> {
    const value = await this.store.get<unknown>(key(room));
    return isCursor(value) ? value : undefined;
  }

  /**
   * `cursor` is the room's newest message once `handled` settled and every cursor noted before
   * for the room was written; then its write is issued.
   */
  note(room: string, cursor: RoomCursor, handled: Promise<void>): void {
    if (!isCursor(cursor)) return;
    const state = this.stateOf(room);
    const write = (): void => this.write(room, state, cursor);
    state.tail = Promise.all([state.tail, handled]).then(write, write);
  }

  /** Resolves once every cursor noted so far for `room` is stored (or failed). */
  async settled(room: string): Promise<void> {
    const state = this.rooms.get(room);
    if (state === undefined) return;
    await state.tail;
    await Promise.all([...state.writes]);
  }

  private stateOf(room: string): RoomState {
    let state = this.rooms.get(room);
    if (state === undefined) {
      state = { tail: Promise.resolve(), writes: new Set() };
      this.rooms.set(room, state);
    }
    return state;
  }

  private write(room: string, state: RoomState, cursor: RoomCursor): void {
    const written: Promise<void> = this.store.set(key(room), cursor).catch((error: unknown) => this.failed(room, error))
      .finally(() => state.writes.delete(written));
    state.writes.add(written);
  }
}

function isCursor(value: unknown): value is RoomCursor {
  const v = value as Partial<RoomCursor> | null | undefined;
  return typeof v === 'object' && v !== null && typeof v.id === 'string' && v.id !== '' && v.id.length <= MAX_ID_LENGTH
    && typeof v.ts === 'number' && Number.isFinite(v.ts);
}

/**
 * The last message the hub saw in each room (its cursor: the room's stanza-id and time),
 * persisted, so that a catch-up after an outage or a restart starts right after it.
 *
 * A cursor is stored only once everything the room sent up to that message was handled by the
 * hub (the relay issued the writes of its deliveries): the write is issued after theirs and
 * storage commits writes in the order they were issued, so a crash between cannot lose a
 * message (it is still after the stored cursor) nor repeat one (it is no longer after it).
 * Writes are coalesced: while one is under way only the newest cursor waits for the next.
 */
import type { KeyValueStore } from '../../core/store.js';
import type { RoomCursor } from './catch-up-scan.js';

const key = (room: string): string => `catch-up/cursor/${room}`;

/** Longest stanza-id kept (XEP-0359 allows any string; ours stay short). */
const MAX_ID_LENGTH = 1000;

interface RoomState {
  /** Settles once every cursor noted so far is ready (its events handled). */
  tail: Promise<void>;
  /** The newest cursor whose events were handled. */
  ready?: RoomCursor;
  /** The cursor last written (or being written). */
  written?: RoomCursor;
  writing: boolean;
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
   * for the room is ready; then it is stored.
   */
  note(room: string, cursor: RoomCursor, handled: Promise<void>): void {
    if (!isCursor(cursor)) return;
    const state = this.stateOf(room);
    state.tail = Promise.all([state.tail, handled]).then(
      () => this.ready(room, state, cursor),
      () => this.ready(room, state, cursor),
    );
  }

  /** Resolves once every cursor noted so far for `room` is stored (or failed). */
  async settled(room: string): Promise<void> {
    const state = this.rooms.get(room);
    if (state === undefined) return;
    await state.tail;
    while (state.writing) await new Promise((resolve) => setImmediate(resolve));
  }

  private stateOf(room: string): RoomState {
    let state = this.rooms.get(room);
    if (state === undefined) {
      state = { tail: Promise.resolve(), writing: false };
      this.rooms.set(room, state);
    }
    return state;
  }

  private ready(room: string, state: RoomState, cursor: RoomCursor): void {
    state.ready = cursor;
    if (!state.writing) void this.write(room, state);
  }

  private async write(room: string, state: RoomState): Promise<void> {
    state.writing = true;
    try {
      while (state.ready !== undefined && state.ready !== state.written) {
        const cursor = state.ready;
        state.written = cursor;
        try {
          await this.store.set(key(room), cursor);
        } catch (error) {
          this.failed(room, error);
        }
      }
    } finally {
      state.writing = false;
    }
  }
}

function isCursor(value: unknown): value is RoomCursor {
  const v = value as Partial<RoomCursor> | null | undefined;
  return typeof v === 'object' && v !== null && typeof v.id === 'string' && v.id !== '' && v.id.length <= MAX_ID_LENGTH
    && typeof v.ts === 'number' && Number.isFinite(v.ts);
}

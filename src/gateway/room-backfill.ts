/**
 * Backfill (slidge's `LegacyMUC.backfill`, ADR 0010 "History"): once per room and gateway run,
 * after a join, the framework asks a legacy network that keeps its own archive
 * (`LegacySession.backfillRoom`) for the messages of the hole in the gateway's archive, and
 * archives them (not sent live: the history on join and MAM show them). The hole's bounds:
 *
 * - `after`: the newest entry archived before this join (none: an empty archive, or only what
 *   the last run backfilled and nothing since — then the newest backfilled one);
 * - `before`: the first entry archived since the join began (none: nothing said yet, fetch up to
 *   the most recent; nothing later than the join is taken). A downtime hole (archived messages from before, live ones since) has both.
 *
 * The network is untrusted: messages without an id, outside the bounds or beyond the limit are
 * dropped; each gets a seq inside the hole, in time order, so the archive's order stays right.
 */
import type { Logger } from '../core/log.js';
import type { ArchivedMessage } from '../core/room-archive.js';
import type { LegacySession } from './api.js';
import type { BackfilledMessage, HoleBound } from './room-api.js';
import { storable, type RoomHistory } from './room-history.js';
import { withTimeoutSignal } from './timeout-signal.js';

/** How long one backfill may take (the join's history waits for it). */
export const BACKFILL_TIMEOUT_MS = 10_000;
/** The longest legacy id or text kept from a backfilled message. */
const MAX_ID_CHARS = 200;

/** An archived entry as a hole bound. */
function boundOf(entry: ArchivedMessage | undefined): (HoleBound & { readonly seq: number }) | undefined {
  return entry === undefined ? undefined : { id: entry.stanzaId, at: entry.at, seq: entry.seq };
}

/**
 * Places `messages` in the hole between the seqs `low` and `high` (exclusive): kept in time
 * order, each at its time's seq when that fits, else as close as the others allow (strictly
 * increasing, room left for the ones after it); when more messages than seqs, the oldest are
 * dropped. Pure.
 */
export function placeInHole(messages: readonly BackfilledMessage[], low: number, high: number): Array<{ readonly message: BackfilledMessage; readonly seq: number }> {
  const room = Math.max(0, high - low - 1);
  if (room === 0) return [];
  const sorted = [...messages].sort((a, b) => a.at - b.at).slice(-room);
  const placed: Array<{ message: BackfilledMessage; seq: number }> = [];
  let previous = low;
  sorted.forEach((message, i) => {
    const seq = Math.max(previous + 1, Math.min(message.at * 1000, high - (sorted.length - i)));
    placed.push({ message, seq });
    previous = seq;
  });
  return placed;
}

/**
 * Backfills `room` of `owner` from `legacy` (when it keeps an archive and the room was not
 * backfilled in this run): `joinSeq` is {@link RoomHistory.mark} taken before the join. Never
 * throws: a failure is logged and the join goes on. Resolves with the number archived.
 */
export async function backfillRoom(history: RoomHistory, legacy: LegacySession, owner: string, room: string, joinSeq: number, log: Logger): Promise<number> {
  if (legacy.backfillRoom === undefined || legacy.canBackfill?.() === false || !history.firstBackfill(owner, room)) return 0;
  try {
    const [newestBefore] = await history.query({ owner, room, beforeSeq: joinSeq, newestFirst: true, limit: 1 });
    const [firstSince] = await history.query({ owner, room, afterSeq: joinSeq - 1, newestFirst: false, limit: 1 });
    const after = boundOf(newestBefore);
    const before = boundOf(firstSince);
    const limit = history.limits.maxMessagesPerRoom;
    const backfill = legacy.backfillRoom;
    const answer = await withTimeoutSignal(BACKFILL_TIMEOUT_MS, (signal) => backfill.call(legacy, room, {
      ...(after === undefined ? {} : { after: { id: after.id, at: after.at } }),
      ...(before === undefined ? {} : { before: { id: before.id, at: before.at } }),
      limit,
    }, signal));
    const wanted = (Array.isArray(answer) ? answer : []).filter((m: BackfilledMessage) =>
      typeof m.id === 'string' && storable(m.id) !== '' && m.id.length <= MAX_ID_CHARS && typeof m.text === 'string' && Number.isFinite(m.at) &&
      (after === undefined || m.at >= after.at) && m.at <= (before?.at ?? joinSeq / 1000) && m.id !== after?.id && m.id !== before?.id);
    const newest = wanted.sort((a, b) => a.at - b.at).slice(-limit);
    const placed = placeInHole(newest, after?.seq ?? 0, before?.seq ?? joinSeq);
    await history.appendBackfill(placed.map(({ message, seq }) => ({
      owner, room, seq, stanzaId: storable(message.id), at: message.at, nick: storable(message.nick ?? '', 200), kind: 'message',
      body: storable(message.text), action: message.action === true, refers: '',
    })));
    if (placed.length < (Array.isArray(answer) ? answer.length : 0)) {
      log.info({ user: owner, room, received: Array.isArray(answer) ? answer.length : 0, kept: placed.length }, 'gateway: backfill messages outside the hole or beyond the limit were dropped');
    }
    return placed.length;
  } catch (error) {
    log.warn({ user: owner, room, err: error }, 'gateway: backfilling a room failed; its history has a hole');
    return 0;
  }
}

/**
 * The server's answer to a MODE the person sent from XMPP (a role change, a room configuration):
 * the MODE echoed back from the person (done), or a refusal numeric naming the channel (482
 * ERR_CHANOPRIVSNEEDED, 441 ERR_USERNOTINCHANNEL, 472 ERR_UNKNOWNMODE, 467 ERR_KEYSET, 696
 * ERR_INVALIDMODEPARAM), so that the XMPP request is answered with the server's words instead of a
 * silent success. One answer waited for per channel at a time (later requests queue behind it in
 * the session, whose lines are in order); bounded by a timeout.
 */
import { LegacyRefusal, type RoomBan } from '../api.js';

/** Most ban list entries kept (a larger list is cut). */
export const MAX_BANS = 100;

/** Most characters of the server's words carried into the error. */
const MAX_TEXT = 300;

/** The refusals a MODE can get, with where the channel is among the numeric's parameters. */
const REFUSALS: Readonly<Record<string, { readonly channelAt: number; readonly condition: 'forbidden' | 'item-not-found' | 'not-acceptable' }>> = {
  '482': { channelAt: 1, condition: 'forbidden' },
  '441': { channelAt: 2, condition: 'item-not-found' },
  '467': { channelAt: 1, condition: 'not-acceptable' },
  '472': { channelAt: -1, condition: 'not-acceptable' },
  '696': { channelAt: 1, condition: 'not-acceptable' },
};

interface Waiter {
  readonly resolve: () => void;
  readonly reject: (error: LegacyRefusal) => void;
}

export class ModeAnswers {
  readonly #waiting = new Map<string, Waiter>();
  /** Ban lists being read (367 … 368), per channel. */
  readonly #lists = new Map<string, { readonly entries: RoomBan[]; readonly done: (entries: RoomBan[]) => void }>();
  #chain: Promise<unknown> = Promise.resolve();

  /**
   * Sends a MODE with `send` once no other is waiting, and resolves when the server echoed a MODE
   * of the person on `key`; rejects with the server's refusal, or after `timeoutMs`.
   */
  request(key: string, send: () => void, timeoutMs: number): Promise<void> {
    const run = this.#chain.then(() => new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#waiting.delete(key);
        reject(new LegacyRefusal('the IRC server did not answer the MODE in time', 'remote-server-timeout'));
      }, timeoutMs);
      timer.unref?.();
      const done = (): void => {
        clearTimeout(timer);
        this.#waiting.delete(key);
      };
      this.#waiting.set(key, { resolve: () => (done(), resolve()), reject: (e) => (done(), reject(e)) });
      send();
    }));
    this.#chain = run.catch(() => undefined);
    return run;
  }

  /**
   * Asks the ban list of `key` with `send` (`MODE #chan +b`): resolves with at most
   * {@link MAX_BANS} entries at RPL_ENDOFBANLIST, or with what came after `timeoutMs`.
   */
  bans(key: string, send: () => void, timeoutMs: number): Promise<RoomBan[]> {
    const known = this.#lists.get(key);
    if (known !== undefined) return new Promise((resolve) => {
      const previous = known.done;
      Object.assign(known, { done: (entries: RoomBan[]) => (previous(entries), resolve(entries)) });
    });
    return new Promise((resolve) => {
      const timer = setTimeout(() => list.done(list.entries), timeoutMs);
      timer.unref?.();
      const list = { entries: [] as RoomBan[], done: (entries: RoomBan[]) => (clearTimeout(timer), this.#lists.delete(key), resolve(entries)) };
      this.#lists.set(key, list);
      send();
    });
  }

  /** RPL_BANLIST (367 `<me> <channel> <mask> [<by> <time>]`) or RPL_ENDOFBANLIST (368); true when a list asked for it. */
  banLine(command: string, params: readonly string[], keyOf: (name: string) => string): boolean {
    const list = this.#lists.get(keyOf(params[1] ?? ''));
    if (list === undefined) return false;
    if (command === '368') list.done(list.entries);
    else if (list.entries.length < MAX_BANS && params[2] !== undefined) list.entries.push({ mask: params[2].slice(0, 200), ...(params[3] === undefined ? {} : { by: params[3].split('!')[0]?.slice(0, 64) ?? '' }) });
    return true;
  }

  /** A MODE from the person on the channel `key`: the request (if any) is done. */
  echoed(key: string): void {
    this.#waiting.get(key)?.resolve();
  }

  /**
   * A numeric the connection received (`params` after the command); true when it answered a
   * waiting request (then the caller does not report it elsewhere). `keyOf` folds a channel name.
   */
  refused(command: string, params: readonly string[], keyOf: (name: string) => string): boolean {
    const refusal = REFUSALS[command];
    if (refusal === undefined) return false;
    const words = (params[params.length - 1] ?? '').slice(0, MAX_TEXT);
    // 472 names no channel: it answers the one waiting request, if only one waits.
    const key = refusal.channelAt < 0 ? (this.#waiting.size === 1 ? [...this.#waiting.keys()][0] : undefined) : keyOf(params[refusal.channelAt] ?? '');
    const waiter = key === undefined ? undefined : this.#waiting.get(key);
    if (waiter === undefined) return false;
    waiter.reject(new LegacyRefusal(`IRC refused: ${words}`, refusal.condition));
    return true;
  }

  /** The connection is gone: every waiting request is refused. */
  clear(reason: string): void {
    for (const waiter of [...this.#waiting.values()]) waiter.reject(new LegacyRefusal(reason, 'service-unavailable'));
    for (const list of [...this.#lists.values()]) list.done(list.entries);
  }
}

/**
 * CHATHISTORY answers are history, never live: irc-framework must not handle them. It would keep
 * every line of a batch in memory until the batch ends (however many the server sends), then
 * run its handlers on each as if it had just happened: a past NICK of our own nick would rename
 * us in its state, a past JOIN or PART change its channels. The lines of `chathistory` batches
 * (and of batches nested in them) are withheld from the library by a raw middleware; the hub's
 * own readers (history-batches.ts, which see every line) still get them.
 */
import type { Client, ParsedLine } from 'irc-framework';

/** Refs of history batches remembered (the oldest forgotten first). */
const MAX_REFS = 256;

/**
 * Follows the history batches of one connection: `withheld(line)` says whether the line belongs to one
 * (its start and end included). Bounded: at most {@link MAX_REFS} refs are remembered.
 */
export class HistoryLines {
  readonly #refs = new Set<string>();

  /** true when `line` starts, ends or belongs to a `chathistory` batch (or one nested in it). */
  withheld(line: Pick<ParsedLine, 'command' | 'params' | 'tags'>): boolean {
    const outer = typeof line.tags.batch === 'string' ? line.tags.batch : undefined;
    const inside = outer !== undefined && this.#refs.has(outer);
    if (line.command !== 'BATCH') return inside;
    const marker = line.params[0] ?? '';
    const ref = marker.slice(1);
    if (ref === '') return inside;
    if (marker.startsWith('+') && (inside || (line.params[1] ?? '').toLowerCase() === 'chathistory')) {
      this.#refs.add(ref);
      if (this.#refs.size > MAX_REFS) this.#refs.delete(this.#refs.values().next().value as string);
      return true;
    }
    if (marker.startsWith('-') && this.#refs.delete(ref)) return true;
    return inside;
  }
}

/** Withholds the lines of CHATHISTORY batches from `client`'s own handlers (see the module comment). */
export function withholdHistory(client: Client): void {
  const lines = new HistoryLines();
  client.use((_client, raw) => raw.use((_command, message, _rawLine, _self, next) => {
    if (!lines.withheld(message)) next();
  }));
}

/**
 * Message ids minted by the adapter (for lines without a server `msgid`, and one per line it
 * sends): unique across restarts, as each run starts with a random prefix.
 */
import { randomBytes } from 'node:crypto';

/** Mints `irc:<network>:<run>:<n>` ids for one network. */
export class LineIds {
  private counter = 0;
  /** Random per run, so that ids minted after a restart never repeat earlier ones. */
  private readonly runId = randomBytes(6).toString('hex');

  constructor(private readonly network: string) {}

  /** The next id. */
  next(): string {
    this.counter += 1;
    return `irc:${this.network}:${this.runId}:${this.counter}`;
  }
}

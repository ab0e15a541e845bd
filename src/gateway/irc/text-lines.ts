/**
 * XMPP text → IRC lines (pure), for what the person sends to a channel or a nick.
 *
 * - XEP-0393 styling becomes IRC formatting (`*bold*` → `\x02`, `_italics_` → `\x1d`, `~strike~`
 *   → `\x1e`, code spans and blocks → monospace `\x11`), as the person's own client showed it;
 *   text that is not valid XEP-0393 markup (`2*3*4`, `snake_case`) stays as typed.
 * - Each line of the message is one IRC line or more; empty lines are skipped.
 * - A line longer than the byte budget is cut at whitespace (the one space at the break is
 *   dropped) unless that leaves the part less than half full, else at a grapheme boundary (never
 *   inside a UTF-8 sequence or a grapheme cluster); the formatting in effect is reopened on the
 *   next part. This is the relay's splitter (networks/irc/split.ts).
 * - The budget is computed from the real prefix the server adds when relaying it
 *   (`:nick!user@host PRIVMSG target :` + CRLF within the server's LINELEN, 512 when not
 *   advertised; user and host unknown: the longest they can be), and the CTCP ACTION wrapping
 *   for a /me, which every part keeps.
 * - At most `maxLines` lines: beyond them the last line is the note
 *   `… (N more lines truncated)` (`about N` for a huge message: counting stops early), so a
 *   10,000-line message costs `maxLines` lines and bounded work.
 */
import { parseStyling } from '../../networks/xmpp/styling-parse.js';
import { richTextToRuns } from '../../networks/irc/runs.js';
import { messageBudget, MIN_SPLIT_BYTES, splitRuns } from '../../networks/irc/split.js';

/** Who sends, to where, and the server's limits. */
export interface IrcLineTarget {
  /** The sender's nick, username (as the server shows it, `~` included) and host; unknown user or host: the longest. */
  readonly nick: string;
  readonly user?: string;
  readonly host?: string;
  /** A channel or a nick. */
  readonly target: string;
  /** The server's LINELEN (ISUPPORT); 512 when absent. */
  readonly lineLength?: number;
  /** A /me (CTCP ACTION on every line). */
  readonly action: boolean;
  /** Most IRC lines (at least 2: the last may be the truncation note). */
  readonly maxLines: number;
}

/** The PRIVMSG lines (without CRLF) that carry `text` (see the module comment). */
export function privmsgLines(text: string, to: IrcLineTarget): string[] {
  const budget = messageBudget({ command: 'PRIVMSG', nick: to.nick, user: to.user, host: to.host, target: to.target, lineLength: to.lineLength, action: to.action });
  const runs = richTextToRuns(parseStyling(text.replace(/\r\n?/g, '\n')));
  const parts = splitRuns(runs, { maxBytes: Math.max(MIN_SPLIT_BYTES, budget), maxLines: to.maxLines });
  return parts.map((part) => `PRIVMSG ${to.target} :${to.action ? `\u0001ACTION ${part}\u0001` : part}`);
}

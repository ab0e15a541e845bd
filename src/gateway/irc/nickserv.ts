/**
 * NickServ IDENTIFY at login, pure: the line to send and what NickServ's answers mean. Services
 * differ in words (Atheme, Anope), so the reading is by the usual phrases and the RPL_LOGGEDIN
 * numeric; what NickServ says is shown to the person when it refuses.
 */
import type { ParsedLine } from 'irc-framework';
import { LegacyRefusal } from '../api.js';

/** The nick of the services' NickServ. */
export const NICKSERV = 'NickServ';

/** The IDENTIFY line for `password` (CR, LF and NUL cannot be in it: they would end the line). */
export function identifyLine(password: string): string {
  return `PRIVMSG ${NICKSERV} :IDENTIFY ${password.replace(/[\r\n\0]/g, '')}`;
}

const ACCEPTED = /you are now (identified|logged in)|password accepted|you are now recognized|successfully identified/i;
const REFUSED = /invalid password|incorrect password|wrong password|password incorrect|authentication failed|not registered|isn't registered|access denied|failed to identify/i;

/**
 * What `line` says about an IDENTIFY under way: 'accepted', a refusal in the person's words, or
 * undefined (not about it: other notices, other senders).
 */
export function identifyOutcome(line: ParsedLine): 'accepted' | LegacyRefusal | undefined {
  if (line.command === '900') return 'accepted'; // RPL_LOGGEDIN
  if (line.command === '401' && line.params[1]?.toLowerCase() === NICKSERV.toLowerCase()) {
    return new LegacyRefusal('this IRC network has no NickServ: choose SASL or the server password', 'not-acceptable');
  }
  if (line.command !== 'NOTICE' || line.nick.toLowerCase() !== NICKSERV.toLowerCase()) return undefined;
  const text = (line.params[line.params.length - 1] ?? '').replace(/\p{Cc}/gu, '').slice(0, 300);
  if (REFUSED.test(text)) return new LegacyRefusal(`NickServ refused the login: "${text}"`, 'not-authorized');
  return ACCEPTED.test(text) ? 'accepted' : undefined;
}

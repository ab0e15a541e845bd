/**
 * Kicks and bans from XMPP as IRC lines, pure (ADR 0010 §9): a kick is `KICK <channel> <nick>
 * :<reason>`, a ban `MODE <channel> +b <nick>!*@*` then the kick. Refused before anything is sent
 * when the person holds no prefix that allows it in the channel: a kick needs half-op or higher
 * (`%`, the lowest prefix ngIRCd, InspIRCd and most ircds let kick), a ban operator or higher
 * (`@`, `&`, `~`: servers differ on whether half-ops may set bans, so the gateway asks for the
 * one level they all accept). The server still has the last word: an ERR_CHANOPRIVSNEEDED that
 * comes back anyway is shown in the room as a `refused` event (channels.ts).
 */
import { LegacyRefusal, type RoomModeration } from '../api.js';
import { roleOf } from './channel-modes.js';
import { isNick } from './lines.js';

/** Most bytes of a kick reason (the whole line stays within IRC's 512 bytes). */
const MAX_REASON_BYTES = 300;

/** The lines that do `action` in `channel` for someone holding `self` (prefix symbols). */
export function moderationLines(channel: string, action: RoomModeration, self: ReadonlySet<string>): string[] {
  if (!isNick(action.nick) || action.nick.length > 32) throw new LegacyRefusal(`"${action.nick.slice(0, 40)}" is not a valid IRC nick`, 'bad-request');
  const { role, affiliation } = roleOf(self);
  if (action.kind === 'kick' && role !== 'moderator') throw new LegacyRefusal(`you cannot kick in ${channel}: it needs half-op (%) or operator (@) status there, and you have neither`, 'forbidden');
  if (action.kind === 'ban' && affiliation !== 'owner' && affiliation !== 'admin') throw new LegacyRefusal(`you cannot ban in ${channel}: it needs operator (@) status there`, 'forbidden');
  const reason = trimBytes((action.reason ?? '').replace(/[\r\n\0]+/gu, ' '), MAX_REASON_BYTES);
  const kick = `KICK ${channel} ${action.nick}${reason === '' ? '' : ` :${reason}`}`;
  return action.kind === 'kick' ? [kick] : [`MODE ${channel} +b ${action.nick}!*@*`, kick];
}

/** `text` cut to at most `max` bytes of UTF-8, on a character boundary. */
function trimBytes(text: string, max: number): string {
  if (Buffer.byteLength(text, 'utf8') <= max) return text;
  let out = '';
  for (const c of text) {
    if (Buffer.byteLength(out + c, 'utf8') > max) break;
    out += c;
  }
  return out;
}

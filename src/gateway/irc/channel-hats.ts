/**
 * Hats (XEP-0317) for the IRC prefixes XMPP roles and affiliations cannot tell apart (ADR 0010
 * §11): half-op (`%`, a moderator who is only a member), protected (`&`, an admin above ops) and
 * founder (`~`, shown as owner, also hatted so clients that show hats name it as IRC does). An
 * op (`@`) and voice (`+`) need none: admin/moderator and member/participant say it all. Pure.
 */
import type { RoomHat } from '../api.js';

const HATS: Readonly<Record<string, RoomHat>> = {
  '~': { uri: 'urn:switchboard:irc:hat:founder', title: 'Founder (~)' },
  '&': { uri: 'urn:switchboard:irc:hat:protected', title: 'Protected (&)' },
  '%': { uri: 'urn:switchboard:irc:hat:halfop', title: 'Half-op (%)' },
};

/** The hats of someone holding `prefixes` (symbols), in the order of the table. */
export function hatsOf(prefixes: Iterable<string>): RoomHat[] {
  const held = new Set(prefixes);
  return Object.keys(HATS).filter((symbol) => held.has(symbol)).map((symbol) => HATS[symbol] as RoomHat);
}

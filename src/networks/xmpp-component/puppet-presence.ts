/**
 * Away states of remote people, for their puppets' presence in rooms: IRC AWAY (with its text)
 * becomes `<show>away</show>` and `<status>text</status>` on every presence their puppets send
 * (joins, nick changes, and an update when it changes); back is a plain available presence.
 * Remembered per person (bounded: the oldest are forgotten first), so that a puppet joining
 * later shows it too.
 */
import xml, { type Element } from '@xmpp/xml';
import { stripInvalidXmlChars } from '../xmpp/xml-chars.js';

/** Most people whose away text is remembered. */
export const MAX_AWAY_PEOPLE = 10_000;
/** Longest status text sent (code points); longer away texts are cut. */
const MAX_STATUS_CHARS = 300;

/** The children of an available presence for someone away with `text` (none: available). */
export function presencePayload(awayText: string | undefined): Element[] {
  if (awayText === undefined) return [];
  const status = [...stripInvalidXmlChars(awayText)].slice(0, MAX_STATUS_CHARS).join('').trim();
  return [xml('show', {}, 'away'), ...(status === '' ? [] : [xml('status', {}, status)])];
}

/** Who is away, by person key, with their away text. */
export class AwayStates {
  private readonly texts = new Map<string, string>();

  constructor(private readonly max = MAX_AWAY_PEOPLE) {}

  /** The away text of the person `key`; undefined when they are not away. */
  get(key: string): string | undefined {
    return this.texts.get(key);
  }

  /** Records that `key` is away with `text`, or back (`text` empty). Returns true when it changed. */
  set(key: string, text: string): boolean {
    const before = this.texts.get(key);
    this.texts.delete(key);
    if (text === '') return before !== undefined;
    this.texts.set(key, text);
    if (this.texts.size > this.max) this.texts.delete(this.texts.keys().next().value as string);
    return before !== text;
  }

  /** The person `from` is now known as `to` (a nick change): their state follows them. */
  rename(from: string, to: string): void {
    const text = this.texts.get(from);
    if (text === undefined || from === to) return;
    this.texts.delete(from);
    this.set(to, text);
  }

  /** Forgets everyone of `network` (keys start with the network and a NUL, as personKey makes them). */
  forgetNetwork(network: string): void {
    const prefix = `${network}\u0000`;
    for (const key of [...this.texts.keys()]) if (key.startsWith(prefix)) this.texts.delete(key);
  }

  /** Forgets the person (they quit). */
  forget(key: string): void {
    this.texts.delete(key);
  }

  get size(): number {
    return this.texts.size;
  }
}

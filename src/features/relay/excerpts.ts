/**
 * Recent messages' starts (author nick and text), for the quotes in reply, reaction and delete
 * fallbacks. Kept in memory and bounded: after a restart, fallbacks for older messages say
 * "a message" instead of quoting it.
 */
import type { MessageLocation } from '../../store/message-map.js';
import type { Excerpt } from './jobs.js';

const key = (location: Pick<MessageLocation, 'network' | 'messageId'>): string => `${location.network}\u0000${location.messageId}`;

export class Excerpts {
  private readonly entries = new Map<string, Excerpt>();

  constructor(private readonly limit = 20_000) {}

  remember(location: Pick<MessageLocation, 'network' | 'messageId'>, excerpt: Excerpt): void {
    const k = key(location);
    this.entries.delete(k);
    this.entries.set(k, excerpt);
    if (this.entries.size > this.limit) {
      const oldest = this.entries.keys().next().value;
      if (oldest !== undefined) this.entries.delete(oldest);
    }
  }

  get(location: Pick<MessageLocation, 'network' | 'messageId'>): Excerpt | undefined {
    return this.entries.get(key(location));
  }
}

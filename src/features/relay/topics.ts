/**
 * Which TOPIC events are the topic the bot learnt on joining (IRC 332, the MUC subject sent on
 * join) rather than a change someone made: those are never relayed.
 */
import type { TopicArgs } from '../../core/catalog.js';

/**
 * TOPIC events without a previous topic this soon after a (re)connect count as join-time ones,
 * when the adapter does not say (`initial` undefined).
 */
export const JOIN_TOPIC_GRACE_MS = 500;

/**
 * true for the topic learnt on joining. Adapters mark it with `initial`; that flag decides
 * whenever it is set. Only for adapters that leave it undefined the relay guesses: the same
 * text as before, or no previous topic and either no setter or within JOIN_TOPIC_GRACE_MS of
 * the network's (re)connect (`upSince`, undefined while it is not connected).
 */
export function isJoinTimeTopic(args: TopicArgs, ts: number, upSince: number | undefined): boolean {
  if (args.initial !== undefined) return args.initial;
  if (args.oldText === args.text) return true;
  if (args.oldText !== undefined) return false;
  return args.setter === undefined || upSince === undefined || ts - upSince < JOIN_TOPIC_GRACE_MS;
}

/**
 * The `catchUp` option of the networks that catch up on what was said while the hub was away
 * (XMPP rooms from their archives, IRC channels through CHATHISTORY): the same names, bounds
 * and defaults everywhere (docs/networks/xmpp.md, docs/networks/irc.md).
 */
import * as z from 'zod';

/** The defaults of `catchUp`. */
export const CATCH_UP_DEFAULTS = { enabled: true, maxMessages: 100, maxAgeMinutes: 60, timeoutMs: 15_000 } as const;

/** The schema of `catchUp`; each field may be left out. */
export const catchUpSchema = z.strictObject({
  /** Relay what rooms said while the hub was away. */
  enabled: z.boolean().default(CATCH_UP_DEFAULTS.enabled),
  /** Most messages relayed per room and catch-up (the newest); one line says how many more were not. */
  maxMessages: z.number().int().min(1).max(10_000).default(CATCH_UP_DEFAULTS.maxMessages),
  /** Messages older than this are not relayed (counted in that line). */
  maxAgeMinutes: z.number().min(1).max(60 * 24 * 30).default(CATCH_UP_DEFAULTS.maxAgeMinutes),
  /** Longest a catch-up may take per room; live messages of the room wait at most this long. */
  timeoutMs: z.number().int().min(100).max(300_000).default(CATCH_UP_DEFAULTS.timeoutMs),
});

/** Validated `catchUp` options. */
export type CatchUpConfig = z.output<typeof catchUpSchema>;

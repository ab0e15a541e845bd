/**
 * The hub's `egress:` config section: what the hub may fetch over HTTP (attachments, file
 * re-uploads, paste services) and how much work one message may cause. docs/configuration.md
 * documents each key.
 */
import * as z from 'zod';
import { parseAllowEntry } from './allow-list.js';

/** The egress policy, defaults applied. */
export interface EgressConfig {
  /** Hosts, addresses and CIDR ranges that may be fetched although not public. */
  readonly allow: readonly string[];
  /** Redirects followed per request; each hop is checked again. */
  readonly maxRedirects: number;
  /** The most bytes read from any one response body. */
  readonly maxBodyBytes: number;
  /** The time all fetches for one message share. */
  readonly messageBudgetMs: number;
  /** The most links (attachment URLs) fetched for one message; the others are relayed as plain links. */
  readonly maxLinksPerMessage: number;
}

export const DEFAULT_EGRESS_CONFIG: EgressConfig = {
  allow: [],
  maxRedirects: 3,
  maxBodyBytes: 50 * 1024 * 1024,
  messageBudgetMs: 30_000,
  maxLinksPerMessage: 4,
};

const allowEntry = z.string().superRefine((text, ctx) => {
  const parsed = parseAllowEntry(text);
  if ('error' in parsed) ctx.addIssue({ code: 'custom', message: parsed.error });
});

/** The zod schema of `egress:` (every key optional). */
export const egressSchema = z.strictObject({
  allow: z.array(allowEntry).default([...DEFAULT_EGRESS_CONFIG.allow]),
  maxRedirects: z.int().min(0).max(20).default(DEFAULT_EGRESS_CONFIG.maxRedirects),
  maxBodyBytes: z.int().positive().default(DEFAULT_EGRESS_CONFIG.maxBodyBytes),
  messageBudgetMs: z.int().positive().default(DEFAULT_EGRESS_CONFIG.messageBudgetMs),
  maxLinksPerMessage: z.int().min(0).default(DEFAULT_EGRESS_CONFIG.maxLinksPerMessage),
});

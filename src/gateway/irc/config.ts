/**
 * The `legacy:` options of a gateway whose legacy network is IRC: the one IRC server its people
 * log in to (docs/gateway.md). Each registered person gets their own connection to it.
 */
import * as z from 'zod';

export const ircLegacyConfigSchema = z.strictObject({
  protocol: z.literal('irc'),
  /** The IRC server's host and port. */
  host: z.string().min(1, { error: 'must not be empty' }),
  port: z.number().int().min(1).max(65_535).default(6697),
  tls: z.boolean().default(true),
  /** Path of a PEM file with the CA to trust for TLS. */
  tlsCa: z.string().min(1).optional(),
  /** Accept any TLS certificate. Only for test servers. */
  tlsInsecure: z.boolean().default(false),
  /** The network's name as people see it ("Libera.Chat"). */
  displayName: z.string().min(1).optional(),
  /** How long a connection may take to register. */
  connectTimeoutMs: z.number().int().min(100).max(120_000).default(20_000),
  /** Seconds between pings (0: none). */
  pingIntervalSec: z.number().int().min(0).max(3600).default(60),
  /** Each person's flood control (as the irc network's `flood`): lines back to back, then one per interval. */
  flood: z.strictObject({
    burst: z.number().int().min(1).max(100).default(4),
    intervalMs: z.number().int().min(0).max(60_000).default(1_000),
  }).default({ burst: 4, intervalMs: 1_000 }),
  /** Most lines waiting to be sent per person; a message beyond it is refused (try again). */
  maxQueuedLines: z.number().int().min(1).max(10_000).default(100),
  /** How often contacts' presence is polled with ISON where the server has no MONITOR. */
  isonIntervalSec: z.number().int().min(5).max(3600).default(60),
});

export type IrcLegacyConfig = z.output<typeof ircLegacyConfigSchema>;

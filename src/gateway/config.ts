/**
 * The options of a `gateway` network (docs/gateway.md): the component it runs as, the key that
 * seals people's legacy credentials, login pacing, and the legacy network (`legacy:`).
 */
import * as z from 'zod';
import { componentConnectionShape, hostName } from '../networks/xmpp-component/config.js';
import { isBareJid } from '../networks/xmpp/jid.js';
import { ircLegacyConfigSchema } from './irc/config.js';

/**
 * The `legacy:` options of a legacy network a module adds: its `protocol` (the name it was
 * registered under) and whatever else it takes, checked by its factory when the gateway connects.
 */
const moduleLegacyConfigSchema = z.looseObject({
  protocol: z.string().regex(/^[a-z][a-z0-9-]{0,63}$/, { error: 'must be a legacy network name (lower-case letters, digits, -)' })
    .refine((p) => p !== 'irc', { error: 'irc takes the IRC options' }),
});

/** The zod schema of a gateway network's options. Error messages never include the value. */
export const gatewayConfigSchema = z
  .strictObject({
    protocol: z.literal('gateway').optional(),
    /** The component (domain: the gateway JID; contacts are `nick@domain`), as for `xmpp-component`. */
    ...componentConnectionShape,
    /** The gateway's name in service discovery. */
    name: z.string().min(1).max(100).default('IRC gateway'),
    /** Where the 32-byte key that seals legacy credentials is: a file, or an environment variable. */
    secretKey: z.union([z.strictObject({ file: z.string().min(1) }), z.strictObject({ env: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/) })]),
    /** At most one legacy login starts every this many ms (start-up spread). */
    loginIntervalMs: z.number().int().min(0).max(60_000).default(200),
    /** How long one legacy login (or a registration's check) may take. */
    loginTimeoutMs: z.number().int().min(1000).max(300_000).default(30_000),
    /** Backoff between a person's failed logins. */
    retryInitialMs: z.number().int().min(0).default(5000),
    retryMaxMs: z.number().int().min(0).default(10 * 60_000),
    /** Most contacts remembered per person (the least recently used is forgotten first). */
    maxContactsPerUser: z.number().int().min(1).max(100_000).default(2000),
    /** The longest message body taken from a person (characters). */
    maxBodyChars: z.number().int().min(1).max(1_000_000).default(16 * 1024),
    /** Only people of these XMPP domains may register (empty: anyone, also from other servers). */
    allowedDomains: z.array(hostName).default([]).transform((domains) => domains.map((d) => d.toLowerCase())),
    /** Most registrations checked at once (each opens an IRC connection); more are asked to retry. */
    maxConcurrentRegistrations: z.number().int().min(1).max(1000).default(8),
    /** The bare JIDs of the gateway's administrators (the admin commands: list users, disable, enable). */
    admins: z.array(z.string().max(3071).refine((jid) => isBareJid(jid), { error: 'each admin must be a bare JID (user@domain)' })).max(100).default([])
      .transform((jids) => jids.map((j) => j.toLowerCase())),
    /**
     * The gateway's own password: registering asks for it (modules' authCheckers of login type
     * switchboard.gateway.password decide first). Absent: no password unless a module checks it.
     */
    accessPassword: z.string().min(1).max(1024).optional(),
    /** How long the second step of a registration (a code to type, a QR code to scan) may wait. */
    registrationStepTimeoutMs: z.number().int().min(1000).max(3_600_000).default(5 * 60_000),
    /** Room history (docs/gateway.md "Group chats"): retention, history on join, MAM page size. */
    history: z.strictObject({
      /** Messages older than this many days are pruned. */
      maxAgeDays: z.number().int().min(1).max(3650).default(30),
      /** Most messages kept per person and room. */
      maxMessagesPerRoom: z.number().int().min(1).max(1_000_000).default(10_000),
      /** Messages sent on join when the client does not say how many. */
      onJoin: z.number().int().min(0).max(1000).default(20),
      /** Most messages sent on join, whatever the client asks. */
      maxOnJoin: z.number().int().min(0).max(1000).default(100),
      /** Most messages in one MAM page. */
      maxPage: z.number().int().min(1).max(1000).default(100),
    }).default({ maxAgeDays: 30, maxMessagesPerRoom: 10_000, onJoin: 20, maxOnJoin: 100, maxPage: 100 }),
    /** The legacy network: IRC (built in), or one a module registered under its `protocol`. */
    legacy: z.union([ircLegacyConfigSchema, moduleLegacyConfigSchema]),
  })
  .refine((c) => c.retryMaxMs >= c.retryInitialMs, { error: 'retryMaxMs must be at least retryInitialMs', path: ['retryMaxMs'] })
  .transform((options) => ({ ...options, domain: options.domain.toLowerCase() }));

export type GatewayConfig = z.output<typeof gatewayConfigSchema>;

/**
 * The options of an `xmpp` network (docs/networks/xmpp.md documents each one).
 */
import { isIP } from 'node:net';
import * as z from 'zod';
import { bareJid, isBareJid } from './jid.js';
import { CATCH_UP_DEFAULTS, catchUpSchema } from '../catch-up/config.js';

/** `ip`, `ip:port` or `[ipv6]:port`, as `dns.setServers` takes them. */
function isDnsServer(text: string): boolean {
  if (isIP(text) !== 0) return true;
  const match = /^(?:\[([0-9a-f:.]+)\]|(\d{1,3}(?:\.\d{1,3}){3})):(\d{1,5})$/i.exec(text);
  if (match === null) return false;
  const port = Number(match[3]);
  return isIP(match[1] ?? match[2] ?? '') !== 0 && port > 0 && port <= 65_535;
}

/** Which DNS servers find the server (SRV records, then the target's addresses). */
const dnsSchema = z.strictObject({
  /** Absent: the system's resolver. */
  servers: z
    .array(z.string().refine(isDnsServer, { error: 'must be an IP address, optionally with a port (192.0.2.53:53, [2001:db8::53]:53)' }))
    .min(1)
    .max(8)
    .optional(),
  /** How long one query waits for an answer before it is sent again. */
  timeoutMs: z.number().int().min(100).max(60_000).default(5000),
  /** How often a query is sent before it fails. */
  tries: z.number().int().min(1).max(5).default(2),
});

const roomJid = z.string().refine(isBareJid, { error: 'must be a bare room JID like room@conference.example.org' });

/** The zod schema of an xmpp network's options. Error messages never include the value. */
export const xmppConfigSchema = z
  .strictObject({
    /** Accepted and ignored (the config loader may pass it along). */
    protocol: z.literal('xmpp').optional(),
    jid: z.string().refine(isBareJid, { error: 'must be a bare JID like bot@example.org' }),
    password: z.string().min(1, { error: 'must not be empty' }),
    /**
     * `xmpp://host:port` (STARTTLS when offered) or `xmpps://host:port` (direct TLS). Absent: the
     * JID domain's SRV records, else the domain on 5222 (connect-targets.ts).
     */
    service: z
      .string()
      .regex(/^xmpps?:\/\/[^/\s]+$/, { error: 'must look like xmpp://host:5222 or xmpps://host:5223' })
      .optional(),
    /** Where to find the server when `service` is absent (SRV records): DNS servers and patience. */
    dns: dnsSchema.prefault({}),
    /** How long one server address may take to accept the connection. */
    connectTimeoutMs: z.number().int().min(100).max(120_000).default(10_000),
    resource: z.string().min(1).default('switchboard'),
    nick: z.string().min(1, { error: 'must not be empty' }).default('switchboard'),
    /** Path of a PEM file with the CA (or self-signed certificate) to trust for TLS. */
    tlsCa: z.string().min(1).optional(),
    /** Accept any TLS certificate. Only for test servers. */
    tlsInsecure: z.boolean().default(false),
    /** Refuse to log in over a connection that is not encrypted. */
    requireTls: z.boolean().default(true),
    /** Preferred SASL mechanism; PLAIN is only used when chosen here or over TLS. */
    saslMechanism: z.enum(['SCRAM-SHA-1', 'PLAIN']).default('SCRAM-SHA-1'),
    /** Room JID → password, for password-protected rooms. */
    roomPasswords: z.record(roomJid, z.string()).default({}),
    /** Wait this long before rejoining a room the bot was kicked from. */
    rejoinDelayMs: z.number().int().min(0).default(5000),
    /** How long to wait for a room join to be confirmed. */
    joinTimeoutMs: z.number().int().min(100).default(15_000),
    /** JID of the XEP-0363 upload service; discovered on the server when absent. */
    uploadService: z.string().min(1).optional(),
    /** Files larger than this are sent as links instead of being uploaded. */
    maxUploadBytes: z.number().int().min(0).default(50 * 1024 * 1024),
    /** Bare JIDs of other bridges whose hop marker is believed (when the room shows their real JID). */
    peerBridges: z.array(z.string().refine(isBareJid, { error: 'must be a bare JID like bridge@example.org' })).default([]),
    /** A received body longer than this many UTF-8 bytes is cut (with a marker) before it is parsed. */
    maxBodyBytes: z.number().int().min(256).max(16 * 1024 * 1024).default(64 * 1024),
    /** Relaying what a room archived while the hub was away (XEP-0313), with its bounds. */
    catchUp: catchUpSchema.default(CATCH_UP_DEFAULTS),
  })
  .transform((options) => ({
    ...options,
    jid: bareJid(options.jid),
    peerBridges: options.peerBridges.map((jid) => bareJid(jid).toLowerCase()),
    roomPasswords: Object.fromEntries(Object.entries(options.roomPasswords).map(([room, pw]) => [bareJid(room), pw])),
  }));

/** Validated, normalised options of an xmpp network. */
export type XmppConfig = z.output<typeof xmppConfigSchema>;

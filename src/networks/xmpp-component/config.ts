/**
 * The options of an `xmpp-component` network (docs/networks/xmpp-component.md documents each).
 */
import * as z from 'zod';
import { isBareJid } from '../xmpp/jid.js';
import { xmppConfigSchema, type XmppConfig } from '../xmpp/config.js';

const roomJid = z.string().refine(isBareJid, { error: 'must be a bare room JID like room@conference.example.org' });

/** A DNS name (the component's domain, the server's host) without scheme, port or path. */
export const hostName = z.string().regex(/^[a-z0-9]([a-z0-9.-]*[a-z0-9])?$/i, { error: 'must be a host name like irc.example.org' });

/**
 * The options of a component connection (XEP-0114), shared by every network that runs as a
 * component (`xmpp-component`, `gateway`): spread into their schemas.
 */
export const componentConnectionShape = {
  /** The component's domain, as the server's `Component "…"` block names it. */
  domain: hostName,
  /** The server's host (or address) and component port. */
  host: z.string().min(1, { error: 'must not be empty' }),
  port: z.number().int().min(1).max(65_535).default(5347),
  /** The component secret (`component_secret`). Never logged. */
  password: z.string().min(1, { error: 'must not be empty' }),
  /** Direct TLS to the component port (most servers offer the component port in plain text: keep it on loopback then). */
  tls: z.boolean().default(false),
  /** Path of a PEM file with the CA (or self-signed certificate) to trust for TLS. */
  tlsCa: z.string().min(1).optional(),
  /** Accept any TLS certificate. Only for test servers. */
  tlsInsecure: z.boolean().default(false),
  /** How long the server may take to accept the connection. */
  connectTimeoutMs: z.number().int().min(100).max(120_000).default(10_000),
  /** How long the server may take to open the stream and accept the handshake. */
  handshakeTimeoutMs: z.number().int().min(100).max(120_000).default(10_000),
  /** A received stanza longer than this many characters ends the stream (the hub reconnects). */
  maxStanzaChars: z.number().int().min(4096).max(64 * 1024 * 1024).default(1024 * 1024),
};

/** The zod schema of an xmpp-component network's options. Error messages never include the value. */
export const xmppComponentConfigSchema = z
  .strictObject({
    /** Accepted and ignored (the config loader may pass it along). */
    protocol: z.literal('xmpp-component').optional(),
    ...componentConnectionShape,
    /**
     * The localpart of the hub's own occupant, which reads every bridged room (`switchboard` →
     * `switchboard@domain/bot`). Plain letters, digits, `.`, `_` and `-` only: no puppet has such a localpart.
     */
    botUser: z.string().regex(/^[a-z0-9._-]{1,64}$/, { error: 'must be 1 to 64 of a-z, 0-9, ".", "_" and "-"' }).default('switchboard'),
    /** The bot occupant's nick in rooms. */
    nick: z.string().min(1, { error: 'must not be empty' }).default('switchboard'),
    /** Room JID → password, for password-protected rooms (the bot and every puppet use it). */
    roomPasswords: z.record(roomJid, z.string()).default({}),
    /** Wait this long before rejoining a room the bot was kicked from. */
    rejoinDelayMs: z.number().int().min(0).default(5000),
    /** How long a room join (the bot's or a puppet's) may take to be confirmed. */
    joinTimeoutMs: z.number().int().min(100).default(15_000),
    /** Bare JIDs of other bridges whose hop marker is believed (when the room shows their real JID). */
    peerBridges: z.array(z.string().refine(isBareJid, { error: 'must be a bare JID like bridge@example.org' })).default([]),
    /** A received body longer than this many UTF-8 bytes is cut (with a marker) before it is parsed. */
    maxBodyBytes: z.number().int().min(256).max(16 * 1024 * 1024).default(64 * 1024),
    /** A puppet that has not spoken for this long leaves its room (0: never); it joins again with its next message. */
    puppetIdleMinutes: z.number().min(0).max(60 * 24 * 365).default(24 * 60),
    /** Most puppets in one room; the people beyond it are shown through the bot with their name. */
    maxPuppetsPerRoom: z.number().int().min(0).max(10_000).default(1000),
  })
  .transform((options) => ({ ...options, domain: options.domain.toLowerCase() }));

/** Validated, normalised options of an xmpp-component network. */
export type XmppComponentConfig = z.output<typeof xmppComponentConfigSchema>;

/** The bot occupant's bare JID. */
export function botBareJid(config: XmppComponentConfig): string {
  return `${config.botUser}@${config.domain}`;
}

/**
 * The options the shared XMPP room machinery (room joins, inbound, outbound) reads, for the
 * bot occupant of a component. Login options are placeholders: a component does not log in.
 * No catch-up from room archives yet, and files are sent as links (no upload service).
 */
export function roomOptions(config: XmppComponentConfig): XmppConfig {
  return xmppConfigSchema.parse({
    jid: botBareJid(config),
    password: '(component: not used)',
    nick: config.nick,
    roomPasswords: config.roomPasswords,
    rejoinDelayMs: config.rejoinDelayMs,
    joinTimeoutMs: config.joinTimeoutMs,
    peerBridges: config.peerBridges,
    maxBodyBytes: config.maxBodyBytes,
    maxUploadBytes: 0,
    catchUp: { enabled: false },
  });
}

/* eslint-disable no-control-regex -- the patterns reject control characters in names */
/**
 * The options of a `protocol: irc-link` network: Switchboard links to an IRC network as a
 * server (docs/networks/irc-link.md documents each option).
 */
import * as z from 'zod';

/** The server protocols a link can speak. */
export const LINK_PROTOCOLS = ['ngircd', 'inspircd', 'hybrid'] as const;
/** The protocols that need our `sid`. */
const NEEDS_SID: ReadonlySet<LinkProtocolName> = new Set(['inspircd', 'hybrid']);
/** One of {@link LINK_PROTOCOLS}. */
export type LinkProtocolName = (typeof LINK_PROTOCOLS)[number];

/** A server name: a host-like name with at least one dot (how IRC tells servers from nicks). */
const serverNamePattern = /^[A-Za-z0-9][A-Za-z0-9.-]*\.[A-Za-z0-9.-]*[A-Za-z0-9]$/;
const nickPattern = /^[A-Za-z[\]\\`_^{|}][A-Za-z0-9[\]\\`_^{|}-]*$/;
/** A password sent as one middle parameter: no spaces, no leading colon, no controls. */
const passwordPattern = /^[^\s:\x00-\x1f][^\s\x00-\x1f]*$/;

export const ircLinkConfigSchema = z
  .strictObject({
    /** Accepted and ignored: the config loader may or may not strip it. */
    protocol: z.literal('irc-link').optional(),
    /**
     * The ircd's server protocol: `ngircd` (RFC 2813 with ngIRCd's IRC+ extensions), `inspircd`
     * (InspIRCd 3 spanningtree, protocol 1205) or `hybrid` (ircd-hybrid 8.2's TS6).
     */
    ircd: z.enum(LINK_PROTOCOLS, { message: `one of ${LINK_PROTOCOLS.join(', ')}` }),
    host: z.string().min(1),
    port: z.number().int().min(1).max(65535).optional(),
    /** Our server name, as the ircd's link block names it (ngIRCd `[Server] Name`). */
    serverName: z.string().max(63).regex(serverNamePattern, 'not a server name (needs a dot, letters, digits, - and .)'),
    /** Our server id, for protocols that use one (InspIRCd, TS6: required with `inspircd` and `hybrid`); ngIRCd has none. */
    sid: z.string().regex(/^[0-9][A-Z0-9]{2}$/, 'a SID is a digit and two upper-case letters or digits').optional(),
    /** The password we send (ngIRCd `MyPassword`). */
    sendPassword: z.string().regex(passwordPattern, 'no spaces or control characters, not starting with ":"'),
    /** The password the ircd must answer with (ngIRCd `PeerPassword`); a mismatch is fatal. */
    receivePassword: z.string().regex(passwordPattern, 'no spaces or control characters, not starting with ":"'),
    /** Our server's description, shown in LINKS and WHOIS. */
    description: z.string().min(1).max(200).regex(/^[^\x00-\x1f]+$/).default('Switchboard'),
    tls: z.boolean().default(false),
    /** A PEM file with the CA (or self-signed certificate) to trust. */
    tlsCa: z.string().min(1).optional(),
    /** Accept any server certificate (test servers only). */
    tlsInsecure: z.boolean().default(false),
    /**
     * The link's own client, which sits in the bridged channels (a server receives a channel's
     * messages only while one of its clients is in it) and speaks for the hub itself.
     */
    serviceNick: z.string().max(30).regex(nickPattern, 'not a valid IRC nick').default('Switchboard'),
    /**
     * The nick of a remote person's virtual client: `{nick}` and `{network}` made IRC-safe
     * (`/` stays where the ircd takes it, InspIRCd; elsewhere, ngIRCd, it becomes `|`), shortened
     * to the ircd's NICKLEN so the tag survives.
     */
    nickTemplate: z.string().includes('{nick}', { message: 'must contain {nick}' }).default('{nick}/{network}'),
    /** Most virtual clients at once; beyond it the service client speaks for people, with `<nick> ` in front. */
    maxVirtualClients: z.number().int().min(1).max(100_000).default(1_000),
    /** Received message text longer than this many UTF-8 bytes is cut (with a marker) before it is parsed. */
    maxBodyBytes: z.number().int().min(256).max(1024 * 1024).default(16 * 1024),
    /** Most IRC lines one relayed message may become; the rest is cut with a note. */
    maxLines: z.number().int().min(2).max(100).default(5),
    /** How long the service client waits before it rejoins a wanted channel it was kicked from. */
    rejoinDelayMs: z.number().int().min(0).max(3_600_000).default(5_000),
    connectTimeoutMs: z.number().int().min(1_000).max(600_000).default(30_000),
    /** Seconds between our PINGs; the link is dropped when nothing arrives for twice as long. */
    pingIntervalSec: z.number().int().min(5).max(3_600).default(60),
  })
  .refine((config) => config.sid !== undefined || !NEEDS_SID.has(config.ircd), { message: 'this ircd needs our server id: set sid (a digit and two upper-case letters or digits, unique on the network)', path: ['sid'] })
  .transform((config) => ({ ...config, port: config.port ?? (config.tls ? 6697 : 6667) }));

/** The validated options of one server link. */
export type IrcLinkConfig = z.output<typeof ircLinkConfigSchema>;

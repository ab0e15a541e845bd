/* eslint-disable no-control-regex -- the patterns reject control characters in nicks, channels and keys */
/**
 * The options of a `protocol: irc` network (docs/networks/irc.md documents each one).
 */
import * as z from 'zod';
import { pasteSchema } from './paste-config.js';
import { peerBridgeProblem } from './peer-bridges.js';
import { CATCH_UP_DEFAULTS, catchUpSchema } from '../catch-up/config.js';

const nickPattern = /^[^\s,*?!@:#&$\x00-\x1f][^\s,*?!@\x00-\x1f]*$/;
const channelPattern = /^[^\s,\x00-\x1f\x07]+$/;

const floodSchema = z.strictObject({
  /** Lines sent back to back after a quiet period. */
  burst: z.number().int().min(1).max(100).default(4),
  /** Milliseconds per line once the burst is used up. */
  intervalMs: z.number().int().min(0).max(60_000).default(1_000),
});

const puppetsSchema = z.strictObject({
  /** The puppet's nick: `{nick}` (the remote nick) and `{network}` (its network), made IRC-safe. */
  nickTemplate: z.string().includes('{nick}', { message: 'must contain {nick}' }).default('{nick}[{network}]'),
  /** A puppet with nothing to say for this long quits. */
  idleTimeoutSec: z.number().int().min(1).max(7 * 86_400).default(3_600),
  /** Most puppets connected at once; the bot speaks for users beyond it. */
  max: z.number().int().min(1).max(1_000).default(20),
  /** Put in front of the body when the bot speaks for a user (cap reached, puppet failed). */
  fallbackIdentity: z.string().default('<{nick}> '),
});

const saslSchema = z.discriminatedUnion('mechanism', [
  z.strictObject({ mechanism: z.literal('PLAIN'), account: z.string().min(1), password: z.string().min(1) }),
  z.strictObject({ mechanism: z.literal('EXTERNAL') }),
]);

export const ircConfigSchema = z
  .strictObject({
    /** Accepted and ignored: the config loader may or may not strip it. */
    protocol: z.literal('irc').optional(),
    host: z.string().min(1),
    port: z.number().int().min(1).max(65535).optional(),
    tls: z.boolean().default(false),
    /** A PEM file with the CA (or self-signed certificate) to trust. */
    tlsCa: z.string().min(1).optional(),
    /** Accept any server certificate (test servers only). */
    tlsInsecure: z.boolean().default(false),
    /** PEM client certificate and key files (CertFP, SASL EXTERNAL). */
    clientCert: z.string().min(1).optional(),
    clientKey: z.string().min(1).optional(),
    nick: z.string().regex(nickPattern, 'not a valid IRC nick'),
    username: z.string().regex(/^[^\s@]+$/).optional(),
    realname: z.string().min(1).default('Switchboard relay'),
    serverPassword: z.string().min(1).optional(),
    sasl: saslSchema.optional(),
    nickservPassword: z.string().min(1).optional(),
    nickservNick: z.string().min(1).default('NickServ'),
    channelKeys: z.record(z.string().regex(channelPattern), z.string().regex(/^[^\s,\x00-\x1f]+$/)).default({}),
    rejoinAfterKick: z.boolean().default(true),
    rejoinDelayMs: z.number().int().min(0).max(3_600_000).default(5_000),
    maxLines: z.number().int().min(2).max(100).default(5),
    /** How code from other networks is shown: between backticks (every client) or as ^Q monospace (not shown by irssi). */
    codeStyle: z.enum(['backticks', 'monospace']).default('backticks'),
    /** Where the full text of a message longer than `maxLines` goes (paste-config.ts); without it, the rest is truncated. */
    paste: pasteSchema.optional(),
    flood: floodSchema.default({ burst: 4, intervalMs: 1_000 }),
    connectTimeoutMs: z.number().int().min(1_000).max(600_000).default(30_000),
    /** Seconds between ISON checks for the configured nick while under a fallback; 0 turns reclaiming off. */
    nickReclaimSec: z.number().int().min(0).max(3_600).default(30),
    /** Seconds between keep-alive PINGs; 0 turns them off. */
    pingIntervalSec: z.number().int().min(0).max(3_600).default(60),
    /** `relay`: one bot connection; `puppets`: one connection per remote user (see `puppets`). */
    mode: z.enum(['relay', 'puppets']).default('relay'),
    puppets: puppetsSchema.default({ nickTemplate: '{nick}[{network}]', idleTimeoutSec: 3_600, max: 20, fallbackIdentity: '<{nick}> ' }),
    /** Other bridges whose hop marker is believed (peer-bridges.ts): `account:<name>` or `nick!user@host` masks. */
    peerBridges: z.array(z.string().superRefine((entry, ctx) => {
      const problem = peerBridgeProblem(entry);
      if (problem !== undefined) ctx.addIssue({ code: 'custom', message: problem });
    })).default([]),
    /** Received message text longer than this many UTF-8 bytes is cut (with a marker) before it is parsed. */
    maxBodyBytes: z.number().int().min(256).max(1024 * 1024).default(16 * 1024),
    /** Relaying what channels said while the hub was away, on servers with IRCv3 CHATHISTORY (catch-up.ts), with its bounds. */
    catchUp: catchUpSchema.default(CATCH_UP_DEFAULTS),
  })
  .superRefine((config, ctx) => {
    if (config.sasl?.mechanism === 'EXTERNAL' && !(config.clientCert && config.clientKey)) {
      ctx.addIssue({ code: 'custom', path: ['sasl'], message: 'SASL EXTERNAL needs clientCert and clientKey' });
    }
    if ((config.clientCert === undefined) !== (config.clientKey === undefined)) {
      ctx.addIssue({ code: 'custom', path: ['clientCert'], message: 'clientCert and clientKey go together' });
    }
  })
  .transform((config) => ({ ...config, port: config.port ?? (config.tls ? 6697 : 6667) }));

/** The validated options of one IRC network. */
export type IrcConfig = z.output<typeof ircConfigSchema>;

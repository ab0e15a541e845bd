/**
 * The zod schema of the hub's own config keys (everything except each network's protocol
 * options, which the protocol's `configSchema` validates), with the defaults.
 *
 * Protocol and module authors: problems in your schemas are reported as
 * `file:line: networks.<name>.<field>: <message>`; give custom messages that say what is
 * expected, and never include the input value (it may be a secret).
 */
import * as z from 'zod';
import { parseListenAddress } from './listen.js';
import { egressSchema } from '../net/egress/config.js';

/** The HTTP address used when `http:` is absent. */
const DEFAULT_HTTP_LISTEN = '127.0.0.1:8480';
/** The SQLite file used when `storage:` is absent, relative to the config file. */
export const DEFAULT_STORAGE_PATH = './switchboard.db';
/** Log levels accepted by `log.level`. */
const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
/** `log.format`: human-readable lines, JSON lines, or pretty on a terminal and JSON otherwise. */
const LOG_FORMATS = ['auto', 'pretty', 'json'] as const;

/** Network and bridge names: a letter, then letters, digits, `_` or `-`, at most 32 characters. */
export const NAME_PATTERN = /^[a-z][a-z0-9_-]{0,31}$/i;

const storageSchema = z
  .strictObject({
    path: z.string().min(1, { error: 'must not be empty' }).optional(),
    url: z.string().optional(),
  })
  .superRefine((storage, ctx) => {
    if (storage.path !== undefined && storage.url !== undefined) {
      ctx.addIssue({ code: 'custom', message: 'give either path (SQLite file) or url (PostgreSQL), not both' });
    } else if (storage.path === undefined && storage.url === undefined) {
      ctx.addIssue({ code: 'custom', message: 'give path (a SQLite file, e.g. ./switchboard.db) or url (postgres://user:password@host/db)' });
    } else if (storage.url !== undefined && !/^postgres(ql)?:\/\//.test(storage.url)) {
      ctx.addIssue({ code: 'custom', path: ['url'], message: 'must be a PostgreSQL URL starting with postgres:// or postgresql://' });
    }
  });

/** `"host:port"` in, `{ host, port }` out. */
const listenSchema = z.string().transform((text, ctx) => {
  const parsed = parseListenAddress(text);
  if (!('error' in parsed)) return parsed;
  ctx.addIssue({ code: 'custom', message: parsed.error });
  return z.NEVER;
});

/** An `http.hosts` entry: a host name or an IP address, without scheme or port. */
const allowedHostSchema = z.string().regex(/^(\[?[0-9a-f:.]+\]?|[a-z0-9]([a-z0-9.-]*[a-z0-9])?\.?)$/i, {
  error: 'must be a host name or an IP address without scheme or port, e.g. switchboard.example.org',
});

const httpSchema = z.union(
  [z.literal(false), z.strictObject({ listen: listenSchema.prefault(DEFAULT_HTTP_LISTEN), hosts: z.array(allowedHostSchema).default([]) })],
  { error: 'expected false (no HTTP server) or a mapping { listen: "host:port" }' },
);

const reconnectSchema = z
  .strictObject({
    initialDelayMs: z.int().positive().default(1000),
    maxDelayMs: z.int().positive().default(300_000),
    factor: z.number().min(1).default(2),
    jitter: z.number().min(0).max(1).default(0.2),
    stableAfterMs: z.int().min(0).default(60_000),
  })
  .superRefine((reconnect, ctx) => {
    if (reconnect.maxDelayMs < reconnect.initialDelayMs) {
      ctx.addIssue({ code: 'custom', path: ['maxDelayMs'], message: 'must be at least initialDelayMs' });
    }
  });

const networkSchema = z.looseObject({ protocol: z.string().min(1, { error: 'must not be empty' }) });

const bridgeSchema = z.union(
  [z.array(z.string()), z.looseObject({ channels: z.array(z.string()) })],
  { error: 'expected a list of "network:channel" or a mapping { channels: [...], <options> }' },
);

const moduleSchema = z.strictObject({
  module: z.string().min(1, { error: 'must not be empty' }),
  config: z.unknown().optional(),
});

/** The whole file; `networks.*` keeps protocol options unvalidated for the second pass. */
export const hubSchema = z.strictObject({
  storage: storageSchema.default({ path: DEFAULT_STORAGE_PATH }),
  http: httpSchema.prefault({}),
  log: z.strictObject({ level: z.enum(LOG_LEVELS).default('info'), format: z.enum(LOG_FORMATS).default('auto') }).prefault({}),
  reconnect: reconnectSchema.prefault({}),
  shutdown: z.strictObject({ deadlineMs: z.int().min(0).default(5000) }).prefault({}),
  egress: egressSchema.prefault({}),
  networks: z.record(z.string(), networkSchema).default({}),
  bridges: z.record(z.string(), bridgeSchema).default({}),
  modules: z.array(moduleSchema).default([]),
});

/** The hub schema's output: defaults applied, protocol options still raw. */
export type ParsedHubFile = z.output<typeof hubSchema>;

/**
 * The relay's configuration: the module's own `config:` (defaults for every bridge, queue and
 * retention limits) and each bridge's options (`bridges.<name>.*` next to `channels:`), with
 * per-network overrides under `networks.<network>`. docs/bridges.md documents every option.
 */
import * as z from 'zod';
import type { BridgeConfig } from '../../config/types.js';
import type { ChannelRef } from '../../core/refs.js';
import { ModuleConfigError } from '../../modules/define.js';

/** How an edit, deletion or reaction reaches a network: natively, as readable text where it lacks the feature, or not at all. */
const featureModes = ['fallback', 'native', 'off'] as const;
export type FeatureMode = (typeof featureModes)[number];

const regexSource = z.string().min(1).refine((source) => {
  try {
    new RegExp(source, 'u');
    return true;
  } catch {
    return false;
  }
}, { error: 'not a valid regular expression' });

const rewriteRule = z.strictObject({
  /** A regular expression (JavaScript syntax, Unicode mode, every match replaced). */
  match: regexSource,
  /** The replacement; `$1`, `$<name>` refer to groups. */
  replace: z.string(),
  /** Case-insensitive matching. */
  ignoreCase: z.boolean().default(false),
});

const eventsSchema = z.strictObject({
  messages: z.boolean().optional(),
  joins: z.boolean().optional(),
  parts: z.boolean().optional(),
  quits: z.boolean().optional(),
  kicks: z.boolean().optional(),
  nicks: z.boolean().optional(),
  topics: z.boolean().optional(),
});

function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-GB', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

/** Options that may be set for a bridge, for one network of it, or as module defaults. Every field optional. */
/** One prefix mode letter, or '' for none. */
const prefixLetter = z.string().regex(/^[A-Za-z]?$/, { error: 'one mode letter (e.g. "o"), or "" for none' });

const layerShape = {
  events: eventsSchema.optional(),
  /**
   * The prefix modes a remote person's user of their own gets on a target that shows people as
   * users of their own (irc-link), by their standing in their own room (PyLink carries prefix
   * modes): `op` for moderators and channel operators, `voice` for voiced IRC users; '' leaves a
   * standing out, false carries none.
   */
  prefixModes: z.union([z.literal(false), z.strictObject({ op: prefixLetter.optional(), voice: prefixLetter.optional() })]).optional(),
  /**
   * On a target that can show remote people as users of their own (an `xmpp-component` room's
   * puppets, an `irc-link` network's virtual clients): true (default) shows them so; false is
   * relay mode there — the bot speaks, with the `identity` prefix.
   */
  puppets: z.boolean().optional(),
  /** Prefix for relayed messages; placeholders {nick} {displayName} {network} {protocol} {id} {account}. */
  identity: z.string().max(200).optional(),
  /** Prefix for relayed actions (/me), sent as an action. */
  actionIdentity: z.string().max(200).optional(),
  /** Colour {nick} deterministically per user on IRC targets. */
  nickColours: z.boolean().optional(),
  edits: z.enum(featureModes).optional(),
  deletes: z.enum(featureModes).optional(),
  reactions: z.enum(featureModes).optional(),
  /** Users never relayed: globs over `network:id`, the nick, or the account (`*` any run, `?` one character). */
  ignoreUsers: z.array(z.string().min(1)).optional(),
  /** Messages whose plain text matches one of these regular expressions are not relayed. */
  ignoreText: z.array(regexSource).optional(),
  /** Text rewrites, applied in order to every text run (not to code or URLs). */
  rewrite: z.array(rewriteRule).optional(),
  /** Nick rewrites, applied in order to the author's nick before the identity is rendered. */
  nickRewrite: z.array(rewriteRule).optional(),
  /** Attachments larger than this many bytes are relayed as links, never re-uploaded. */
  maxFileBytes: z.number().int().min(0).optional(),
  /** Relay messages that carry another bridge's hop marker too (default false: they already crossed a bridge). */
  relayRelayed: z.boolean().optional(),
  /**
   * Shown before a message relayed late (caught up after an outage) on a target that cannot mark
   * it as delayed (IRC); placeholders {time} (HH:MM) and {date} (YYYY-MM-DD), in `delayedTimeZone`.
   */
  delayedPrefix: z.string().max(100).optional(),
  /** The IANA time zone of `delayedPrefix` (default UTC). */
  delayedTimeZone: z.string().min(1).refine(isTimeZone, { error: 'not a time zone this system knows (an IANA name like Europe/Berlin, or UTC)' }).optional(),
};
const layerSchema = z.strictObject(layerShape);
type Layer = z.output<typeof layerSchema>;

const bridgeOptionsSchema = z.strictObject({
  ...layerShape,
  /** Overrides for deliveries TO one network of the bridge, by network name. */
  networks: z.record(z.string(), layerSchema).optional(),
  /** Overrides for what comes FROM one network of the bridge, by network name (applied before `networks`). */
  from: z.record(z.string(), layerSchema).optional(),
  /**
   * The networks that own the channel (PyLink's CLAIM): topic and mode changes people make on
   * the bridge's other networks are reverted where the network can (irc-link), and their kicks
   * of remote people are not relayed. Empty or left out: every network of the bridge may.
   */
  claim: z.array(z.string().min(1)).max(100).optional(),
});

const moduleConfigSchema = z
  .strictObject({
    /** Defaults for every bridge. */
    defaults: layerSchema.optional(),
    /** Most deliveries kept per target while it is unreachable; further ones are recorded as failed. */
    maxQueuePerTarget: z.number().int().min(1).max(1_000_000).default(10_000),
    /** How long message id mappings are kept (edits, replies and reactions older than this fall back). */
    retentionDays: z.number().min(0.001).max(3650).default(30),
    /** The in-channel command that answers with the bridge's status. */
    statusCommand: z.string().min(1).max(50).default('!bridge status'),
    /** How long to wait for a network to write a delivery out before counting it as sent anyway. */
    flushTimeoutMs: z.number().int().min(0).max(600_000).default(30_000),
  })
  .default({ maxQueuePerTarget: 10_000, retentionDays: 30, statusCommand: '!bridge status', flushTimeoutMs: 30_000 });

/** Which events a bridge relays. */
export interface RelayEvents {
  readonly messages: boolean;
  readonly joins: boolean;
  readonly parts: boolean;
  readonly quits: boolean;
  readonly kicks: boolean;
  readonly nicks: boolean;
  readonly topics: boolean;
}

/** The prefix mode letters carried for each standing ('' : not carried). */
export interface PrefixModes {
  readonly op: string;
  readonly voice: string;
}

/** A rewrite rule, compiled. */
export interface RewriteRule {
  readonly pattern: RegExp;
  readonly replace: string;
}

/**
 * Every option in effect for deliveries to one network of a bridge: each option of a layer
 * (`layerShape`, where they are documented) resolved, the lists read-only, the patterns compiled.
 */
export type DeliveryOptions = Readonly<Required<Omit<Layer, 'events' | 'ignoreUsers' | 'ignoreText' | 'rewrite' | 'nickRewrite' | 'prefixModes'>>> & {
  readonly events: RelayEvents;
  /** The mode letter carried per standing ('' : none). */
  readonly prefixModes: PrefixModes;
  readonly ignoreUsers: readonly string[];
  readonly ignoreText: readonly RegExp[];
  readonly rewrite: readonly RewriteRule[];
  readonly nickRewrite: readonly RewriteRule[];
};

/** The built-in defaults (docs/bridges.md). */
export const BUILTIN_DEFAULTS: DeliveryOptions = {
  events: { messages: true, joins: false, parts: false, quits: false, kicks: true, nicks: true, topics: true },
  prefixModes: { op: 'o', voice: 'v' },
  identity: '<{nick}@{network}> ',
  actionIdentity: '{nick}@{network} ',
  nickColours: false,
  edits: 'fallback',
  deletes: 'native',
  reactions: 'fallback',
  ignoreUsers: [],
  ignoreText: [],
  rewrite: [],
  nickRewrite: [],
  maxFileBytes: 50 * 1024 * 1024,
  relayRelayed: false,
  puppets: true,
  delayedPrefix: '[{time}] ',
  delayedTimeZone: 'UTC',
};

/** A bridge as the relay runs it. */
export interface RelayBridge {
  readonly name: string;
  readonly channels: readonly ChannelRef[];
  /** The networks that own the bridge's channels (`claim`); empty: every network of the bridge. */
  readonly claim: readonly string[];
  /**
   * The options for deliveries to `network` of what came from `source` (a network name; when
   * left out, the `from` overrides do not apply).
   */
  optionsFor(network: string, source?: string): DeliveryOptions;
}

/** The relay module's validated config. */
export interface RelayConfig {
  readonly defaults: Layer;
  readonly maxQueuePerTarget: number;
  readonly retentionDays: number;
  readonly statusCommand: string;
  readonly flushTimeoutMs: number;
}

/** Validates the module's `config:` block; throws ModuleConfigError naming the field. */
export function parseRelayConfig(raw: unknown): RelayConfig {
  const parsed = moduleConfigSchema.safeParse(raw ?? undefined);
  if (!parsed.success) throw configError([], parsed.error);
  return { ...parsed.data, defaults: parsed.data.defaults ?? {} };
}

/**
 * Validates every bridge's options and resolves them over the module defaults. Throws
 * ModuleConfigError with the field `bridges.<name>.<path>` for the first bad option.
 */
export function resolveBridges(bridges: readonly BridgeConfig[], config: RelayConfig): RelayBridge[] {
  return bridges.map((bridge) => {
    const parsed = bridgeOptionsSchema.safeParse(bridge.options);
    if (!parsed.success) throw configError(['bridges', bridge.name], parsed.error);
    const { networks = {}, from = {}, claim = [], ...own } = parsed.data;
    const members = new Set(bridge.channels.map((c) => c.network));
    for (const [index, network] of claim.entries()) {
      if (!members.has(network)) {
        throw new ModuleConfigError(`bridges.${bridge.name}.claim.${index}`, `network "${network}" has no channel in this bridge; its networks are ${[...members].join(', ')}`);
      }
    }
    for (const [field, overrides] of [['networks', networks], ['from', from]] as const) {
      for (const network of Object.keys(overrides)) {
        if (!members.has(network)) {
          throw new ModuleConfigError(`bridges.${bridge.name}.${field}.${network}`, `network "${network}" has no channel in this bridge; its networks are ${[...members].join(', ')}`);
        }
      }
    }
    // Target network → source network ('' for none) → options: asked several times per relayed
    // event, so found without building a key string.
    const cache = new Map<string, Map<string, DeliveryOptions>>();
    return {
      name: bridge.name,
      channels: bridge.channels,
      claim,
      optionsFor(network: string, source?: string): DeliveryOptions {
        let bySource = cache.get(network);
        if (!bySource) cache.set(network, (bySource = new Map()));
        let options = bySource.get(source ?? '');
        if (!options) {
          const fromSource = source === undefined ? {} : from[source] ?? {};
          options = resolve([config.defaults, own, fromSource, networks[network] ?? {}]);
          bySource.set(source ?? '', options);
        }
        return options;
      },
    };
  });
}

/** Merges layers over the built-in defaults: later layers win, `events` merges field by field. */
function resolve(layers: readonly Layer[]): DeliveryOptions {
  const pick = <K extends keyof Layer>(key: K): Layer[K] | undefined => {
    let value: Layer[K] | undefined;
    for (const layer of layers) if (layer[key] !== undefined) value = layer[key];
    return value;
  };
  const events = { ...BUILTIN_DEFAULTS.events };
  for (const layer of layers) Object.assign(events, withoutUndefined(layer.events ?? {}));
  const prefixes = pick('prefixModes');
  return {
    events,
    prefixModes: prefixes === false ? { op: '', voice: '' } : { ...BUILTIN_DEFAULTS.prefixModes, ...withoutUndefined(prefixes ?? {}) },
    identity: pick('identity') ?? BUILTIN_DEFAULTS.identity,
    actionIdentity: pick('actionIdentity') ?? BUILTIN_DEFAULTS.actionIdentity,
    nickColours: pick('nickColours') ?? BUILTIN_DEFAULTS.nickColours,
    edits: pick('edits') ?? BUILTIN_DEFAULTS.edits,
    deletes: pick('deletes') ?? BUILTIN_DEFAULTS.deletes,
    reactions: pick('reactions') ?? BUILTIN_DEFAULTS.reactions,
    ignoreUsers: pick('ignoreUsers') ?? [],
    ignoreText: (pick('ignoreText') ?? []).map((source) => new RegExp(source, 'u')),
    rewrite: (pick('rewrite') ?? []).map(compileRule),
    nickRewrite: (pick('nickRewrite') ?? []).map(compileRule),
    maxFileBytes: pick('maxFileBytes') ?? BUILTIN_DEFAULTS.maxFileBytes,
    relayRelayed: pick('relayRelayed') ?? BUILTIN_DEFAULTS.relayRelayed,
    puppets: pick('puppets') ?? BUILTIN_DEFAULTS.puppets,
    delayedPrefix: pick('delayedPrefix') ?? BUILTIN_DEFAULTS.delayedPrefix,
    delayedTimeZone: pick('delayedTimeZone') ?? BUILTIN_DEFAULTS.delayedTimeZone,
  };
}

function compileRule(rule: z.output<typeof rewriteRule>): RewriteRule {
  return { pattern: new RegExp(rule.match, rule.ignoreCase ? 'giu' : 'gu'), replace: rule.replace };
}

function withoutUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/** A ModuleConfigError for the first zod issue, its path joined with dots under `prefix`. */
function configError(prefix: readonly (string | number)[], error: z.ZodError): ModuleConfigError {
  const issue = error.issues[0];
  const path = [...prefix, ...(issue?.path ?? []).map((p) => String(p))];
  let reason = issue?.message ?? 'invalid';
  if (issue?.code === 'unrecognized_keys') reason = `unknown option ${issue.keys.map((k) => `"${k}"`).join(', ')}; see docs/bridges.md`;
  return new ModuleConfigError(path.length > 0 ? path.join('.') : '(config)', reason);
}

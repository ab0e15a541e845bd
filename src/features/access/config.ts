/**
 * The `access` module's config block (docs/access.md shows every key with examples).
 */
import * as z from 'zod';
import type { ChannelRef } from '../../core/refs.js';
import { parseChannelRef } from '../../core/refs.js';
import { ModuleConfigError } from '../../modules/define.js';
import { IdentityPatternError, parseIdentityPattern, type IdentityPattern } from './identity.js';

/** Where one configured predicate comes from. */
export type PredicateSource =
  | { readonly kind: 'allow'; readonly patterns: readonly IdentityPattern[] }
  | { readonly kind: 'deny'; readonly patterns: readonly IdentityPattern[] }
  | { readonly kind: 'memberOf'; readonly channel: ChannelRef; readonly people: ReadonlyArray<readonly IdentityPattern[]> }
  | { readonly kind: 'module'; readonly name: string };

/** One entry of `predicates:`. */
export interface PredicateEntry {
  /** For logs and replies: `name:` when given, else e.g. `deny[1]` or the module predicate's name. */
  readonly name: string;
  /** `channels:` of the entry: the predicate only decides there (within the secured channels). */
  readonly scope?: readonly ChannelRef[];
  readonly source: PredicateSource;
}

/** The validated config. */
export interface AccessConfig {
  /** The secured channels. */
  readonly channels: readonly ChannelRef[];
  readonly predicates: readonly PredicateEntry[];
  /** Users never checked (list the bot itself here when an allow list could deny it). */
  readonly exclude: readonly IdentityPattern[];
  /** Who may run `!access verify`. */
  readonly admins: readonly IdentityPattern[];
  /** Log decisions instead of removing anyone. */
  readonly passive: boolean;
  /** Ban as well as kick. */
  readonly ban: boolean;
  /** The kick/ban reason shown to the removed user. */
  readonly reason: string;
  /** Verify every join as it happens. */
  readonly joins: boolean;
  /** Verify everyone once every network is ready (and after a network reconnects). */
  readonly startup: boolean;
  /** What a pair every predicate abstained on becomes. */
  readonly defaultAllow: boolean;
  /** The bearer token of POST /access/verify; the endpoint exists only when set. */
  readonly token?: string;
  /** How long a removal may take to show before the bot is taken to lack the rights. */
  readonly confirmMs: number;
  /** How long one predicate may take to answer one verification. */
  readonly predicateTimeoutMs: number;
  /** How long a decision about a relayed item's author is trusted before the predicates are asked again. */
  readonly relayCacheMs: number;
}

const strings = z.array(z.string());
const entrySchema = z.object({
  name: z.string().min(1).optional(),
  channels: strings.optional(),
  allow: strings.optional(),
  deny: strings.optional(),
  memberOf: z.string().optional(),
  people: z.array(strings).optional(),
  module: z.string().min(1).optional(),
}).strict();

const schema = z.object({
  channels: strings.min(1, 'list at least one channel to secure, e.g. [irc:#staff]'),
  predicates: z.array(entrySchema).default([]),
  exclude: strings.default([]),
  admins: strings.default([]),
  passive: z.boolean().default(false),
  ban: z.boolean().default(false),
  reason: z.string().default('not allowed in this channel'),
  joins: z.boolean().default(true),
  startup: z.boolean().default(true),
  default: z.enum(['allow', 'deny']).default('allow'),
  http: z.object({ token: z.string().min(16, 'use a token of at least 16 characters') }).strict().optional(),
  confirmMs: z.number().int().min(100).max(60_000).default(5000),
  predicateTimeoutMs: z.number().int().min(10).max(300_000).default(10_000),
  relayCacheMs: z.number().int().min(0).max(86_400_000).default(60_000),
}).strict();

/** Validates the raw `config:` block; throws ModuleConfigError naming the field. */
export function parseAccessConfig(raw: unknown): AccessConfig {
  const result = schema.safeParse(raw ?? {});
  if (!result.success) {
    const issue = result.error.issues[0]!;
    const field = issue.path.length > 0 ? issue.path.map((p, i) => (typeof p === 'number' ? `[${p}]` : `${i > 0 ? '.' : ''}${String(p)}`)).join('') : '(config)';
    throw new ModuleConfigError(field, issue.message);
  }
  const c = result.data;
  return {
    channels: c.channels.map((text, i) => channel(text, `channels[${i}]`)),
    predicates: c.predicates.map((entry, i) => predicateEntry(entry, `predicates[${i}]`)),
    exclude: patterns(c.exclude, 'exclude'),
    admins: patterns(c.admins, 'admins'),
    passive: c.passive,
    ban: c.ban,
    reason: c.reason,
    joins: c.joins,
    startup: c.startup,
    defaultAllow: c.default === 'allow',
    ...(c.http ? { token: c.http.token } : {}),
    confirmMs: c.confirmMs,
    predicateTimeoutMs: c.predicateTimeoutMs,
    relayCacheMs: c.relayCacheMs,
  };
}

function predicateEntry(entry: z.infer<typeof entrySchema>, field: string): PredicateEntry {
  const kinds = (['allow', 'deny', 'memberOf', 'module'] as const).filter((k) => entry[k] !== undefined);
  if (kinds.length !== 1) throw new ModuleConfigError(field, 'give exactly one of allow, deny, memberOf or module');
  const kind = kinds[0]!;
  if (entry.people !== undefined && kind !== 'memberOf') throw new ModuleConfigError(`${field}.people`, 'people only goes with memberOf');
  const scope = entry.channels?.map((text, i) => channel(text, `${field}.channels[${i}]`));
  const source = sourceOf(kind, entry, field);
  const name = entry.name ?? (source.kind === 'module' ? source.name : `${kind}${field.slice('predicates'.length)}`);
  return { name, ...(scope ? { scope } : {}), source };
}

function sourceOf(kind: PredicateSource['kind'], entry: z.infer<typeof entrySchema>, field: string): PredicateSource {
  switch (kind) {
    case 'allow':
      return { kind, patterns: patterns(entry.allow!, `${field}.allow`) };
    case 'deny':
      return { kind, patterns: patterns(entry.deny!, `${field}.deny`) };
    case 'memberOf':
      return {
        kind,
        channel: channel(entry.memberOf!, `${field}.memberOf`),
        people: (entry.people ?? []).map((person, i) => patterns(person, `${field}.people[${i}]`)),
      };
    case 'module':
      return { kind, name: entry.module! };
  }
}

function channel(text: string, field: string): ChannelRef {
  const ref = parseChannelRef(text);
  if (!ref) throw new ModuleConfigError(field, `${JSON.stringify(text)} is not network:channel, e.g. irc:#staff or xmpp:staff@conference.example.org`);
  return ref;
}

function patterns(list: readonly string[], field: string): IdentityPattern[] {
  return list.map((text, i) => {
    try {
      return parseIdentityPattern(text);
    } catch (error) {
      if (error instanceof IdentityPatternError) throw new ModuleConfigError(`${field}[${i}]`, error.message);
      throw error;
    }
  });
}

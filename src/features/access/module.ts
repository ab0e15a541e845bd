/**
 * The `access` built-in module (IMMP's ChannelAccessHook): keeps the secured channels to the
 * people the configured predicates allow, on every network. It verifies every join as it
 * happens (together with the spam checkers' userMayJoinRoom), everyone once every network is
 * ready and again after a network reconnects, and on demand (`!access verify`, POST
 * /access/verify). Denied users are kicked (and banned if configured), or only logged in
 * passive mode. docs/access.md describes the config and the rules.
 */
import type { ChannelRef, UserRef } from '../../core/refs.js';
import type { HubEvent } from '../../core/event.js';
import { fromPlain } from '../../core/richtext-ops.js';
import type { ModuleApi } from '../../modules/api.js';
import { defineModule, ModuleConfigError } from '../../modules/define.js';
import { operationsOf } from '../../modules/operations.js';
import type { AccessPredicate } from '../../modules/access-predicate.js';
import { allowListPredicate, denyListPredicate, memberOfPredicate } from './builtin-predicates.js';
import { parseAccessConfig, type AccessConfig, type PredicateEntry } from './config.js';
import { channelKey, pairKey, sameChannel } from './keys.js';
import { Remover } from './removal.js';
import { AccessVerifier, type ScopedPredicate, type VerifyRequest } from './verifier.js';
import { commandOf, USAGE } from './command.js';
import { summaryLine } from './summary.js';
import { VERIFY_PATH, verifyEndpoint } from './http-endpoint.js';
import { scopeChannels } from './combine.js';
import { RelayGate } from './relay-gate.js';

export default defineModule<AccessConfig>({
  name: 'access',
  parseConfig: parseAccessConfig,
  setup(api, config) {
    checkNetworks(api, config);
    const remover = new Remover({ log: api.log, network: (name) => api.network(name), ban: config.ban, reason: config.reason, confirmMs: config.confirmMs });
    const builtins = new Map(config.predicates.map((entry) => [entry, builtinPredicate(api, entry)]));
    const predicates = (): ScopedPredicate[] => config.predicates.map((entry) => ({
      name: entry.name,
      ...(entry.scope ? { scope: entry.scope } : {}),
      predicate: builtins.get(entry) ?? api.accessPredicate((entry.source as { name: string }).name),
    }));
    let gate: RelayGate | undefined;
    const verifier = new AccessVerifier({
      log: api.log,
      secured: config.channels,
      predicates,
      members: (channel) => api.members(channel),
      isBot: (channel, user) => api.network(channel.network)?.botUser(channel)?.id === user.id,
      exclude: config.exclude,
      defaultAllow: config.defaultAllow,
      passive: config.passive,
      predicateTimeoutMs: config.predicateTimeoutMs,
      remover,
      decided: (outcomes) => gate?.remember(outcomes),
    });
    if (!config.passive) gate = gateRelay(api, config, verifier);
    joinWatchedChannels(api, config);
    api.registerHealthCheck(() => {
      const cannotRemove = remover.rightsProblems();
      return { status: cannotRemove.length > 0 ? 'degraded' : 'ok', passive: config.passive, securedChannels: config.channels.length, cannotRemove };
    });

    if (config.joins) watchJoins(api, verifier);
    watchReadiness(api, config, verifier);
    watchMemberOfSources(api, config, verifier);
    api.on('MESSAGE', (event) => runCommand(api, config, verifier, event));
    if (config.token !== undefined) {
      api.registerWebResource(VERIFY_PATH, verifyEndpoint({
        token: config.token,
        secures: (channel) => verifier.secures(channel),
        verify: (request) => verifier.verify(request, 'present'),
      }));
    }
    api.onShutdown(() => remover.close());
    api.log.info({ channels: config.channels.length, predicates: config.predicates.length, passive: config.passive }, 'access control ready');
  },
});

/**
 * The relay asks before relaying anything a user did: nothing of a user the predicates deny in
 * a secured channel is relayed, whether or not removing them worked (not in passive mode).
 */
function gateRelay(api: ModuleApi, config: AccessConfig, verifier: AccessVerifier): RelayGate {
  const gate = new RelayGate({
    secures: (channel) => verifier.secures(channel),
    decide: ({ channel, user }) => verifier.decide(new Map([[channel, [user]]]), 'relay'),
    ttlMs: config.relayCacheMs,
  });
  api.registerRelayCallbacks({ userMayRelay: (user, channel) => gate.mayRelay(user, channel) });
  return gate;
}

/** Every channel the config names must be on a configured network. */
function checkNetworks(api: ModuleApi, config: AccessConfig): void {
  const check = (channel: ChannelRef, field: string) => {
    if (!api.network(channel.network)) throw new ModuleConfigError(field, `no network named "${channel.network}" is configured`);
  };
  config.channels.forEach((c, i) => check(c, `channels[${i}]`));
  config.predicates.forEach((entry, i) => {
    if (entry.source.kind === 'memberOf') check(entry.source.channel, `predicates[${i}].memberOf`);
  });
}

function builtinPredicate(api: ModuleApi, entry: PredicateEntry): AccessPredicate | undefined {
  const source = entry.source;
  switch (source.kind) {
    case 'allow':
      return allowListPredicate(source.patterns);
    case 'deny':
      return denyListPredicate(source.patterns);
    case 'memberOf':
      return memberOfPredicate({ channel: source.channel, people: source.people, members: (channel) => api.members(channel) });
    case 'module':
      return undefined;
  }
}

/** The bot must be in the secured channels and in the channels memberOf looks at. */
function joinWatchedChannels(api: ModuleApi, config: AccessConfig): void {
  const memberOf = config.predicates.flatMap((e) => (e.source.kind === 'memberOf' ? [e.source.channel] : []));
  for (const channel of scopeChannels([...config.channels, ...memberOf])) {
    api.network(channel.network)?.join(channel).catch((error: unknown) =>
      api.log.warn({ network: channel.network, channel: channel.id, err: error instanceof Error ? error.message : String(error) }, 'could not join a channel access control watches'));
  }
}

/**
 * Joins: the access predicates and userMayJoinRoom decide together. The core asks
 * userMayJoinRoom for bridged channels before any module listener runs and reports refusals
 * through onJoinRefused; for secured channels outside bridges this module asks it itself.
 */
function watchJoins(api: ModuleApi, verifier: AccessVerifier): void {
  const { spamChecker: spamCheckers } = operationsOf(api);
  const refused = new Set<string>();
  api.onJoinRefused((refusal) => {
    if (verifier.secures(refusal.channel)) refused.add(pairKey(refusal));
  });
  const spamChecker: ScopedPredicate = {
    name: 'userMayJoinRoom',
    predicate: {
      async channelAccess(channel: ChannelRef, user: UserRef) {
        if (refused.has(pairKey({ channel, user }))) return false;
        if (api.bridgesOf(channel).length > 0) return undefined;
        return (await spamCheckers.userMayJoinRoom(user, channel, false)).allowed ? undefined : false;
      },
    },
  };
  api.on('JOIN', async (event) => {
    const { channel, users } = event.args;
    if (!verifier.secures(channel)) return;
    try {
      await verifier.verify(new Map([[channel, users]]), 'join', [spamChecker]);
    } finally {
      for (const user of users) refused.delete(pairKey({ channel, user }));
    }
  });
}

/** Everyone once every network is ready; a network's channels again after it reconnects. */
function watchReadiness(api: ModuleApi, config: AccessConfig, verifier: AccessVerifier): void {
  if (!config.startup) return;
  let ready = false;
  api.onReady(async () => {
    ready = true;
    await verifier.verify(undefined, 'present');
  });
  api.on('ENDBURST', async (event) => {
    if (!ready || event.args.server !== event.network) return;
    const channels = config.channels.filter((c) => c.network === event.network);
    if (channels.length > 0) await verifier.verify(new Map(channels.map((c) => [c, undefined])), 'present');
  });
}

/** When someone leaves a channel a memberOf predicate looks at, the channels it covers are verified again. */
function watchMemberOfSources(api: ModuleApi, config: AccessConfig, verifier: AccessVerifier): void {
  const sources = config.predicates.flatMap((entry) => (entry.source.kind === 'memberOf'
    ? [{ source: entry.source.channel, covers: scopeChannels(config.channels, entry.scope) }]
    : []));
  if (sources.length === 0) return;
  const reverify = async (left: readonly ChannelRef[]) => {
    const covered = sources.filter((s) => left.some((c) => sameChannel(c, s.source))).flatMap((s) => s.covers);
    const unique = new Map(covered.map((c) => [channelKey(c), c]));
    if (unique.size > 0) await verifier.verify(new Map([...unique.values()].map((c) => [c, undefined])), 'present');
  };
  api.on('PART', (event) => reverify([event.args.channel]));
  api.on('KICK', (event) => reverify([event.args.channel]));
  api.on('QUIT', (event) => reverify(event.args.channels));
}

/** `!access verify [all]` from an admin. */
async function runCommand(api: ModuleApi, config: AccessConfig, verifier: AccessVerifier, event: HubEvent<'MESSAGE'>): Promise<void> {
  const request = commandOf(event, config.admins);
  if (!request) return;
  const reply = (text: string) => api.sendMessage(request.channel, fromPlain(text), 'notice').catch((error: unknown) =>
    api.log.warn({ network: request.channel.network, channel: request.channel.id, err: error instanceof Error ? error.message : String(error) }, 'could not reply to !access'));
  const author = event.args.message.author;
  if (!request.allowed) {
    api.log.warn({ network: author.network, user: author.id, nick: author.nick, channel: request.channel.id }, '!access from someone who is not an admin; ignored');
    await reply(`${author.nick ?? author.id}: only access admins may use !access`);
    return;
  }
  if (request.command.kind === 'usage') {
    await reply(USAGE);
    return;
  }
  let scope: VerifyRequest | undefined;
  if (request.command.scope === 'here') {
    if (!verifier.secures(request.channel)) {
      await reply('access: this channel is not secured; use !access verify all');
      return;
    }
    scope = new Map([[request.channel, undefined]]);
  }
  api.log.info({ network: author.network, user: author.id, scope: request.command.scope }, '!access verify requested');
  await reply(summaryLine(await verifier.verify(scope, 'present')));
}

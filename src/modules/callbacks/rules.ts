/**
 * THE table: every module callback, how several modules' answers combine, what happens
 * when one throws, and which Switchboard operation calls it. The invokers read their rule
 * and failure policy from here, and docs/modules.md carries this table as rendered by
 * `renderRulesTable()` (a test checks they agree).
 */
import type { CallbackName, Category } from './types.js';

/** How the answers of several modules combine (modules are asked in `modules:` order). */
export type CombinationRule =
  /** Asked in order; an answer equal to `passes` falls through; the first other answer decides and later modules are not asked. */
  | { readonly kind: 'first-decides'; readonly passes: 'NOT_SPAM' | 'null' | 'true' | 'false' | 'ALLOW' }
  /** Every module runs, in order. */
  | { readonly kind: 'run-all' }
  /** Every module runs in order and may change the request; the first one that throws refuses the operation and stops the rest. */
  | { readonly kind: 'run-until-refused' }
  /** Every module runs; the maps are merged and the sets of the same key concatenated. */
  | { readonly kind: 'merge-sets' }
  /** Every module runs; the sets are concatenated, unless one answers PRESENCE_ALL_USERS, which wins and stops the rest. */
  | { readonly kind: 'union-or-all' }
  /** Only the first module to register the category is used; later registrations are ignored with a warning. */
  | { readonly kind: 'first-registered-only' }
  /** Every module runs; for the same field the last-registered module wins; core fields cannot be overridden. */
  | { readonly kind: 'last-wins-per-field' }
  /** Per login type: checkers run in order until one returns a user; two modules with different fields for one login type refuse the start. */
  | { readonly kind: 'auth-checkers' }
  /** Every module runs in order on the previous one's output; null suppresses the delivery and stops the rest. */
  | { readonly kind: 'rewrite-chain' };

/** What happens when a module's callback throws (or rejects). */
export type FailurePolicy =
  /** The operation is refused (fail closed); later modules are not asked. Logged with the module. */
  | 'refuse'
  /** Logged with the module; that module's answer is left out and the others still run. */
  | 'skip'
  /** The error fails the operation (it reaches the caller); later modules are not asked. */
  | 'fail-operation'
  /** Logged; Switchboard's default is used for that module's answer. */
  | 'use-default';

export interface CallbackRule {
  readonly rule: CombinationRule;
  readonly onThrow: FailurePolicy;
  /** The Switchboard operation that calls it. */
  readonly calledBy: string;
  /**
   * Present when no running hub calls it yet: what will (the issue that builds the operation).
   * Registering such a callback logs a warning naming it.
   */
  readonly pending?: string;
}

const NOT_SPAM_RULE = { kind: 'first-decides', passes: 'NOT_SPAM' } as const;
const FIRST_NOT_TRUE = { kind: 'first-decides', passes: 'true' } as const;
const FIRST_NOT_FALSE = { kind: 'first-decides', passes: 'false' } as const;
const FIRST_NOT_NULL = { kind: 'first-decides', passes: 'null' } as const;
const RUN_ALL = { kind: 'run-all' } as const;

const GATEWAY = 'until the XMPP gateway is built';
const HTTP_LOGIN = 'until the HTTP API login is built';
const BRIDGE_ADMIN = 'until run-time bridge administration is built';
const NO_BATCH_JOBS = "Switchboard itself runs no batch job after start (a module's own api.runBackgroundUpdate does call it)";

/** Every callback of every category. */
export const CALLBACK_RULES: { readonly [C in Category]: { readonly [N in CallbackName<C>]-?: CallbackRule } } = {
  spamChecker: {
    checkEventForSpam: { rule: NOT_SPAM_RULE, onThrow: 'refuse', calledBy: 'every inbound event, in the dispatcher check stage before third-party rules' },
    userMayJoinRoom: { rule: NOT_SPAM_RULE, onThrow: 'refuse', calledBy: 'every JOIN to a bridged channel, before any module listener (a refusal is logged and reported to onJoinRefused listeners; the access module removes the user from its secured channels), the access module for each join to a secured channel outside bridges; and every gateway room join from XMPP, before the IRC JOIN (user: id = the bare JID, nick = the asked nick; channel id = the case-folded channel name; isInvited after an IRC INVITE of the person to it; a refusal is the presence error forbidden)' },
    userMayInvite: { rule: NOT_SPAM_RULE, onThrow: 'refuse', calledBy: "a gateway user's mediated invitation (XEP-0045) from a room to nick@gateway, before the IRC INVITE (inviter id = the bare JID, invitee id = the nick; a refusal is the message error forbidden); the relay does not relay invites" },
    userMaySend3pidInvite: { rule: NOT_SPAM_RULE, onThrow: 'refuse', calledBy: 'inviting by email from the gateway', pending: GATEWAY },
    userMayCreateRoom: { rule: NOT_SPAM_RULE, onThrow: 'refuse', calledBy: 'a gateway room join that created the IRC channel (the person alone in it, with op), before the room is shown (a refusal parts the channel at once and is the presence error forbidden); creating bridges at run time later' },
    userMayCreateRoomAlias: { rule: NOT_SPAM_RULE, onThrow: 'refuse', calledBy: 'adding an alias to a bridge or gateway room', pending: BRIDGE_ADMIN },
    userMayPublishRoom: { rule: NOT_SPAM_RULE, onThrow: 'refuse', calledBy: "each room a gateway user is in, when they ask the gateway domain's disco#items (a refusal leaves the room out of the listing); and a gateway room configuration form making the room public (IRC: -s), after checkVisibilityCanBeModified (a refusal is the error forbidden)" },
    checkUsernameForSpam: { rule: FIRST_NOT_FALSE, onThrow: 'refuse', calledBy: "the gateway's contact search (the `search` command; userId = the contact's JID, displayName = its name): a spammy user is left out of the results" },
    checkRegistrationForSpam: { rule: { kind: 'first-decides', passes: 'ALLOW' }, onThrow: 'refuse', calledBy: 'gateway registration (a new account, before the legacy network checks it; DENY refuses it, SHADOW_BAN registers)' },
    checkMediaFileForSpam: { rule: NOT_SPAM_RULE, onThrow: 'refuse', calledBy: 'the relay module, for each attachment of a relayed message before it is relayed (a refused file is left out); gateway uploads later' },
    shouldDropFederatedEvent: { rule: FIRST_NOT_FALSE, onThrow: 'refuse', calledBy: 'every event arriving from a network, first of the dispatcher checks (dropped without telling anyone; logged and counted as a rejection)' },
    checkLoginForSpam: { rule: NOT_SPAM_RULE, onThrow: 'refuse', calledBy: 'every gateway login to the legacy network (a refusal stops the session until re-login); HTTP API / web UI login later' },
  },
  thirdPartyRules: {
    checkEventAllowed: { rule: FIRST_NOT_TRUE, onThrow: 'refuse', calledBy: "every inbound event, in the dispatcher check stage after all spam checks; an allowed event may be replaced for the stages after it; and a gateway user's room JOIN (after userMayJoinRoom) and every MESSAGE they send to a room, before IRC (a correction or reaction as the text IRC gets: room-edits.ts; sender = the bare JID; a refusal is the error forbidden; a replacement is not applied)" },
    onCreateRoom: { rule: { kind: 'run-until-refused' }, onThrow: 'refuse', calledBy: "a gateway room join that created the IRC channel, after userMayCreateRoom (request: name = the channel, channels = [it], options { gateway: true }; changes are not applied: IRC has nothing to set at creation; a throw parts the channel); creating bridges at run time later" },
    checkThreepidCanBeInvited: { rule: FIRST_NOT_TRUE, onThrow: 'refuse', calledBy: 'inviting a third-party id (email, phone) to a room: IRC invites nicks only, and a gateway invitation to an address off the network is refused before any callback', pending: 'no network invites by third-party id' },
    checkVisibilityCanBeModified: { rule: FIRST_NOT_TRUE, onThrow: 'refuse', calledBy: "a gateway room configuration form (XEP-0045 §10.2) that changes the room's public/hidden field (IRC: -s/+s), before the MODE (newVisibility 'public' or 'private'; a refusal is the error forbidden and nothing is sent)" },
    onNewEvent: { rule: RUN_ALL, onThrow: 'skip', calledBy: 'every accepted event, as a listener in module order (after the checks)' },
    checkCanShutdownRoom: { rule: FIRST_NOT_TRUE, onThrow: 'refuse', calledBy: "a gateway user's XEP-0045 destroy of a room (userId = the bare JID; IRC then parts the channel, which ends it: refused unless they are an op alone in it); removing a bridge at run time later" },
    checkCanDeactivateUser: { rule: FIRST_NOT_TRUE, onThrow: 'refuse', calledBy: 'unregistering from the gateway (byAdmin false; a refusal keeps the account) and a gateway admin\'s disable-user command (byAdmin true; a refusal keeps the person enabled)' },
    onProfileUpdate: { rule: RUN_ALL, onThrow: 'skip', calledBy: "a gateway user's own identity on the legacy network changing (IRC: their nick, changed by the `nick` chat command or by the server; userId = the bare JID, profile = { displayName: the new nick }, byAdmin false, deactivation false)" },
    onUserDeactivationStatusChanged: { rule: RUN_ALL, onThrow: 'skip', calledBy: 'after a gateway account was unregistered (deactivated = true, byAdmin false), disabled by an admin (true, true) or enabled again by an admin (false, true)' },
    onAddUserThirdPartyIdentifier: { rule: RUN_ALL, onThrow: 'skip', calledBy: 'adding an email address to a gateway account', pending: GATEWAY },
    onRemoveUserThirdPartyIdentifier: { rule: RUN_ALL, onThrow: 'skip', calledBy: 'removing an email address from a gateway account', pending: GATEWAY },
    onThreepidBind: { rule: RUN_ALL, onThrow: 'skip', calledBy: 'deprecated alias: registered as onAddUserThirdPartyIdentifier', pending: GATEWAY },
  },
  presenceRouter: {
    getUsersForStates: { rule: { kind: 'merge-sets' }, onThrow: 'skip', calledBy: "the xmpp-component network, for each batch of remote people's presence changes the relay tells it (people joining or leaving every bridged channel, AWAY): the users of that network named (`network:bare JID`) get those updates from the puppets' JIDs, besides the puppets' subscribers" },
    getInterestedUsers: { rule: { kind: 'union-or-all' }, onThrow: 'skip', calledBy: "the xmpp-component network, for each presence probe of a puppet's JID from someone who is not its subscriber (`network:bare JID`): the person's presence is answered when the answer names them (`network:id`) or is PRESENCE_ALL_USERS, else `unsubscribed`" },
  },
  passwordAuthProvider: {
    authCheckers: { rule: { kind: 'auth-checkers' }, onThrow: 'refuse', calledBy: "gateway registration when the gateway asks for its access password (login type `switchboard.gateway.password`, fields [password]; user = the bare JID; no checker or every one null: the gateway's `accessPassword` decides); HTTP API / web UI login later" },
    check3pidAuth: { rule: FIRST_NOT_NULL, onThrow: 'refuse', calledBy: 'login with an email address', pending: HTTP_LOGIN },
    onLoggedOut: { rule: RUN_ALL, onThrow: 'skip', calledBy: 'a gateway login ending: its connection lost, re-login, unregister, registration change, shutdown (once per onUserLogin; device id undefined, token empty); HTTP API / web UI logout later' },
    getUsernameForRegistration: { rule: FIRST_NOT_NULL, onThrow: 'fail-operation', calledBy: "a new gateway registration, before the legacy network checks it (uiaResults {}, params = the form's non-secret values and jid): the answer replaces the submitted nick" },
    getDisplaynameForRegistration: { rule: FIRST_NOT_NULL, onThrow: 'fail-operation', calledBy: "a new gateway registration, as getUsernameForRegistration: the answer is the person's IRC real name" },
    is3pidAllowed: { rule: FIRST_NOT_TRUE, onThrow: 'refuse', calledBy: 'adding an email address to a gateway account', pending: GATEWAY },
  },
  accountValidity: {
    isUserExpired: { rule: FIRST_NOT_NULL, onThrow: 'refuse', calledBy: 'every gateway login to the legacy network (expired: the session stops until re-login); authenticated HTTP API requests later' },
    onUserRegistration: { rule: RUN_ALL, onThrow: 'skip', calledBy: 'gateway registration, once the new account is stored' },
    onUserLogin: { rule: RUN_ALL, onThrow: 'skip', calledBy: "every successful gateway login (auth provider type 'gateway', id the gateway network's name); HTTP API / web UI login later" },
  },
  accountData: {
    onAccountDataUpdated: { rule: RUN_ALL, onThrow: 'skip', calledBy: "api.accountData.set / delete (the per-user settings store), after the value is stored; the gateway's preferences command (userId = the bare JID, no room, type switchboard.gateway.preferences, content = every preference)" },
  },
  backgroundUpdateController: {
    onUpdate: { rule: { kind: 'first-registered-only' }, onThrow: 'use-default', calledBy: 'every iteration of a background update (a batch job; storage migrations are not paced: they run before modules load)', pending: NO_BATCH_JOBS },
    defaultBatchSize: { rule: { kind: 'first-registered-only' }, onThrow: 'use-default', calledBy: 'the first iteration of a background update', pending: NO_BATCH_JOBS },
    minBatchSize: { rule: { kind: 'first-registered-only' }, onThrow: 'use-default', calledBy: 'every later iteration of a background update', pending: NO_BATCH_JOBS },
  },
  addExtraFieldsToUnsignedClientEvent: {
    addFieldToUnsigned: { rule: { kind: 'last-wins-per-field' }, onThrow: 'skip', calledBy: 'each message a gateway room\'s archive serves in a MAM result (src/gateway/room-mam.ts: a MESSAGE event with `delayed`; the fields go as JSON in `<unsigned xmlns="urn:switchboard:unsigned:0">` inside the archived message); events served to HTTP / web clients', pending: 'for HTTP / web clients: until the web network is built' },
  },
  relay: {
    beforeSend: { rule: { kind: 'rewrite-chain' }, onThrow: 'refuse', calledBy: 'the relay module, for every delivery of a relayed message to one target channel' },
    userMayRelay: { rule: FIRST_NOT_TRUE, onThrow: 'refuse', calledBy: 'the relay module, before relaying anything a user did in a bridged channel (a message, correction, retraction, reaction, or a join, part, nick or topic notice)' },
  },
};

/** The rule of one callback. */
export function ruleOf<C extends Category>(category: C, name: CallbackName<C>): CallbackRule {
  return (CALLBACK_RULES[category] as Record<string, CallbackRule>)[name]!;
}

/** Every callback, as `[category, name, rule]`, in table order. */
export function allCallbacks(): ReadonlyArray<readonly [Category, string, CallbackRule]> {
  return (Object.keys(CALLBACK_RULES) as Category[]).flatMap((category) =>
    Object.entries(CALLBACK_RULES[category] as Record<string, CallbackRule>).map(([name, rule]) => [category, name, rule] as const),
  );
}

/** The combination rule in words, as in docs/modules.md. */
export function describeRule(rule: CombinationRule): string {
  switch (rule.kind) {
    case 'first-decides':
      return rule.passes === 'NOT_SPAM'
        ? 'first answer that is not NOT_SPAM decides, later ones are not called'
        : rule.passes === 'ALLOW'
          ? 'first answer that is not ALLOW decides, later ones are not called'
          : rule.passes === 'null'
            ? 'first answer that is not null decides, later ones are not called'
            : `first answer that is not ${rule.passes} decides, later ones are not called`;
    case 'run-all':
      return 'run all in order';
    case 'run-until-refused':
      return 'run all in order, each may change the request; the first that throws refuses and stops the ones after it';
    case 'merge-sets':
      return 'run all; merge the maps and concatenate the sets of the same key';
    case 'union-or-all':
      return 'run all and concatenate the sets; PRESENCE_ALL_USERS short-circuits';
    case 'first-registered-only':
      return 'first registered only (later registrations ignored with a warning)';
    case 'last-wins-per-field':
      return 'run all; last registered wins per field; core fields cannot be overridden';
    case 'auth-checkers':
      return 'per login type, in order until one returns a user; refuse to start when two modules register the same login type with different fields';
    case 'rewrite-chain':
      return 'run all in order on the previous output; null suppresses this delivery and stops the ones after it';
  }
}

const FAILURE_TEXT: Record<FailurePolicy, string> = {
  refuse: 'operation refused (fail closed), logged',
  skip: 'logged; the others still run',
  'fail-operation': 'the operation fails with the error',
  'use-default': "logged; Switchboard's default is used",
};

/** The failure policy in words. */
export function describeFailure(policy: FailurePolicy): string {
  return FAILURE_TEXT[policy];
}

/** The markdown table of every callback, as docs/modules.md carries it. */
export function renderRulesTable(): string {
  const rows = allCallbacks().map(([category, name, rule]) => {
    const calledBy = rule.pending ? `${rule.calledBy} — **not called yet**: ${rule.pending}` : rule.calledBy;
    return `| ${category} | \`${name}\` | ${describeRule(rule.rule)} | ${describeFailure(rule.onThrow)} | ${calledBy} |`;
  });
  return ['| category | callback | combination rule | when it throws | called by |', '|---|---|---|---|---|', ...rows].join('\n');
}

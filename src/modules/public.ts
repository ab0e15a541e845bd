/**
 * What module authors import from `switchboard`: defining modules and the values callbacks
 * return. (Types come along through src/index.ts.)
 */
export { defineModule, ModuleConfigError, ConfigError } from './define.js';
export type { ModuleDefinition } from './define.js';
export type * from './api.js';
export type * from './callbacks/types.js';
export { NOT_SPAM, Codes, RegistrationBehaviour, PRESENCE_ALL_USERS } from './callbacks/values.js';
export type { Code, NotSpam, SpamCheckResult, PresenceAllUsers } from './callbacks/values.js';
export type { SpamDecision } from './callbacks/spam-checker.js';
export type { EventAllowedDecision } from './callbacks/third-party-rules.js';
export type { AuthResult } from './callbacks/password-auth.js';
export type { BackgroundUpdate, BackgroundUpdateResult } from './callbacks/background-updates.js';
export type { JoinRefusal, JoinRefusedListener } from './callbacks/join-guard.js';
export type { AccountDataStore } from './callbacks/account-data.js';
export type { CacheOptions } from './cache.js';
export type { WebHandler, WebRequest, WebResponse } from './web-resources.js';
export type { MessageCopy, MessageLocation, MessageMapStore, MessageMapping, SentMessage } from '../store/message-map.js';
export type { AccessPredicate, AccessDecision, AccessPair, AccessMembers, AccessVerdicts } from './access-predicate.js';
export type { ModuleHealth, HealthCheck } from './health.js';
// Error classes a module is told to catch (or to expect as a cause) are values, for instanceof.
export { EgressError } from '../net/egress/errors.js';
export { SendRefusedError } from '../core/network.js';
export { CallbackFailedError } from './callbacks/combine.js';
export type { EgressErrorCode } from '../net/egress/errors.js';
export type { EgressBudget, EgressClient } from '../net/egress/index.js';
export type { EgressRequestOptions, EgressResponse } from '../core/egress.js';
// The gateway framework's API, for modules that add a legacy network (registerLegacyNetwork).
export { LegacyRefusal, NotSupported } from '../gateway/api.js';
export type {
  ChatState, CodeStep, ContactShow, FormField, GatewaySettings, GatewayUser, LegacyNetwork, LegacyNetworkContext, LegacyNetworkFactory,
  LegacySession, PersonAvatar, QrStep, RefusalCondition, Registration, RegistrationType, SearchResult, SessionEvents, Validation,
} from '../gateway/api.js';

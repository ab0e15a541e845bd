/**
 * Every callback category in one place: what the hub owns, what `register…Callbacks` adds to,
 * and what operations call (`ModuleApi.callbacks`).
 */
import type { EventCheck } from '../../core/dispatcher.js';
import type { AnyEvent } from '../../core/event.js';
import type { Logger } from '../../core/log.js';
import type { BridgeConfig } from '../../config/types.js';
import type { ListenerRegistry } from '../../core/listeners.js';
import { AccountDataCallbacks } from './account-data.js';
import { AccountValidity } from './account-validity.js';
import { BackgroundUpdateController, BackgroundUpdater } from './background-updates.js';
import { buildEventChecks, eventCheckShape } from './event-checks.js';
import { JoinGuard } from './join-guard.js';
import { PasswordAuthProviders } from './password-auth.js';
import { PresenceRouter } from './presence-router.js';
import { RelayHooks } from './relay.js';
import { SpamChecker } from './spam-checker.js';
import { ThirdPartyRules } from './third-party-rules.js';
import { UnsignedFields } from './unsigned-fields.js';

/** The order of the JOIN guard's listener: before every module's listeners. */
const CORE_ORDER = -1;

export interface ModuleCallbacksOptions {
  readonly log: Logger;
  /** Where the JOIN guard listens. */
  readonly listeners: ListenerRegistry;
  readonly bridges: () => readonly BridgeConfig[];
}

/** The callback registries of the hub and the functions its operations call. */
export class ModuleCallbacks {
  readonly spamChecker: SpamChecker;
  readonly thirdPartyRules: ThirdPartyRules;
  readonly presenceRouter: PresenceRouter;
  readonly passwordAuth: PasswordAuthProviders;
  readonly accountValidity: AccountValidity;
  readonly accountData: AccountDataCallbacks;
  readonly backgroundUpdates: BackgroundUpdateController;
  readonly backgroundUpdater: BackgroundUpdater;
  readonly unsignedFields: UnsignedFields;
  readonly relay: RelayHooks;
  readonly joins: JoinGuard;

  constructor(options: ModuleCallbacksOptions) {
    const log = options.log.child({ component: 'module-callbacks' });
    this.spamChecker = new SpamChecker(log);
    this.thirdPartyRules = new ThirdPartyRules(log);
    this.presenceRouter = new PresenceRouter(log);
    this.passwordAuth = new PasswordAuthProviders(log);
    this.accountValidity = new AccountValidity(log);
    this.accountData = new AccountDataCallbacks(log);
    this.backgroundUpdates = new BackgroundUpdateController(log);
    this.backgroundUpdater = new BackgroundUpdater(this.backgroundUpdates, log);
    this.unsignedFields = new UnsignedFields(log);
    this.relay = new RelayHooks(log);
    this.joins = new JoinGuard(this.spamChecker, options.bridges, log);
    options.listeners.add({
      module: 'core:userMayJoinRoom',
      order: CORE_ORDER,
      command: 'JOIN',
      listener: async (event: AnyEvent) => {
        if (event.command === 'JOIN') await this.joins.check(event);
      },
    });
  }

  /**
   * The dispatcher's check stage (read for every event, so registrations take effect at once;
   * rebuilt only when a check category gains its first callback or loses its last).
   */
  eventChecks(): readonly EventCheck[] {
    const shape = eventCheckShape(this.spamChecker, this.thirdPartyRules);
    if (this.checks?.shape !== shape) this.checks = { shape, list: buildEventChecks(this.spamChecker, this.thirdPartyRules) };
    return this.checks.list;
  }

  private checks: { readonly shape: number; readonly list: readonly EventCheck[] } | undefined;
}

type Operations<T> = Omit<T, 'registry' | 'register'>;

/**
 * What modules may call: the operations' side of every category (built-in features such as
 * the relay and access control call these; registering goes through `register…Callbacks`).
 */
export interface CallbackOperations {
  readonly spamChecker: Operations<SpamChecker>;
  readonly thirdPartyRules: Operations<ThirdPartyRules>;
  readonly presenceRouter: Operations<PresenceRouter>;
  readonly passwordAuth: Operations<PasswordAuthProviders>;
  readonly accountValidity: Operations<AccountValidity>;
  readonly backgroundUpdates: Pick<BackgroundUpdater, 'run'>;
  readonly unsignedFields: Operations<UnsignedFields>;
  readonly relay: Operations<RelayHooks>;
}

/** The operations view of `callbacks`. */
export function callbackOperations(callbacks: ModuleCallbacks): CallbackOperations {
  return {
    spamChecker: callbacks.spamChecker,
    thirdPartyRules: callbacks.thirdPartyRules,
    presenceRouter: callbacks.presenceRouter,
    passwordAuth: callbacks.passwordAuth,
    accountValidity: callbacks.accountValidity,
    backgroundUpdates: callbacks.backgroundUpdater,
    unsignedFields: callbacks.unsignedFields,
    relay: callbacks.relay,
  };
}

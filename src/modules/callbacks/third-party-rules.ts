/**
 * Third-party rules callbacks, and the functions the operations they guard call.
 * onNewEvent is not called from here: each registration becomes a listener (see
 * module-api.ts), so it runs in module order with the other listeners after the checks.
 */
import type { Logger } from '../../core/log.js';
import type { AnyEvent } from '../../core/event.js';
import type { ChannelRef, UserRef } from '../../core/refs.js';
import type { Disposer } from '../../core/disposer.js';
import { CategoryRegistry } from './category-registry.js';
import { firstDecides, runAll, runUntilRefused, type CallbackSite, type Refusal } from './combine.js';
import { readBoolean } from './spam-checker.js';
import type { CallbackName, CreateRoomRequest, ProfileInfo, ThirdPartyRulesCallbacks } from './types.js';
import { describeValue } from './values.js';

/** checkEventAllowed's outcome: refused by a module, or allowed (maybe as a replaced event). */
export type EventAllowedDecision =
  | { readonly allowed: true; readonly event: AnyEvent }
  | { readonly allowed: false; readonly module: string; readonly reason: string };

type RulesName = CallbackName<'thirdPartyRules'>;

export class ThirdPartyRules {
  readonly registry = new CategoryRegistry('thirdPartyRules', 'registerThirdPartyRulesCallbacks');

  constructor(private readonly log: Logger) {}

  /** Registers callbacks; the deprecated onThreepidBind joins onAddUserThirdPartyIdentifier. */
  register(module: string, order: number, callbacks: ThirdPartyRulesCallbacks): Disposer {
    return this.registry.register(module, order, callbacks, { onThreepidBind: 'onAddUserThirdPartyIdentifier' });
  }

  /**
   * "First that does not return true decides". A module allowing with a replacement hands
   * the replaced event to the modules after it. A replacement must keep the command and
   * network of the event; anything else counts as the module failing (fail closed).
   */
  async checkEventAllowed(event: AnyEvent): Promise<EventAllowedDecision> {
    let current = event;
    const decision = await firstDecides(
      this.site('checkEventAllowed'),
      this.registry.list('checkEventAllowed').entries,
      (fn) => fn(current),
      (answer) => {
        const [allowed, replacement] = readEventAllowed(answer, current);
        if (allowed && replacement) current = replacement;
        return allowed;
      },
      false,
    );
    if (!decision.decided) return { allowed: true, event: current };
    const reason = decision.threw === undefined ? 'refused by checkEventAllowed' : 'checkEventAllowed failed';
    return { allowed: false, module: decision.module, reason };
  }

  /** Runs onCreateRoom in order on `request` (which callbacks may change); the first throw refuses. */
  onCreateRoom(requester: UserRef, request: CreateRoomRequest, isAdmin: boolean): Promise<Refusal> {
    return runUntilRefused(this.site('onCreateRoom'), this.registry.list('onCreateRoom').entries, (fn) => fn(requester, request, isAdmin));
  }

  checkThreepidCanBeInvited(medium: string, address: string, channel: ChannelRef): Promise<boolean> {
    return this.allowedUnlessRefused('checkThreepidCanBeInvited', (fn) => fn(medium, address, channel));
  }

  checkVisibilityCanBeModified(channel: ChannelRef, newVisibility: 'public' | 'private'): Promise<boolean> {
    return this.allowedUnlessRefused('checkVisibilityCanBeModified', (fn) => fn(channel, newVisibility));
  }

  checkCanShutdownRoom(userId: string, channel: ChannelRef): Promise<boolean> {
    return this.allowedUnlessRefused('checkCanShutdownRoom', (fn) => fn(userId, channel));
  }

  checkCanDeactivateUser(userId: string, byAdmin: boolean): Promise<boolean> {
    return this.allowedUnlessRefused('checkCanDeactivateUser', (fn) => fn(userId, byAdmin));
  }

  onProfileUpdate(userId: string, profile: ProfileInfo, byAdmin: boolean, deactivation: boolean): Promise<void> {
    return runAll(this.site('onProfileUpdate'), this.registry.list('onProfileUpdate').entries, (fn) => fn(userId, profile, byAdmin, deactivation));
  }

  onUserDeactivationStatusChanged(userId: string, deactivated: boolean, byAdmin: boolean): Promise<void> {
    const name = 'onUserDeactivationStatusChanged';
    return runAll(this.site(name), this.registry.list(name).entries, (fn) => fn(userId, deactivated, byAdmin));
  }

  onAddUserThirdPartyIdentifier(userId: string, medium: string, address: string): Promise<void> {
    const name = 'onAddUserThirdPartyIdentifier';
    return runAll(this.site(name), this.registry.list(name).entries, (fn) => fn(userId, medium, address));
  }

  onRemoveUserThirdPartyIdentifier(userId: string, medium: string, address: string): Promise<void> {
    const name = 'onRemoveUserThirdPartyIdentifier';
    return runAll(this.site(name), this.registry.list(name).entries, (fn) => fn(userId, medium, address));
  }

  private async allowedUnlessRefused<N extends RulesName>(name: N, call: (fn: NonNullable<ThirdPartyRulesCallbacks[N]>) => unknown): Promise<boolean> {
    const decision = await firstDecides(this.site(name), this.registry.list(name).entries, call, readBoolean, false);
    return decision.decided ? decision.value : true;
  }

  private site(name: RulesName): CallbackSite {
    return { category: 'thirdPartyRules', name, log: this.log };
  }
}

/** Reads `boolean | [boolean, replacement?]`, checking that a replacement is the same kind of event. */
function readEventAllowed(answer: unknown, event: AnyEvent): readonly [boolean, AnyEvent | undefined] {
  if (typeof answer === 'boolean') return [answer, undefined];
  if (Array.isArray(answer) && typeof answer[0] === 'boolean') {
    const replacement = answer[1] as AnyEvent | undefined | null;
    if (replacement === undefined || replacement === null) return [answer[0], undefined];
    if (typeof replacement !== 'object' || replacement.command !== event.command || replacement.network !== event.network) {
      throw new TypeError(`a replacement must be an event with the same command (${event.command}) and network (${event.network})`);
    }
    return [answer[0], replacement];
  }
  throw new TypeError(`expected a boolean or [boolean, replacement], got ${describeValue(answer)}`);
}

/**
 * Presence router callbacks: who receives which presence updates beyond the people who share
 * a channel. Called by the relay when it relays presence and away changes.
 */
import type { Logger } from '../../core/log.js';
import type { Disposer } from '../../core/disposer.js';
import { CallbackRegistrationError, CategoryRegistry } from './category-registry.js';
import { mergeSets, unionOrAll } from './combine.js';
import type { PresenceRouterCallbacks, PresenceUpdate } from './types.js';
import { describeValue, type PresenceAllUsers } from './values.js';

export class PresenceRouter {
  readonly registry = new CategoryRegistry('presenceRouter', 'registerPresenceRouterCallbacks');

  constructor(private readonly log: Logger) {}

  /** Each callback requires the other: registering only one is refused. */
  register(module: string, order: number, callbacks: PresenceRouterCallbacks): Disposer {
    const hasStates = callbacks?.getUsersForStates !== undefined;
    const hasInterested = callbacks?.getInterestedUsers !== undefined;
    if (hasStates !== hasInterested) {
      const missing = hasStates ? 'getInterestedUsers' : 'getUsersForStates';
      throw new CallbackRegistrationError(
        `module ${module}: registerPresenceRouterCallbacks: ${missing} is required too (getUsersForStates and getInterestedUsers go together)`,
      );
    }
    return this.registry.register(module, order, callbacks);
  }

  /** User id → the updates to forward to them, merged over every module (sets of one key concatenated). */
  getUsersForStates(updates: readonly PresenceUpdate[]): Promise<Map<string, Set<PresenceUpdate>>> {
    return mergeSets(
      { category: 'presenceRouter', name: 'getUsersForStates', log: this.log },
      this.registry.list('getUsersForStates').entries,
      (fn) => fn(updates),
      readRouting,
    );
  }

  /** The users whose presence `userId` may see: the union over every module, or PRESENCE_ALL_USERS. */
  getInterestedUsers(userId: string): Promise<Set<string> | PresenceAllUsers> {
    return unionOrAll(
      { category: 'presenceRouter', name: 'getInterestedUsers', log: this.log },
      this.registry.list('getInterestedUsers').entries,
      (fn) => fn(userId),
    );
  }

  /** true when a presence router is registered at all. */
  get active(): boolean {
    return this.registry.list('getInterestedUsers').size > 0;
  }
}

function readRouting(answer: unknown): Iterable<readonly [string, Iterable<PresenceUpdate>]> {
  let pairs: Array<readonly [unknown, unknown]>;
  if (answer instanceof Map) pairs = [...(answer as Map<unknown, unknown>)];
  else if (typeof answer === 'object' && answer !== null && !Array.isArray(answer)) pairs = Object.entries(answer);
  else throw new TypeError(`expected a Map or an object of user id → updates, got ${describeValue(answer)}`);
  for (const [key, value] of pairs) {
    if (typeof key !== 'string') throw new TypeError('expected user ids (strings) as keys');
    if (typeof value !== 'object' || value === null || typeof (value as Iterable<unknown>)[Symbol.iterator] !== 'function') {
      throw new TypeError(`the updates for ${key} must be a Set or an array`);
    }
  }
  return pairs as Array<readonly [string, Iterable<PresenceUpdate>]>;
}

/**
 * The modules' presence router callbacks as networks call them (core's `PresenceRouterCalls`):
 * the composition root hands this to every network's context.
 */
import type { PresenceRouterCalls } from '../core/network.js';
import type { PresenceRouter } from '../modules/callbacks/presence-router.js';
import { PRESENCE_ALL_USERS } from '../modules/callbacks/values.js';

/** `router`'s operations as core's {@link PresenceRouterCalls}. */
export function presenceRoutingOf(router: Pick<PresenceRouter, 'active' | 'getUsersForStates' | 'getInterestedUsers'>): PresenceRouterCalls {
  return {
    active: () => router.active,
    usersForStates: (updates) => router.getUsersForStates(updates),
    async interestedUsers(userId) {
      const answer = await router.getInterestedUsers(userId);
      return answer === PRESENCE_ALL_USERS ? 'all' : answer;
    },
  };
}

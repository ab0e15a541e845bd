/**
 * A real module for the XMPP component e2e test: a presence router that sends every presence
 * update to the users listed in its config (`to`, user ids `network:id`) and lets the users in
 * `see` see everyone's presence (PRESENCE_ALL_USERS).
 */
import { defineModule } from '../../src/modules/define.js';
import { PRESENCE_ALL_USERS } from '../../src/modules/callbacks/values.js';
import type { PresenceUpdate } from '../../src/modules/callbacks/types.js';

export interface PresenceRouterKnobs {
  readonly to: readonly string[];
  readonly see: readonly string[];
}

export default defineModule<PresenceRouterKnobs>({
  name: 'presence-router-fixture',
  setup(api, knobs) {
    api.registerPresenceRouterCallbacks({
      getUsersForStates: (updates: readonly PresenceUpdate[]) => new Map(knobs.to.map((id) => [id, new Set(updates)])),
      getInterestedUsers: (userId: string) => (knobs.see.includes(userId) ? PRESENCE_ALL_USERS : new Set<string>()),
    });
  },
});

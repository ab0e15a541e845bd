/**
 * A real module for the XMPP component e2e test: a presence router that sends every presence
 * update to the users listed in its config (`to`, user ids `network:id`). (Its
 * getInterestedUsers, which must come with it, lets no one see more: XMPP servers probe only for
 * subscriptions, so the e2e test cannot ask it; the unit tests do.)
 */
import { defineModule } from '../../src/modules/define.js';
import type { PresenceUpdate } from '../../src/modules/callbacks/types.js';

export interface PresenceRouterKnobs {
  readonly to: readonly string[];
}

export default defineModule<PresenceRouterKnobs>({
  name: 'presence-router-fixture',
  setup(api, knobs) {
    api.registerPresenceRouterCallbacks({
      getUsersForStates: (updates: readonly PresenceUpdate[]) => new Map(knobs.to.map((id) => [id, new Set(updates)])),
      getInterestedUsers: () => new Set<string>(),
    });
  },
});

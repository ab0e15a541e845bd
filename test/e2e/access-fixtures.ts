/**
 * A real module for the access e2e tests, loaded by the hub like any other module. Its config
 * is a live object the test changes while the hub runs ("knobs"), so a test can make its
 * predicate deny, allow or throw for a nick, or its userMayJoinRoom refuse a nick.
 */
import { defineModule } from '../../src/modules/define.js';
import { Codes, NOT_SPAM } from '../../src/modules/callbacks/values.js';
import type { UserRef } from '../../src/core/refs.js';

/** Lower-case nicks the module's callbacks treat specially. */
export interface Knobs {
  readonly deny: Set<string>;
  readonly allow: Set<string>;
  readonly throwFor: Set<string>;
  readonly refuseJoin: Set<string>;
}

export function newKnobs(): Knobs {
  return { deny: new Set(), allow: new Set(), throwFor: new Set(), refuseJoin: new Set() };
}

const nickOf = (user: UserRef) => (user.nick ?? user.id).toLowerCase();

export default defineModule<Knobs>({
  name: 'access-knobs',
  setup(api, knobs) {
    api.registerAccessPredicate({
      channelAccess(_channel, user) {
        const nick = nickOf(user);
        if (knobs.throwFor.has(nick)) throw new Error(`directory lookup failed for ${nick}`);
        if (knobs.deny.has(nick)) return false;
        if (knobs.allow.has(nick)) return true;
        return undefined;
      },
    });
    api.registerSpamCheckerCallbacks({
      userMayJoinRoom: (user) => (knobs.refuseJoin.has(nickOf(user)) ? Codes.FORBIDDEN : NOT_SPAM),
    });
  },
});

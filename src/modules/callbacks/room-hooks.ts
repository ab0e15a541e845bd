/**
 * The module callbacks as the {@link RoomHooks} the gateway's group chats call (docs/modules.md):
 * the person is a UserRef of the gateway network (id: their bare JID, nick: their legacy nick,
 * account: the bare JID), the room a ChannelRef (id: the legacy channel name). A join is checked
 * by userMayJoinRoom then checkEventAllowed on a JOIN event; a message by checkEventAllowed on a
 * MESSAGE event (a replacement is not applied: the gateway sends what the person wrote or
 * nothing); a created channel by userMayCreateRoom then onCreateRoom (its request: the channel,
 * name = its id, options { gateway: true }); an invitation by userMayInvite; the listing by
 * userMayPublishRoom; a destroy by checkCanShutdownRoom; the configuration form's change of the
 * room's visibility by checkVisibilityCanBeModified and, when it makes the room public,
 * userMayPublishRoom. Each call costs nothing when no module
 * registered the callback.
 */
import { randomUUID } from 'node:crypto';
import type { AccountVerdict } from '../../core/account-hooks.js';
import type { AnyEvent } from '../../core/event.js';
import type { ChannelRef, UserRef } from '../../core/refs.js';
import { fromPlain } from '../../core/richtext-ops.js';
import type { RoomActor, RoomHooks } from '../../core/room-hooks.js';
import type { ModuleCallbacks } from './index.js';
import type { SpamDecision } from './spam-checker.js';

const ALLOWED: AccountVerdict = { allowed: true };

function verdict(decision: SpamDecision, what: string): AccountVerdict {
  return decision.allowed ? ALLOWED : { allowed: false, reason: decision.message ?? `${what} is not allowed here` };
}

/** The hooks over `callbacks` for the gateway network `network` (read at each call). */
export function moduleRoomHooks(callbacks: ModuleCallbacks, network: string): RoomHooks {
  const user = (person: RoomActor): UserRef => ({ network, id: person.jid, nick: person.nick, account: person.jid });
  const channel = (room: string): ChannelRef => ({ network, id: room });
  const eventAllowed = async (event: AnyEvent, what: string): Promise<AccountVerdict> => {
    if (callbacks.thirdPartyRules.registry.list('checkEventAllowed').size === 0) return ALLOWED;
    const decision = await callbacks.thirdPartyRules.checkEventAllowed(event);
    return decision.allowed ? ALLOWED : { allowed: false, reason: `${what} is not allowed here (${decision.reason})` };
  };
  return {
    async mayJoin(person, room, invited) {
      const spam = verdict(await callbacks.spamChecker.userMayJoinRoom(user(person), channel(room), invited), `joining ${room}`);
      if (!spam.allowed) return spam;
      return eventAllowed({ network, sender: person.jid, command: 'JOIN', args: { channel: channel(room), users: [user(person)] }, ts: Date.now() }, `joining ${room}`);
    },
    async mayCreate(person, room) {
      const spam = verdict(await callbacks.spamChecker.userMayCreateRoom(user(person)), `creating ${room}`);
      if (!spam.allowed) return spam;
      const refusal = await callbacks.thirdPartyRules.onCreateRoom(user(person), { name: room, channels: [channel(room)], options: { gateway: true } }, false);
      return refusal.refused ? { allowed: false, reason: refusal.error instanceof Error ? refusal.error.message : `creating ${room} is not allowed here` } : ALLOWED;
    },
    maySend(person, room, text, action) {
      const message = { id: randomUUID(), channel: channel(room), author: user(person), kind: action ? 'action' : 'message', body: fromPlain(text), attachments: [], ts: Date.now() } as const;
      return eventAllowed({ network, sender: person.jid, command: 'MESSAGE', args: { channel: channel(room), message }, ts: message.ts }, 'this message');
    },
    async mayInvite(person, invitee, room) {
      return verdict(await callbacks.spamChecker.userMayInvite(user(person), { network, id: invitee, nick: invitee }, channel(room)), `inviting ${invitee}`);
    },
    async mayPublish(person, room) {
      return (await callbacks.spamChecker.userMayPublishRoom(user(person), channel(room))).allowed;
    },
    async mayShutdown(person, room) {
      return (await callbacks.thirdPartyRules.checkCanShutdownRoom(person.jid, channel(room))) ? ALLOWED : { allowed: false, reason: `ending ${room} is not allowed here` };
    },
    async mayChangeVisibility(person, room, visibility) {
      if (!(await callbacks.thirdPartyRules.checkVisibilityCanBeModified(channel(room), visibility))) return { allowed: false, reason: `making ${room} ${visibility} is not allowed here` };
      return visibility === 'public' ? verdict(await callbacks.spamChecker.userMayPublishRoom(user(person), channel(room)), `making ${room} public`) : ALLOWED;
    },
  };
}

/**
 * Who receives a puppet's presence updates: the combination rule of the component's call site
 * of the presence router callbacks (docs/modules.md). Pure.
 *
 * - Every subscriber of a puppet gets its updates (the default, RFC 6121).
 * - Each user id `<network>:<bare JID>` of this network that `getUsersForStates` answered gets the
 *   updates given for it as well (Synapse: the router adds recipients, it never removes the
 *   default ones). Ids of other networks, and ids that are no bare JID, are left out.
 * - A recipient gets each puppet's state once: the last update given for it.
 * - At most `maxRecipients` recipients per batch; the rest are left out (`truncated`).
 */
import type { PresenceArgs } from '../../core/catalog.js';
import { isBareJid } from '../xmpp/jid.js';

/** One update with the bare JID of the person's puppet. */
export interface PuppetUpdate {
  readonly puppet: string;
  readonly update: PresenceArgs;
}

/** Recipient bare JID → puppet bare JID → the update to send. */
export interface PresenceDelivery {
  readonly recipients: Map<string, Map<string, PresenceArgs>>;
  readonly truncated: boolean;
}

/**
 * The deliveries for `updates`: see the file's comment. `puppetOf` gives the puppet bare JID of a
 * routed update's person (undefined: none here); `routed` is what the modules answered
 * (undefined: no presence router).
 */
export function presenceRecipients(
  updates: readonly PuppetUpdate[],
  subscribersOf: (puppet: string) => Iterable<string>,
  routed: ReadonlyMap<string, Iterable<PresenceArgs>> | undefined,
  options: { readonly network: string; readonly domain: string; readonly maxRecipients: number; puppetOf(update: PresenceArgs): string | undefined },
): PresenceDelivery {
  const recipients = new Map<string, Map<string, PresenceArgs>>();
  let truncated = false;
  const give = (to: string, puppet: string, update: PresenceArgs): void => {
    let mine = recipients.get(to);
    if (mine === undefined) {
      if (recipients.size >= options.maxRecipients) {
        truncated = true;
        return;
      }
      mine = new Map();
      recipients.set(to, mine);
    }
    mine.delete(puppet); // the later update replaces it (and comes last)
    mine.set(puppet, update);
  };
  for (const { puppet, update } of updates) for (const to of subscribersOf(puppet)) give(to, puppet, update);
  const prefix = `${options.network}:`;
  for (const [userId, given] of routed ?? []) {
    if (!userId.startsWith(prefix)) continue;
    const to = userId.slice(prefix.length).toLowerCase();
    if (!isBareJid(to) || to.endsWith(`@${options.domain}`)) continue;
    for (const update of given) {
      const puppet = options.puppetOf(update);
      if (puppet !== undefined) give(to, puppet, update);
    }
  }
  return { recipients, truncated };
}

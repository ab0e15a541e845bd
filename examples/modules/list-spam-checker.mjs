// @ts-check
/**
 * A list-based spam checker: refuses every event sent by a listed user, and serves
 * GET /list-spam-checker/is-evil?user=<network>:<id> → {"evil": true|false}.
 *
 * switchboard.yaml:
 *   modules:
 *     - module: ./examples/modules/list-spam-checker.mjs
 *       config:
 *         evilUsers: [irc:mallory, xmpp:spam@example.org]
 */
import { defineModule, Codes, NOT_SPAM } from 'switchboard';
import { z } from 'zod';

/** A user written network:id, e.g. irc:mallory. */
const notUser = { error: (/** @type {{ input: unknown }} */ issue) => `${JSON.stringify(issue.input)} is not network:id, e.g. irc:mallory` };
const user = z.string(notUser).regex(/^[^:]+:.+$/, notUser);

export default defineModule({
  name: 'list-spam-checker',

  // The module's `config:` block; each problem stops the start, reported at its field.
  parseConfig: z
    .object({ evilUsers: z.array(user).default([]) })
    .default({ evilUsers: [] })
    .transform((config) => ({ evilUsers: new Set(config.evilUsers) })),

  setup(api, config) {
    api.registerSpamCheckerCallbacks({
      checkEventForSpam: (event) => (config.evilUsers.has(`${event.network}:${event.sender}`) ? Codes.FORBIDDEN : NOT_SPAM),
    });

    api.registerWebResource('/list-spam-checker/is-evil', async (request) => {
      const user = request.query.user;
      if (typeof user !== 'string') return { status: 400, body: { error: 'give one ?user=network:id' } };
      return { status: 200, body: { evil: config.evilUsers.has(user) } };
    });

    api.log.info({ users: config.evilUsers.size }, 'list spam checker ready');
  },
});

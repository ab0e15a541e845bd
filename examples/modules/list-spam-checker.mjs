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
import { defineModule, ConfigError, Codes, NOT_SPAM } from 'switchboard';

export default defineModule({
  name: 'list-spam-checker',

  /** @param {unknown} raw the module's `config:` block */
  parseConfig(raw) {
    const config = /** @type {{ evilUsers?: unknown }} */ (raw ?? {});
    if (typeof config !== 'object' || Array.isArray(config)) throw new ConfigError('(config)', 'must be a mapping with evilUsers');
    const evilUsers = config.evilUsers ?? [];
    if (!Array.isArray(evilUsers)) throw new ConfigError('evilUsers', 'must be a list of users written network:id, e.g. irc:mallory');
    evilUsers.forEach((user, index) => {
      if (typeof user !== 'string' || !/^[^:]+:.+$/.test(user)) {
        throw new ConfigError(`evilUsers[${index}]`, `${JSON.stringify(user)} is not network:id, e.g. irc:mallory`);
      }
    });
    return { evilUsers: new Set(/** @type {string[]} */ (evilUsers)) };
  },

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

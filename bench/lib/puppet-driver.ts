/**
 * A benchmark-only module for the scale bench: on `GET /bench/puppets` it sends one message into
 * an IRC channel as each of `count` remote users, so that an IRC network in puppet mode opens a
 * connection per user, and answers once every send went through (each puppet connected and
 * joined). Loaded by the real `switchboard run` process like any third-party module.
 */
import { defineModule, ConfigError } from '../../src/modules/public.js';

interface DriverConfig {
  readonly network: string;
  readonly channel: string;
  readonly count: number;
}

export default defineModule<DriverConfig>({
  name: 'bench-puppet-driver',
  parseConfig(raw) {
    const config = raw as Partial<DriverConfig> | undefined;
    if (typeof config?.network !== 'string' || typeof config.channel !== 'string' || !Number.isInteger(config.count)) {
      throw new ConfigError('config', 'needs network, channel and count (an integer)');
    }
    return { network: config.network, channel: config.channel, count: config.count as number };
  },
  setup(api, config) {
    api.registerWebResource('/bench/puppets', async () => {
      const network = api.network(config.network);
      if (!network) return { status: 500, body: { error: `no network ${config.network}` } };
      const channel = { network: config.network, id: config.channel };
      const started = Date.now();
      await Promise.all(Array.from({ length: config.count }, (_, i) => network.send({
        target: { channel },
        kind: 'message',
        body: [{ type: 'text', text: `hello from user ${i}` }],
        asUser: { network: 'bench', id: `user${i}`, nick: `user${i}` },
      })));
      return { status: 200, body: { sent: config.count, ms: Date.now() - started } };
    });
  },
});

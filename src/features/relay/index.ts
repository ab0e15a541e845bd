/**
 * The `relay` built-in module: bridges link channels across networks (docs/bridges.md,
 * docs/adr/0004-relay.md). Written on the public module API only.
 *
 * ```yaml
 * bridges:
 *   lobby:
 *     channels: [libera:#lobby, jabber:lobby@conference.example.org]
 *     identity: "<{nick}@{network}> "
 * modules:
 *   - module: relay
 * ```
 */
import { defineModule } from '../../modules/define.js';
import { parseRelayConfig, resolveBridges, type RelayConfig } from './config.js';
import { Relay } from './relay.js';
import { PresenceRelay } from './presence.js';
import { rulesCallback } from './rules.js';

const DAY_MS = 24 * 60 * 60 * 1000;

export default defineModule<RelayConfig>({
  name: 'relay',
  parseConfig: parseRelayConfig,
  async setup(api, config) {
    const bridges = resolveBridges(api.bridges(), config);
    const relay = new Relay(api, config, bridges);
    api.registerRelayCallbacks({ beforeSend: rulesCallback((target, source) => relay.optionsFor(target, source)) });
    relay.listen();
    new PresenceRelay(api, bridges).listen();
    await relay.start();
    const prune = async (): Promise<void> => {
      try {
        const removed = await api.messages.prune(config.retentionDays * DAY_MS);
        const quotes = await relay.pruneExcerpts(config.retentionDays * DAY_MS);
        if (removed > 0 || quotes > 0) api.log.info({ removed, quotes }, 'forgot old message id mappings and quotes');
      } catch (error) {
        api.log.warn({ err: error }, 'pruning message id mappings failed');
      }
    };
    const timer = setInterval(() => void prune(), DAY_MS);
    timer.unref();
    api.onReady(prune);
    api.onShutdown(async () => {
      clearInterval(timer);
      await relay.stop();
    });
    api.log.info({ bridges: bridges.map((b) => b.name) }, 'relay ready');
  },
});

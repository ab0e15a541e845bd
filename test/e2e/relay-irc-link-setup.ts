/**
 * The relay's bridge (relay-setup.ts) with its IRC side linked as a server (`protocol: irc-link`
 * to the harness's ngIRCd) instead of a client bot.
 */
import type { HubConfig } from '../../src/config/types.js';
import { ircLinkConfigSchema } from '../../src/networks/irc-link/config.js';
import type { BridgeSetup } from './relay-setup.js';

/** The setup's networks with `irc` as a server link (extra link options merged in). */
export function linkedNetworks(setup: BridgeSetup, options: Record<string, unknown> = {}): HubConfig['networks'] {
  return setup.config().networks.map((n) => n.name !== 'irc' ? n : {
    name: 'irc',
    protocol: 'irc-link',
    options: ircLinkConfigSchema.parse({
      ircd: 'ngircd', host: setup.irc.host, port: setup.irc.port, serverName: setup.irc.link.peerName,
      sendPassword: setup.irc.link.peerSends, receivePassword: setup.irc.link.serverSends, ...options,
    }),
  });
}

/**
 * The bridge of relay-setup.ts with the XMPP component network in place of the `jabber` client
 * network, for the xmpp-component e2e tests.
 */
import type { NetworkConfig } from '../../src/config/types.js';
import { xmppComponentConfigSchema } from '../../src/networks/xmpp-component/config.js';
import type { BridgeSetup } from './relay-setup.js';

/** The setup's networks (or `networks`) with the component network named `jabber` (extra options merged in). */
export function componentNetworks(setup: BridgeSetup, options: Record<string, unknown> = {}, networks: readonly NetworkConfig[] = setup.config().networks): NetworkConfig[] {
  const { xmpp } = setup;
  return networks.map((n) => n.name !== 'jabber' ? n : {
    name: 'jabber',
    protocol: 'xmpp-component',
    options: xmppComponentConfigSchema.parse({ domain: xmpp.componentDomain, host: xmpp.host, port: xmpp.componentPort, password: xmpp.componentSecret, ...options }),
  });
}

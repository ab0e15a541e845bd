/**
 * Plays the hub's role for XMPP adapter e2e tests: a NetworkContext that collects emitted events
 * and connection losses, with bounded waits on them. Not a mock of any server: the adapter talks
 * to a real Prosody.
 */
import type { AnyEventInput } from '../../src/core/event.js';
import type { ConnectionLoss, NetworkContext } from '../../src/core/network.js';
import type { EgressClient } from '../../src/net/egress/index.js';
import type { ChannelRef } from '../../src/core/refs.js';
import { MemoryStore } from '../support/memory-store.js';
import { silentLogger, type Logger } from '../../src/core/log.js';
import { validateEvent } from '../../src/core/catalog-validate.js';
import { xmppConfigSchema } from '../../src/networks/xmpp/config.js';
import { XmppNetwork } from '../../src/networks/xmpp/adapter.js';
import type { XmppServer } from '../support/servers.js';
import { waitFor } from '../support/wait.js';

export const WAIT_MS = 10_000;
export const NETWORK = 'jabber';

/** The adapter under test and what it reported. */
export interface TestNetwork {
  readonly network: XmppNetwork;
  readonly events: AnyEventInput[];
  readonly losses: ConnectionLoss[];
  /** Events that did not pass the catalog's validation (`validateEvent`), with the reason. */
  readonly invalid: string[];
  /** The hub's wanted channels; tests may push more. */
  readonly wanted: ChannelRef[];
  /** Resolves with the first event matching `predicate` that no earlier wait returned. */
  waitForEvent<E extends AnyEventInput = AnyEventInput>(predicate: (event: AnyEventInput) => boolean, what: string, timeoutMs?: number): Promise<E>;
}

export interface TestNetworkOptions {
  readonly user: string;
  readonly password: string;
  readonly rooms: readonly string[];
  /** Extra network options (nick, rejoinDelayMs, uploadService, ...). */
  readonly options?: Record<string, unknown>;
  readonly log?: Logger;
  /** The egress client the adapter fetches files with (default: the default policy). */
  readonly egress?: EgressClient;
}

/** Creates (does not connect) an adapter for `server` through the protocol's own config schema. */
export function createTestNetwork(server: XmppServer, opts: TestNetworkOptions): TestNetwork {
  const events: AnyEventInput[] = [];
  const losses: ConnectionLoss[] = [];
  const invalid: string[] = [];
  const consumed = new Set<number>();
  const wanted: ChannelRef[] = opts.rooms.map((id) => ({ network: NETWORK, id }));
  const context: NetworkContext = {
    name: NETWORK,
    log: opts.log ?? silentLogger(),
    store: new MemoryStore(),
    wantedChannels: () => wanted,
    emit: (event) => {
      events.push(event);
      try {
        validateEvent(event);
      } catch (error) {
        invalid.push(`${(error as Error).message}: ${JSON.stringify(event)}`);
      }
    },
    connectionLost: (loss) => {
      losses.push(loss);
    },
    ...(opts.egress ? { egress: opts.egress } : {}),
  };
  const config = xmppConfigSchema.parse({
    jid: `${opts.user}@${server.domain}`,
    password: opts.password,
    service: `xmpp://${server.host}:${server.port}`,
    requireTls: false,
    saslMechanism: 'PLAIN',
    ...opts.options,
  });
  const network = new XmppNetwork(context, config);
  return {
    network,
    events,
    losses,
    invalid,
    wanted,
    waitForEvent: <E extends AnyEventInput>(predicate: (event: AnyEventInput) => boolean, what: string, timeoutMs = WAIT_MS) =>
      waitFor(
        () => {
          const index = events.findIndex((e, i) => !consumed.has(i) && predicate(e));
          if (index < 0) return undefined;
          consumed.add(index);
          return events[index] as E;
        },
        { timeoutMs, what: `${what}; events so far: ${events.map((e) => e.command).join(' ')}` },
      ),
  };
}

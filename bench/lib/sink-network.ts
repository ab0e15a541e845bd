/**
 * An in-memory network for the in-process pipeline benchmark only: it "connects" at once,
 * lets the benchmark inject events as if they came from a server, and counts what the hub
 * sends to it. Everything between emit and send is the real hub.
 */
import { z } from 'zod';
import type { AnyEventInput } from '../../src/core/event.js';
import type { Network, NetworkCapabilities, NetworkContext, OutgoingMessage, ProtocolDefinition, SendResult } from '../../src/core/network.js';
import type { ChannelRef, UserRef } from '../../src/core/refs.js';

const CAPABILITIES: NetworkCapabilities = {
  edits: false,
  deletes: false,
  reactions: false,
  replies: false,
  threads: false,
  attachments: false,
  typing: false,
  formatting: 'plain',
};

/** One sink network: inject events with `emit`, read deliveries from `sent`. */
export class SinkNetwork implements Network {
  readonly protocol = 'sink';
  readonly capabilities = CAPABILITIES;
  /** Messages the hub sent here. */
  sent = 0;
  private waiters: Array<{ count: number; resolve: () => void }> = [];

  constructor(private readonly context: NetworkContext) {}

  get name(): string {
    return this.context.name;
  }

  /** Hands an event to the hub, as an adapter does for each line or stanza it reads. */
  emit(event: AnyEventInput): void {
    this.context.emit(event);
  }

  /** Resolves once `count` messages in total were sent here. */
  sentAtLeast(count: number): Promise<void> {
    if (this.sent >= count) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push({ count, resolve }));
  }

  connect(): Promise<void> {
    this.context.emit({ network: this.name, sender: this.name, command: 'ENDBURST', args: { server: this.name } });
    return Promise.resolve();
  }

  disconnect(): Promise<void> {
    return Promise.resolve();
  }

  send(_message: OutgoingMessage): Promise<SendResult> {
    this.sent += 1;
    const id = `${this.name}-${this.sent}`;
    if (this.waiters.length > 0) {
      const due = this.waiters.filter((w) => w.count <= this.sent);
      this.waiters = this.waiters.filter((w) => w.count > this.sent);
      for (const waiter of due) waiter.resolve();
    }
    return Promise.resolve({ ids: [id] });
  }

  queueDepth(): number {
    return 0;
  }

  join(_channel: ChannelRef): Promise<void> {
    return Promise.resolve();
  }

  part(_channel: ChannelRef): Promise<void> {
    return Promise.resolve();
  }

  members(_channel: ChannelRef): readonly UserRef[] {
    return [];
  }
}

/** The `sink` protocol, and the networks it created by name (for the benchmark to drive). */
export function sinkProtocol(): { protocol: ProtocolDefinition; networks: Map<string, SinkNetwork> } {
  const networks = new Map<string, SinkNetwork>();
  const protocol: ProtocolDefinition = {
    protocol: 'sink',
    configSchema: z.unknown(),
    create(context) {
      const network = new SinkNetwork(context);
      networks.set(context.name, network);
      return network;
    },
  };
  return { protocol, networks };
}

/**
 * An in-memory network for switchboard/testing: it connects at once, records what modules send
 * through it, and lets a test set a channel's members. Events "arrive" on it through the test
 * hub's `emit`.
 */
import * as z from 'zod';
import type { ChannelRef, UserRef } from '../core/refs.js';
import type { Network, NetworkCapabilities, NetworkContext, OutgoingMessage, ProtocolDefinition, SendResult } from '../core/network.js';

/** The protocol name of in-memory networks. */
export const TEST_PROTOCOL = 'test';

const CAPABILITIES: NetworkCapabilities = {
  edits: true,
  deletes: true,
  reactions: true,
  replies: true,
  threads: false,
  attachments: false,
  typing: false,
  formatting: 'plain',
};

export class TestNetwork implements Network {
  readonly protocol = TEST_PROTOCOL;
  readonly capabilities = CAPABILITIES;
  /** Every message sent through this network, in order. */
  readonly sent: OutgoingMessage[] = [];
  private readonly memberLists = new Map<string, readonly UserRef[]>();
  private sends = 0;

  constructor(readonly context: NetworkContext) {}

  get name(): string {
    return this.context.name;
  }

  connect(): Promise<void> {
    return Promise.resolve();
  }

  disconnect(): Promise<void> {
    return Promise.resolve();
  }

  send(message: OutgoingMessage): Promise<SendResult> {
    this.sent.push(message);
    this.sends += 1;
    return Promise.resolve({ ids: [`${this.name}-${this.sends}`], confirmed: Promise.resolve() });
  }

  queueDepth(): number {
    return 0;
  }

  join(): Promise<void> {
    return Promise.resolve();
  }

  part(): Promise<void> {
    return Promise.resolve();
  }

  members(channel: ChannelRef): readonly UserRef[] {
    return this.memberLists.get(channel.id) ?? [];
  }

  /** Sets who is in `channel` (what `members` and `api.members` answer). */
  setMembers(channel: ChannelRef, members: readonly UserRef[]): void {
    this.memberLists.set(channel.id, members);
  }
}

/** The protocol of in-memory networks; `created` receives each network made. */
export function testProtocol(created: (network: TestNetwork) => void): ProtocolDefinition {
  return {
    protocol: TEST_PROTOCOL,
    configSchema: z.object({}).passthrough(),
    create(context) {
      const network = new TestNetwork(context);
      created(network);
      return network;
    },
  };
}

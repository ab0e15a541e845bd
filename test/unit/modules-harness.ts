/**
 * Sets up real modules (made with defineModule) in a real hub started by switchboard/testing
 * (real module API, callback registries, dispatcher, SQLite storage in a temp dir), without
 * networks unless a test adds some.
 */
import { after } from 'node:test';
import type { BridgeConfig } from '../../src/config/types.js';
import type { AnyEvent, AnyEventInput } from '../../src/core/event.js';
import type { ChannelRef, UserRef } from '../../src/core/refs.js';
import type { Message } from '../../src/core/message.js';
import type { Dispatcher } from '../../src/core/dispatcher.js';
import type { ModuleCallbacks } from '../../src/modules/callbacks/index.js';
import type { WebResourceRegistry } from '../../src/modules/web-resources.js';
import type { ModuleDefinition } from '../../src/modules/define.js';
import type { ModuleApi } from '../../src/modules/api.js';
import { startTestHub } from '../../src/app/testing.js';

export interface Harness {
  readonly callbacks: ModuleCallbacks;
  readonly web: WebResourceRegistry;
  readonly dispatcher: Dispatcher;
  readonly captured: { readonly lines: ReadonlyArray<Record<string, unknown>>; text(): string };
  readonly apis: ModuleApi[];
  /** Log lines at error level, as `[module, msg]`. */
  errors(): Array<[unknown, unknown]>;
  close(): Promise<void>;
}

/** Sets up `modules` in order (their position is their priority), then returns the hub parts. */
export async function setUpModules(modules: ReadonlyArray<ModuleDefinition<unknown>>, bridges: readonly BridgeConfig[] = []): Promise<Harness> {
  const hub = await startTestHub({ modules, bridges });
  const { callbacks, dispatcher, webResources } = hub.internals;
  return {
    callbacks,
    web: webResources,
    dispatcher,
    captured: { lines: hub.logs, text: () => hub.logText() },
    apis: modules.map((module) => hub.api(module.name)),
    errors: () => hub.logs.filter((l) => l.level === 50).map((l) => [l.module, l.msg]),
    close: () => hub.stop(),
  };
}

export const alice: UserRef = { network: 'irc', id: 'alice', nick: 'alice' };
export const bob: UserRef = { network: 'xmpp', id: 'bob@example.org', nick: 'bob' };
export const lobby: ChannelRef = { network: 'irc', id: '#lobby' };
export const room: ChannelRef = { network: 'xmpp', id: 'lobby@conference.example.org' };

export function message(text: string, channel: ChannelRef = lobby, author: UserRef = alice): Message {
  return { id: `m-${text}`, channel, author, kind: 'message', body: [{ type: 'text', text }], attachments: [], ts: 1000 };
}

export function messageEvent(text: string, channel: ChannelRef = lobby): AnyEvent {
  return { network: channel.network, sender: alice.id, command: 'MESSAGE', args: { channel, message: message(text, channel) }, ts: 1000 };
}

export function textOf(event: AnyEventInput): string {
  if (event.command !== 'MESSAGE') return event.command;
  const node = event.args.message.body[0];
  return node?.type === 'text' ? node.text : '';
}

/**
 * For a describe block: returns `setUp(...modules)`, which builds a harness, and registers an
 * `after` hook that closes every harness it built.
 */
export function harnessesClosedAfter(): (...modules: ReadonlyArray<ModuleDefinition<unknown>>) => Promise<Harness> {
  const harnesses: Harness[] = [];
  after(async () => {
    await Promise.all(harnesses.map((h) => h.close()));
  });
  return async (...modules) => {
    const harness = await setUpModules(modules);
    harnesses.push(harness);
    return harness;
  };
}

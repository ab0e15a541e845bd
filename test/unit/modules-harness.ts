/**
 * Sets up real modules (made with defineModule) against the real module API, callback
 * registries, listener registry, dispatcher and an in-memory SQLite store, without networks.
 */
import { after } from 'node:test';
import { openStore } from '../../src/store/open.js';
import type { HubStore } from '../../src/store/hub-store.js';
import type { BridgeConfig } from '../../src/config/types.js';
import type { AnyEvent, AnyEventInput } from '../../src/core/event.js';
import type { ChannelRef, UserRef } from '../../src/core/refs.js';
import type { Message } from '../../src/core/message.js';
import { Dispatcher } from '../../src/core/dispatcher.js';
import { ListenerRegistry } from '../../src/core/listeners.js';
import { LifecycleCallbacks } from '../../src/modules/lifecycle.js';
import { ModuleCallbacks } from '../../src/modules/callbacks/index.js';
import { WebResourceRegistry } from '../../src/modules/web-resources.js';
import { createModuleApi, type ModuleHost } from '../../src/modules/module-api.js';
import type { ModuleDefinition } from '../../src/modules/define.js';
import type { ModuleApi } from '../../src/modules/api.js';
import { captureLog, type CapturedLog } from '../support/log-capture.js';

export interface Harness {
  readonly callbacks: ModuleCallbacks;
  readonly listeners: ListenerRegistry;
  readonly web: WebResourceRegistry;
  readonly dispatcher: Dispatcher;
  readonly captured: CapturedLog;
  readonly apis: ModuleApi[];
  /** Log lines at error level, as `[module, msg]`. */
  errors(): Array<[unknown, unknown]>;
  close(): Promise<void>;
}

/** Sets up `modules` in order (their position is their priority), then returns the hub parts. */
export async function setUpModules(modules: ReadonlyArray<ModuleDefinition<unknown>>, bridges: readonly BridgeConfig[] = []): Promise<Harness> {
  const captured = captureLog();
  const log = captured.log;
  const store: HubStore = await openStore({ kind: 'sqlite', path: ':memory:' }, log);
  const listeners = new ListenerRegistry();
  const callbacks = new ModuleCallbacks({ log, listeners, bridges: () => bridges });
  const web = new WebResourceRegistry(log);
  const host: ModuleHost = {
    log,
    store,
    listeners,
    ready: new LifecycleCallbacks('onReady'),
    shutdown: new LifecycleCallbacks('onShutdown'),
    callbacks,
    webResources: web,
    networks: () => [],
    bridges: () => bridges,
  };
  const apis: ModuleApi[] = [];
  try {
    for (const [order, module] of modules.entries()) {
      const api = createModuleApi(host, module.name, order);
      apis.push(api);
      await module.setup(api, module.parseConfig ? module.parseConfig(undefined) : undefined);
    }
  } catch (error) {
    await store.close();
    throw error;
  }
  const dispatcher = new Dispatcher({ log, listeners, checks: () => callbacks.eventChecks() });
  return {
    callbacks,
    listeners,
    web,
    dispatcher,
    captured,
    apis,
    errors: () => captured.lines.filter((l) => l.level === 50).map((l) => [l.module, l.msg]),
    close: () => store.close(),
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

/**
 * Switchboard's public API, for modules and embedders.
 */
export type * from './core/refs.js';
export type * from './core/richtext.js';
export type * from './core/message.js';
export type * from './core/catalog.js';
export type { HubEvent, AnyEvent, EventInput, AnyEventInput } from './core/event.js';
export type * from './core/network.js';
export type { NetworkHandle } from './core/network-handle.js';
export type { Disposer } from './core/disposer.js';
export type { KeyValueStore } from './core/store.js';
export * from './modules/public.js';

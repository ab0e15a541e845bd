/**
 * Switchboard's public API, for modules and embedders.
 */
export type * from './core/refs.js';
export type * from './core/richtext.js';
export type * from './core/message.js';
export type * from './core/catalog.js';
export type { HubEvent, AnyEvent, EventInput, AnyEventInput } from './core/event.js';
export type * from './core/network.js';
export type { KeyValueStore } from './store/types.js';
export * from './modules/public.js';

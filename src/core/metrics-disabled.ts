/**
 * The hub's metrics when nothing can read them (`http: false`: no GET /metrics): every
 * recording does nothing, and prom-client (about 4 MiB of resident memory once loaded, and a
 * label lookup per event) is never imported.
 */
import type { HubMetrics } from './metrics.js';

const nothing = (): void => undefined;

/** Metrics that record nothing; `render` gives an empty exposition. */
export function disabledMetrics(): HubMetrics {
  return {
    contentType: 'text/plain; version=0.0.4; charset=utf-8',
    eventIn: nothing,
    eventOut: nothing,
    eventRejected: nothing,
    observeDispatch: nothing,
    startDispatchTimer: () => nothing,
    listenerError: nothing,
    reconnect: nothing,
    networkUp: nothing,
    trackQueue: () => nothing,
    render: () => Promise.resolve(''),
  };
}

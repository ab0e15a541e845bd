/**
 * The connection lifecycle shared by the XMPP networks (the `xmpp` client and the
 * `xmpp-component`): one xmpp.js entity per connect attempt, torn down before the next one;
 * a connect round that a teardown cancels; the network online only once its rooms are joined;
 * a lost connection reported once through `ctx.connectionLost` (the hub's policy reconnects);
 * a disconnect that lets sends in flight and the rooms' echoes settle within the deadline, says
 * goodbye, then closes the stream (politely within the deadline, then by force).
 *
 * What differs between the networks (how the entity is made and logged in, what a lost
 * connection forgets, which goodbyes are sent) is given by the adapter as callbacks.
 */
import type { Client } from '@xmpp/client-core';
import type { Element } from '@xmpp/xml';
import type { NetworkContext } from '../../core/network.js';
import type { LogOnce } from '../log-once.js';
import { stopEntity, withDeadline } from './connect-round.js';
import type { Confirmations } from './confirmations.js';

/** How long disconnect() waits for the rooms' echoes of what was sent. */
export const ECHO_WAIT_AT_DISCONNECT_MS = 2_000;

/** One connect attempt's connection (the entity and whatever the adapter keeps with it). */
export interface LifecycleSession {
  readonly entity: Client;
}

/** What the lifecycle needs from its network. */
export interface LifecycleDeps<S extends LifecycleSession> {
  readonly ctx: Pick<NetworkContext, 'log' | 'connectionLost'>;
  readonly logOnce: LogOnce;
  /** Room joins in progress: cancelled when the connection goes. */
  readonly joins: { cancelAll(): void };
  /** The echoes awaited for what was sent: disconnect() lets them arrive (bounded). */
  readonly confirmations: Pick<Confirmations, 'idle'>;
  /** How connection errors are logged (once per message): the key's prefix and the log line. */
  readonly errorLog: { readonly key: string; readonly message: string };
  /** How a lost connection is logged. */
  readonly lostMessage: string;
  /** A stanza received on the current session. */
  onStanza(session: S, el: Element): void;
  /** The connection is gone (lost, torn down or replaced): forget what it held. */
  gone(): void;
  /**
   * The current session's connection dropped by itself (not while closing); called before
   * `gone`. Returns what to add to the log line of a lost connection.
   */
  dropped?(session: S, wasOnline: boolean): Record<string, unknown>;
}

/** Options of `XmppLifecycle.close`. */
export interface CloseOptions<S> {
  readonly deadlineMs: number;
  /**
   * Called once sends in flight and echoes settled (or the deadline passed): the stanzas to send
   * before the stream closes (none when the connection is not up).
   */
  goodbyes(session: S | undefined): readonly Element[];
}

/** Where a network is in its lifecycle, and the moves between the states (see the file's comment). */
export class XmppLifecycle<S extends LifecycleSession> {
  private current: S | undefined;
  /** Stops the connect round of the session being connected (teardown while connecting). */
  private cancelConnect: AbortController | undefined;
  private isOnline = false;
  private isClosing = false;
  private readonly inFlight = new Set<Promise<unknown>>();

  constructor(private readonly deps: LifecycleDeps<S>) {}

  /** The current session, also while connecting and joining; undefined between connections. */
  get session(): S | undefined {
    return this.current;
  }

  /** True once connected with the rooms joined, until the connection goes or closing starts. */
  get online(): boolean {
    return this.isOnline;
  }

  /** True from `close()` until the next `open()`. */
  get closing(): boolean {
    return this.isClosing;
  }

  /**
   * Tears the previous connection down, makes the session `create()` returns current (its
   * stanzas go to `onStanza`, its errors and disconnect to the lifecycle) and runs `start`, the
   * connect round and login, with a signal that a teardown aborts.
   */
  async open<T>(create: () => S, start: (session: S, signal: AbortSignal) => Promise<T>): Promise<{ readonly session: S; readonly started: T }> {
    await this.teardown(0);
    this.isClosing = false;
    const session = create();
    this.current = session;
    const { entity } = session;
    const { logOnce, errorLog } = this.deps;
    entity.on('error', (error: Error) => {
      // While the socket connects, errors belong to the connect round (one error for the round).
      if (entity.status === 'connecting') return;
      logOnce.log('warn', `${errorLog.key}:${error.message}`, { err: error }, errorLog.message);
    });
    // Listeners stay attached (xmpp.js's own, e.g. stream management's timers, need theirs);
    // ours ignore a session that is no longer current.
    entity.on('stanza', (el: Element) => {
      if (this.current === session) this.deps.onStanza(session, el);
    });
    entity.on('disconnect', (info?: { reason?: unknown }) => this.onDisconnect(session, describeReason(info?.reason)));
    const cancel = new AbortController();
    this.cancelConnect = cancel;
    try {
      return { session, started: await start(session, cancel.signal) };
    } finally {
      if (this.cancelConnect === cancel) this.cancelConnect = undefined;
    }
  }

  /**
   * Marks the network online once `session` joined its rooms; throws when the connection closed
   * (or was replaced, or closing began) meanwhile. `up` says whether the stream is still up.
   */
  goOnline(session: S, up: boolean): void {
    if (this.current !== session || this.isClosing || !up) throw new Error('the connection closed while joining rooms');
    this.isOnline = true;
  }

  /**
   * Closes for good (until the next `open`): lets sends in flight settle and the rooms echo what
   * was sent (bounded by the deadline), sends the goodbyes, then tears the connection down.
   */
  async close(options: CloseOptions<S>): Promise<void> {
    const { deadlineMs } = options;
    this.isClosing = true;
    this.isOnline = false;
    this.deps.joins.cancelAll();
    await withDeadline(Promise.allSettled([...this.inFlight]), deadlineMs);
    // The rooms' echoes of what was sent confirm it (the relay keeps what stays unconfirmed).
    await withDeadline(this.deps.confirmations.idle(), Math.min(deadlineMs, ECHO_WAIT_AT_DISCONNECT_MS));
    const session = this.current;
    const goodbyes = options.goodbyes(session);
    if (session !== undefined && goodbyes.length > 0) {
      await withDeadline(Promise.all(goodbyes.map((el) => session.entity.send(el))).catch(() => undefined), deadlineMs);
    }
    await this.teardown(deadlineMs);
  }

  /** Closes the current connection (politely within `deadlineMs`, then by force). */
  private async teardown(deadlineMs: number): Promise<void> {
    const session = this.current;
    this.current = undefined;
    this.cancelConnect?.abort();
    this.cancelConnect = undefined;
    this.connectionGone();
    if (session === undefined) return;
    await stopEntity(session.entity, deadlineMs);
  }

  private onDisconnect(session: S, reason: string): void {
    if (session !== this.current) return;
    const wasOnline = this.isOnline;
    const fields = this.isClosing ? {} : this.deps.dropped?.(session, wasOnline) ?? {};
    this.connectionGone();
    if (this.isClosing || !wasOnline) return; // a failing open() rejects by itself
    this.deps.ctx.log.warn({ reason, ...fields }, this.deps.lostMessage);
    this.deps.ctx.connectionLost({ wasSuccessful: true, reason });
  }

  private connectionGone(): void {
    this.isOnline = false;
    this.deps.joins.cancelAll();
    this.deps.gone();
  }

  /** Sends in progress (not yet written to the stream). */
  get pending(): number {
    return this.inFlight.size;
  }

  /** Counts a send in progress (`pending`, and `close` waits for it). */
  track<T>(promise: Promise<T>): Promise<T> {
    this.inFlight.add(promise);
    const done = (): void => {
      this.inFlight.delete(promise);
    };
    promise.then(done, done);
    return promise;
  }
}

/** A disconnect reason as text. */
export function describeReason(reason: unknown): string {
  if (reason instanceof Error) return reason.message;
  if (reason === undefined || reason === null) return 'connection closed';
  return String(reason);
}

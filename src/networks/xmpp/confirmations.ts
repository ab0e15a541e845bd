/**
 * Confirmations of what we send to rooms: a room reflects every groupchat message to its sender
 * (XEP-0045), so the echo of our message, recognised by its id, shows that the server has it. A
 * message written to the socket is not yet delivered: if we crash or the connection drops, what
 * still sat in the socket buffers is gone. The relay removes a delivery from its persisted
 * queue only once the delivery is confirmed.
 */
import { SendRefusedError } from '../../core/network.js';

interface Waiting {
  readonly resolve: () => void;
  readonly reject: (error: Error) => void;
  readonly timer: NodeJS.Timeout;
}

const key = (room: string, id: string): string => `${room}\u0000${id}`;

export class Confirmations {
  private readonly waiting = new Map<string, Waiting>();
  private idleWaiters: Array<() => void> = [];

  /** @param timeoutMs - how long an echo may take before the confirmation fails (then uncertain). */
  constructor(private readonly timeoutMs: number) {}

  /** Messages still waiting for their echo. */
  get size(): number {
    return this.waiting.size;
  }

  /**
   * Settles when message `id` sent to `room` comes back from the room (resolves), the room
   * bounces it (SendRefusedError), or not in time / the connection is lost (Error). Never an
   * unhandled rejection: a caller may ignore the promise.
   */
  expect(room: string, id: string): Promise<void> {
    const k = key(room, id);
    this.settle(k, new Error(`message ${id} was sent again before its echo arrived`));
    const promise = new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => this.settle(k, new Error(`no echo of message ${id} from ${room} within ${this.timeoutMs} ms`)), this.timeoutMs);
      timer.unref();
      this.waiting.set(k, { resolve, reject, timer });
    });
    promise.catch(() => undefined);
    return promise;
  }

  /** Resolves once nothing waits for an echo any more. */
  idle(): Promise<void> {
    if (this.waiting.size === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /** The room reflected message `id`. */
  echoed(room: string, id: string): void {
    this.settle(key(room, id));
  }

  /** The room bounced message `id` with an error `condition`. */
  refused(room: string, id: string, condition: string): void {
    this.settle(key(room, id), new SendRefusedError(`${room} refused message ${id}: ${condition}`));
  }

  /** The connection is gone: no echo will arrive for anything still waiting. */
  dropAll(reason: string): void {
    for (const k of [...this.waiting.keys()]) this.settle(k, new Error(`connection lost before the echo arrived: ${reason}`));
  }

  private settle(k: string, error?: Error): void {
    const waiting = this.waiting.get(k);
    if (waiting === undefined) return;
    this.waiting.delete(k);
    clearTimeout(waiting.timer);
    if (error === undefined) waiting.resolve();
    else waiting.reject(error);
    if (this.waiting.size === 0) {
      const waiters = this.idleWaiters;
      this.idleWaiters = [];
      for (const resolve of waiters) resolve();
    }
  }
}

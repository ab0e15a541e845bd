/**
 * Registering and unregistering (the same operations behind XEP-0077 and the ad-hoc commands):
 * the legacy network validates the form by logging in, the account is stored with its
 * credentials sealed, a session starts and a welcome message is sent; unregistering stops the
 * session (also one still logging in) and removes the account with its credentials. One
 * registration per person at a time.
 *
 * Two-step registrations (slidge's TWO_FACTOR_CODE and QRCODE): `validate` may answer a second
 * step. A code step waits for the person's code (`submitCode`, at most MAX_CODE_ATTEMPTS wrong
 * ones); a QR step sends the QR code's text to the person and waits for the legacy network's
 * confirmation. Either waits at most `stepTimeoutMs`, and ends on `cancel`, on a new registration
 * and on unregister (the legacy network's `cancel` is called); until it ends it counts as a
 * registration under way.
 */
import type { AccountHooks } from '../core/account-hooks.js';
import type { Logger } from '../core/log.js';
import { isSecondStep, LegacyRefusal, type CodeStep, type LegacyNetwork, type QrStep, type Registration } from './api.js';
import type { Accounts } from './accounts.js';

/** What registering needs from the gateway. */
export interface RegistrationHost {
  readonly log: Logger;
  readonly legacy: LegacyNetwork;
  readonly accounts: Accounts;
  /** What the modules say (checkRegistrationForSpam, onUserRegistration, checkCanDeactivateUser, ...). */
  readonly hooks: AccountHooks;
  /** How long the legacy network may take to validate a registration. */
  readonly validateTimeoutMs: number;
  /** Most registrations checked at once (each opens a legacy connection). */
  readonly maxConcurrent: number;
  /** The domains whose people may register (empty: anyone's). */
  readonly allowedDomains: readonly string[];
  /**
   * A registration of `jid` is about to be checked: their current session (if any) logs out
   * first, so that the check can log in with the same nick. Resolves with what puts it back
   * when the check fails.
   */
  suspend(jid: string): Promise<() => Promise<void>>;
  /** Starts (or restarts) `jid`'s session and greets them when `welcome`. */
  registered(jid: string, welcome: boolean): Promise<void>;
  /** Stops `jid`'s session (logout) and tells their client the gateway is gone. */
  unregistered(jid: string): Promise<void>;
  /** How long a second step (a code, a QR code) may wait. */
  readonly stepTimeoutMs: number;
  /** Tells `jid` something about their registration (a chat message from the gateway). */
  tell(jid: string, text: string): void;
}

/** What registering came to: done, or a second step the person must take. */
export type RegistrationOutcome =
  | { readonly kind: 'done' }
  | { readonly kind: 'code'; readonly instructions: string }
  | { readonly kind: 'qr'; readonly instructions: string; readonly payload: string };

/** What a submitted code came to: registered, or wrong with tries left. */
export type CodeOutcome = { readonly kind: 'done' } | { readonly kind: 'retry'; readonly reason: string; readonly remaining: number };

/** Most wrong codes before a two-factor registration is abandoned. */
export const MAX_CODE_ATTEMPTS = 3;
/** The longest code taken (characters). */
const MAX_CODE_CHARS = 64;

/** A registration under way: validating, then (maybe) waiting for its second step. */
interface Pending {
  /** Aborted when the registration is abandoned (cancel, unregister, timeout). */
  readonly controller: AbortController;
  isNew: boolean;
  resume: () => Promise<void>;
  step: CodeStep | QrStep | undefined;
  timer: NodeJS.Timeout | undefined;
  wrongCodes: number;
  /** A code is being checked. */
  confirming: boolean;
  /** The person unregistered: nothing of theirs comes back. */
  dropped: boolean;
}

export class Registrations {
  readonly #pending = new Map<string, Pending>();

  constructor(private readonly host: RegistrationHost) {}

  /**
   * Registers `jid` with `values`, or changes their registration. Resolves with `done`, or with
   * the second step the legacy network asks for (only when `twoStep`: XEP-0077 has none, and is
   * refused with a pointer to the ad-hoc command). Rejects with a {@link LegacyRefusal} saying
   * why when the legacy network refuses. A second step still waiting is abandoned first.
   */
  async register(jid: string, values: Readonly<Record<string, string>>, options: { readonly twoStep: boolean } = { twoStep: true }): Promise<RegistrationOutcome> {
    const previous = this.#pending.get(jid);
    if (previous !== undefined && (previous.step === undefined || previous.confirming)) throw new LegacyRefusal('a registration for this account is already under way', 'conflict');
    const domain = jid.slice(jid.lastIndexOf('@') + 1);
    if (this.host.allowedDomains.length > 0 && !this.host.allowedDomains.includes(domain)) {
      throw new LegacyRefusal(`this gateway is for people of ${this.host.allowedDomains.join(', ')} only`, 'forbidden');
    }
    if (previous !== undefined) await this.#end(jid, previous, undefined);
    // Another registration of theirs may have started while the previous one ended.
    if (this.#pending.has(jid)) throw new LegacyRefusal('a registration for this account is already under way', 'conflict');
    if (this.#pending.size >= this.host.maxConcurrent) throw new LegacyRefusal('too many registrations under way; try again in a minute', 'remote-server-timeout');
    const pending: Pending = {
      controller: new AbortController(), isNew: false, resume: async () => undefined, step: undefined, timer: undefined, wrongCodes: 0, confirming: false, dropped: false,
    };
    this.#pending.set(jid, pending);
    const { signal } = pending.controller;
    const timer = setTimeout(() => pending.controller.abort(new LegacyRefusal('the network did not answer in time', 'remote-server-timeout')), this.host.validateTimeoutMs);
    let waiting = false;
    try {
      pending.isNew = !(await this.host.accounts.has(jid));
      if (pending.isNew) {
        const verdict = await this.host.hooks.checkRegistration(jid, undefined);
        if (!verdict.allowed) throw new LegacyRefusal(verdict.reason, 'forbidden');
      }
      const names = pending.isNew ? await this.#names(jid, values) : { values };
      if (signal.aborted) throw abortReason(signal); // unregistered (or timed out) meanwhile: the legacy network is not asked
      pending.resume = await this.host.suspend(jid);
      let validation;
      try {
        validation = await this.host.legacy.validate(jid, names.values, signal, names.displayName === undefined ? {} : { displayName: names.displayName });
        if (isSecondStep(validation) && (signal.aborted || !options.twoStep)) {
          validation.cancel();
          throw signal.aborted ? abortReason(signal) : new LegacyRefusal(`${this.host.legacy.settings.name} needs a second step (${validation.step === 'qr' ? 'a QR code' : 'a code'}): register with the ad-hoc command "Register" instead`, 'not-acceptable');
        }
        if (signal.aborted) throw abortReason(signal);
      } catch (error) {
        if (!pending.dropped) await pending.resume();
        if (error instanceof LegacyRefusal) throw error;
        this.host.log.warn({ user: jid, err: error }, 'gateway: registration failed with an internal error');
        throw new LegacyRefusal('the registration failed with an internal error', 'internal-server-error');
      }
      if (!isSecondStep(validation)) {
        this.#pending.delete(jid);
        await this.#store(jid, validation, pending.isNew);
        return { kind: 'done' };
      }
      waiting = true;
      return this.#awaitStep(jid, pending, validation);
    } finally {
      clearTimeout(timer);
      if (!waiting && this.#pending.get(jid) === pending) this.#pending.delete(jid);
    }
  }

  /** Which second step `jid`'s registration waits for, if any. */
  waitingStep(jid: string): 'code' | 'qr' | undefined {
    return this.#pending.get(jid)?.step?.step;
  }

  /**
   * `jid`'s code for their two-factor registration: `done` (registered), or `retry` after a wrong
   * code while tries are left. Rejects with a LegacyRefusal when nothing waits for a code, after
   * the last wrong code (the registration is abandoned), or when the network refuses otherwise.
   */
  async submitCode(jid: string, raw: string): Promise<CodeOutcome> {
    const pending = this.#pending.get(jid);
    const step = pending?.step;
    if (pending === undefined || step?.step !== 'code') throw new LegacyRefusal('no registration is waiting for a code; register first', 'item-not-found');
    if (pending.confirming) throw new LegacyRefusal('your previous code is still being checked', 'conflict');
    const code = raw.trim();
    if (code === '' || code.length > MAX_CODE_CHARS) throw new LegacyRefusal(`the code must be 1 to ${MAX_CODE_CHARS} characters`, 'bad-request');
    pending.confirming = true;
    let registration: Registration;
    try {
      registration = await untilAborted(step.confirm(code, pending.controller.signal), pending.controller.signal);
    } catch (error) {
      pending.confirming = false;
      if (this.#pending.get(jid) !== pending) throw new LegacyRefusal('the registration was cancelled', 'item-not-found');
      if (error instanceof LegacyRefusal && error.condition === 'not-authorized') {
        pending.wrongCodes += 1;
        const remaining = MAX_CODE_ATTEMPTS - pending.wrongCodes;
        if (remaining > 0) return { kind: 'retry', reason: error.message, remaining };
        await this.#end(jid, pending, undefined);
        throw new LegacyRefusal(`${error.message}; that was the last try: register again for a new code`, 'not-authorized');
      }
      await this.#end(jid, pending, undefined);
      if (error instanceof LegacyRefusal) throw error;
      this.host.log.warn({ user: jid, err: error }, 'gateway: checking a registration code failed with an internal error');
      throw new LegacyRefusal('the registration failed with an internal error', 'internal-server-error');
    }
    pending.confirming = false;
    if (this.#pending.get(jid) !== pending) throw new LegacyRefusal('the registration was cancelled', 'item-not-found');
    await this.#finish(jid, pending, registration);
    return { kind: 'done' };
  }

  /** Abandons `jid`'s registration under way (the legacy network is told); false when there is none. */
  async cancel(jid: string): Promise<boolean> {
    const pending = this.#pending.get(jid);
    if (pending === undefined) return false;
    if (pending.step === undefined) pending.controller.abort(new LegacyRefusal('the registration was cancelled', 'item-not-found'));
    else await this.#end(jid, pending, undefined);
    return true;
  }

  /** Starts waiting for `step` (bounded by stepTimeoutMs) and says what the person must do. */
  #awaitStep(jid: string, pending: Pending, step: CodeStep | QrStep): RegistrationOutcome {
    pending.step = step;
    pending.timer = setTimeout(() => {
      void this.#end(jid, pending, `Your registration with ${this.host.legacy.settings.name} timed out: ${step.step === 'qr' ? 'the QR code was not confirmed' : 'no valid code came'} in time. Register again to start over.`);
    }, this.host.stepTimeoutMs);
    this.host.log.info({ user: jid, step: step.step }, 'gateway: registration waits for its second step');
    const instructions = step.instructions.slice(0, 2000);
    if (step.step === 'code') {
      this.host.tell(jid, `${instructions}\n(In a chat with this gateway: "code <the code>", or "cancel".)`);
      return { kind: 'code', instructions };
    }
    const payload = step.payload.slice(0, 8000);
    this.host.tell(jid, `${instructions}\nThe QR code's text is in the next message. (In a chat with this gateway: "cancel" to stop.)`);
    this.host.tell(jid, payload);
    untilAborted(step.confirmed(pending.controller.signal), pending.controller.signal).then(
      (registration) => this.#finish(jid, pending, registration),
      (error: unknown) => {
        if (this.#pending.get(jid) !== pending) return;
        if (!(error instanceof LegacyRefusal)) this.host.log.warn({ user: jid, err: error }, 'gateway: waiting for a QR code confirmation failed');
        return this.#end(jid, pending, `Your registration failed: ${error instanceof LegacyRefusal ? error.message : 'an internal error'}. Register again to start over.`);
      },
    ).catch((error: unknown) => this.host.log.warn({ user: jid, err: error }, 'gateway: finishing a QR code registration failed'));
    return { kind: 'qr', instructions, payload };
  }

  /** The second step succeeded: store the registration. */
  async #finish(jid: string, pending: Pending, registration: Registration): Promise<void> {
    if (this.#pending.get(jid) !== pending) return;
    this.#pending.delete(jid);
    clearTimeout(pending.timer);
    try {
      await this.#store(jid, registration, pending.isNew);
    } catch (error) {
      this.host.log.warn({ user: jid, err: error }, 'gateway: storing a registration failed');
      this.host.tell(jid, 'Your registration could not be stored (an internal error). Register again.');
      if (!pending.dropped) await pending.resume();
      throw new LegacyRefusal('the registration failed with an internal error', 'internal-server-error');
    }
  }

  /** Abandons `pending` (the legacy network's cancel), puts the previous session back, and says `message`. */
  async #end(jid: string, pending: Pending, message: string | undefined): Promise<void> {
    if (this.#pending.get(jid) !== pending) return;
    this.#pending.delete(jid);
    clearTimeout(pending.timer);
    pending.controller.abort(new LegacyRefusal('the registration was cancelled', 'item-not-found'));
    try {
      pending.step?.cancel();
    } catch (error) {
      this.host.log.warn({ user: jid, err: error }, 'gateway: a legacy network\'s cancel threw');
    }
    this.host.log.info({ user: jid }, 'gateway: registration abandoned');
    if (message !== undefined) this.host.tell(jid, message);
    if (!pending.dropped) await pending.resume();
  }

  /** Stores a validated registration, tells the modules (a new one) and starts the session. */
  async #store(jid: string, registration: Registration, isNew: boolean): Promise<void> {
    await this.host.accounts.register(jid, registration);
    this.host.log.info({ user: jid, isNew }, 'gateway: registered');
    if (isNew) await this.host.hooks.registered(jid);
    await this.host.registered(jid, isNew);
  }

  /**
   * The modules' username and display name for a new registration (params: the non-secret
   * values and the JID); the username replaces the settings' `usernameField`.
   */
  async #names(jid: string, values: Readonly<Record<string, string>>): Promise<{ readonly values: Readonly<Record<string, string>>; readonly displayName?: string }> {
    const { settings } = this.host.legacy;
    const secret = new Set(settings.registrationFields.filter((f) => f.type === 'text-private').map((f) => f.var));
    const params = { ...Object.fromEntries(Object.entries(values).filter(([name]) => !secret.has(name))), jid };
    const names = await this.host.hooks.registrationNames(jid, params);
    const field = settings.usernameField;
    return {
      values: names.username === undefined || field === undefined ? values : { ...values, [field]: names.username },
      ...(names.displayName === undefined ? {} : { displayName: names.displayName }),
    };
  }

  /**
   * Unregisters `jid`: a registration under way is abandoned, their session ends and their
   * account and credentials are removed. False when there was nothing to drop.
   */
  async unregister(jid: string): Promise<boolean> {
    const pending = this.#pending.get(jid);
    if (pending !== undefined) {
      pending.dropped = true;
      await this.cancel(jid);
    }
    if (!(await this.host.accounts.has(jid))) return pending !== undefined;
    const verdict = await this.host.hooks.checkDeactivate(jid, false);
    if (!verdict.allowed) throw new LegacyRefusal(verdict.reason, 'forbidden');
    await this.host.unregistered(jid);
    const removed = await this.host.accounts.remove(jid);
    if (removed) {
      this.host.log.info({ user: jid }, 'gateway: unregistered; credentials removed');
      await this.host.hooks.deactivated(jid, false);
    }
    return removed;
  }
}

/** The abort reason of `signal` as a refusal. */
function abortReason(signal: AbortSignal): LegacyRefusal {
  return signal.reason instanceof LegacyRefusal ? signal.reason : new LegacyRefusal('the registration was cancelled', 'item-not-found');
}

/** `promise`, or a rejection with the abort reason once `signal` aborts (a legacy network that ignores it cannot hold the wait). */
function untilAborted<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(abortReason(signal));
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(abortReason(signal));
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}

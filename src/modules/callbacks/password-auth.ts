/**
 * Password auth provider callbacks: login checkers by login type, 3PID login, logout, and
 * the username and display name of new accounts.
 */
import type { Logger } from '../../core/log.js';
import type { Disposer } from '../../core/disposer.js';
import { CallbackList } from './callback-list.js';
import { CallbackRegistrationError, CategoryRegistry } from './category-registry.js';
import { firstDecides, firstUser, runAll, type CallbackSite, type Decision } from './combine.js';
import { readBoolean } from './spam-checker.js';
import type { AuthChecker, AuthSuccess, CallbackName, PasswordAuthProviderCallbacks } from './types.js';
import { describeValue } from './values.js';

/** The outcome of a login attempt. */
export type AuthResult =
  | { readonly ok: true; readonly module: string; readonly success: AuthSuccess }
  | { readonly ok: false; readonly reason: 'unknown-login-type' | 'missing-fields' | 'denied' | 'failed'; readonly detail?: string };

interface LoginType {
  readonly fields: readonly string[];
  /** The module that registered the login type first (for conflict messages). */
  readonly module: string;
  readonly checkers: CallbackList<AuthChecker>;
}

type AuthName = CallbackName<'passwordAuthProvider'>;

export class PasswordAuthProviders {
  readonly registry = new CategoryRegistry('passwordAuthProvider', 'registerPasswordAuthProviderCallbacks', new Set(['authCheckers']));
  private readonly loginTypes = new Map<string, LoginType>();

  constructor(private readonly log: Logger) {}

  /**
   * Registers callbacks. Two modules registering one login type with different fields is
   * refused (the hub does not start); the same fields add a checker after the earlier ones.
   */
  register(module: string, order: number, callbacks: PasswordAuthProviderCallbacks): Disposer {
    const checkers = callbacks?.authCheckers ?? [];
    if (!Array.isArray(checkers)) throw new CallbackRegistrationError(`module ${module}: authCheckers must be an array of { loginType, fields, check }`);
    for (const entry of checkers as unknown[]) checkEntry(module, entry);
    for (const entry of checkers) {
      const known = this.loginTypes.get(entry.loginType);
      if (known && !sameFields(known.fields, entry.fields)) {
        throw new CallbackRegistrationError(
          `module ${module}: auth checker for login type "${entry.loginType}" expects fields [${entry.fields.join(', ')}], ` +
            `but module ${known.module} registered it with [${known.fields.join(', ')}]; Switchboard refuses to start with both`,
        );
      }
    }
    const disposers = checkers.map((entry) => {
      let type = this.loginTypes.get(entry.loginType);
      if (!type) {
        type = { fields: [...entry.fields], module, checkers: new CallbackList() };
        this.loginTypes.set(entry.loginType, type);
      }
      return type.checkers.add(module, order, entry.check);
    });
    disposers.push(this.registry.register(module, order, callbacks));
    return () => disposers.forEach((dispose) => dispose());
  }

  /** Login type → the fields its login dict must carry. */
  supportedLoginTypes(): ReadonlyMap<string, readonly string[]> {
    return new Map([...this.loginTypes].filter(([, t]) => t.checkers.size > 0).map(([name, t]) => [name, t.fields]));
  }

  /** Runs the checkers of `loginType` in module order until one returns a user; a throw denies (fail closed). */
  async checkAuth(user: string, loginType: string, loginDict: Readonly<Record<string, unknown>>): Promise<AuthResult> {
    const type = this.loginTypes.get(loginType);
    if (!type || type.checkers.size === 0) return { ok: false, reason: 'unknown-login-type' };
    const missing = type.fields.filter((field) => !(field in loginDict));
    if (missing.length > 0) return { ok: false, reason: 'missing-fields', detail: missing.join(', ') };
    const decision = await firstUser(this.site('authCheckers'), type.checkers.entries, (check) => check(user, loginType, loginDict), readAuthSuccess);
    return toAuthResult(decision);
  }

  /** Login with a third-party identifier: first module returning a user decides; none → denied. */
  async check3pidAuth(medium: string, address: string, password: string): Promise<AuthResult> {
    const decision = await firstDecides(this.site('check3pidAuth'), this.registry.list('check3pidAuth').entries, (fn) => fn(medium, address, password), readAuthSuccess, null);
    return toAuthResult(decision);
  }

  onLoggedOut(userId: string, deviceId: string | undefined, accessToken: string): Promise<void> {
    return runAll(this.site('onLoggedOut'), this.registry.list('onLoggedOut').entries, (fn) => fn(userId, deviceId, accessToken));
  }

  /** The username to force for a new account, or undefined (use the one the user asked for). Throws CallbackFailedError. */
  getUsernameForRegistration(uiaResults: Readonly<Record<string, unknown>>, params: Readonly<Record<string, unknown>>): Promise<string | undefined> {
    return this.firstString('getUsernameForRegistration', (fn) => fn(uiaResults, params));
  }

  /** The display name to set for a new account, or undefined (use the username). Throws CallbackFailedError. */
  getDisplaynameForRegistration(uiaResults: Readonly<Record<string, unknown>>, params: Readonly<Record<string, unknown>>): Promise<string | undefined> {
    return this.firstString('getDisplaynameForRegistration', (fn) => fn(uiaResults, params));
  }

  async is3pidAllowed(medium: string, address: string, registration: boolean): Promise<boolean> {
    const decision = await firstDecides(this.site('is3pidAllowed'), this.registry.list('is3pidAllowed').entries, (fn) => fn(medium, address, registration), readBoolean, false);
    return decision.decided ? decision.value : true;
  }

  private async firstString<N extends 'getUsernameForRegistration' | 'getDisplaynameForRegistration'>(
    name: N,
    call: (fn: NonNullable<PasswordAuthProviderCallbacks[N]>) => unknown,
  ): Promise<string | undefined> {
    const decision = await firstDecides(this.site(name), this.registry.list(name).entries, call, readOptionalString, undefined);
    return decision.decided ? decision.value : undefined;
  }

  private site(name: AuthName): CallbackSite {
    return { category: 'passwordAuthProvider', name, log: this.log };
  }
}

function checkEntry(module: string, entry: unknown): asserts entry is { loginType: string; fields: string[]; check: AuthChecker } {
  const e = entry as { loginType?: unknown; fields?: unknown; check?: unknown } | null;
  const ok = typeof e === 'object' && e !== null && typeof e.loginType === 'string' && e.loginType !== ''
    && Array.isArray(e.fields) && e.fields.every((f) => typeof f === 'string') && typeof e.check === 'function';
  if (!ok) throw new CallbackRegistrationError(`module ${module}: each authCheckers entry must be { loginType: string, fields: string[], check: function }`);
}

/** Field lists are compared as sets: their order in the registration does not matter. */
function sameFields(a: readonly string[], b: readonly string[]): boolean {
  const left = [...new Set(a)].sort();
  const right = [...new Set(b)].sort();
  return left.length === right.length && left.every((field, i) => field === right[i]);
}

function readAuthSuccess(answer: unknown): AuthSuccess | null {
  if (answer === null || answer === undefined) return null;
  const success = answer as Partial<AuthSuccess>;
  if (typeof success === 'object' && typeof success.userId === 'string' && success.userId !== ''
    && (success.onLoggedIn === undefined || typeof success.onLoggedIn === 'function')) {
    return answer as AuthSuccess;
  }
  throw new TypeError(`expected { userId, onLoggedIn? } or null, got ${describeValue(answer)}`);
}

function readOptionalString(answer: unknown): string | undefined {
  if (answer === null || answer === undefined) return undefined;
  if (typeof answer === 'string') return answer;
  throw new TypeError(`expected a string or null, got ${describeValue(answer)}`);
}

function toAuthResult(decision: Decision<AuthSuccess | null>): AuthResult {
  if (!decision.decided) return { ok: false, reason: 'denied' };
  if (decision.value === null) return { ok: false, reason: 'failed', detail: `module ${decision.module} failed` };
  return { ok: true, module: decision.module, success: decision.value };
}

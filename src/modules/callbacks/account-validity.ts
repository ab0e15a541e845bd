/**
 * Account validity callbacks: whether an account has expired, and notifications of
 * registrations and logins.
 */
import type { Logger } from '../../core/log.js';
import { CategoryRegistry } from './category-registry.js';
import { firstDecides, runAll } from './combine.js';
import { describeValue } from './values.js';

export class AccountValidity {
  readonly registry = new CategoryRegistry('accountValidity', 'registerAccountValidityCallbacks');

  constructor(private readonly log: Logger) {}

  /**
   * true: expired, refuse the request; false: valid; undefined: no module knows. The first
   * module that does not answer null decides; a module that throws makes it true (fail closed).
   */
  async isUserExpired(userId: string): Promise<boolean | undefined> {
    const decision = await firstDecides(
      { category: 'accountValidity', name: 'isUserExpired', log: this.log },
      this.registry.list('isUserExpired').entries,
      (fn) => fn(userId),
      readOptionalBoolean,
      true,
    );
    return decision.decided ? decision.value : undefined;
  }

  onUserRegistration(userId: string): Promise<void> {
    return runAll({ category: 'accountValidity', name: 'onUserRegistration', log: this.log }, this.registry.list('onUserRegistration').entries, (fn) => fn(userId));
  }

  onUserLogin(userId: string, authProviderType: string, authProviderId: string | undefined): Promise<void> {
    return runAll({ category: 'accountValidity', name: 'onUserLogin', log: this.log }, this.registry.list('onUserLogin').entries, (fn) =>
      fn(userId, authProviderType, authProviderId),
    );
  }
}

function readOptionalBoolean(answer: unknown): boolean | undefined {
  if (answer === null || answer === undefined) return undefined;
  if (typeof answer === 'boolean') return answer;
  throw new TypeError(`expected a boolean or null, got ${describeValue(answer)}`);
}

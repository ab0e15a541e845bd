/**
 * The dispatcher's check stage, built from module callbacks, in this order:
 * shouldDropFederatedEvent, then checkEventForSpam (all spam checks), then checkEventAllowed
 * (all third-party rules, which may replace the event). Events the hub makes about its own
 * connections (DISCONNECT) are not checked: they are facts, not content.
 */
import type { CheckOutcome, EventCheck } from '../../core/dispatcher.js';
import type { AnyEvent } from '../../core/event.js';
import type { SpamChecker } from './spam-checker.js';
import type { ThirdPartyRules } from './third-party-rules.js';

/** Commands the checks never see. */
const UNCHECKED: ReadonlySet<string> = new Set(['DISCONNECT']);

const ALLOW: CheckOutcome = { action: 'allow' };

/**
 * Which check categories have callbacks, as a bit mask: the checks `buildEventChecks` builds
 * depend on nothing else (each check reads its callbacks when it runs), so they can be kept
 * until the mask changes.
 */
export function eventCheckShape(spam: SpamChecker, rules: ThirdPartyRules): number {
  return (spam.registry.list('shouldDropFederatedEvent').size > 0 ? 1 : 0)
    | (spam.registry.list('checkEventForSpam').size > 0 ? 2 : 0)
    | (rules.registry.list('checkEventAllowed').size > 0 ? 4 : 0);
}

/** One check stage: who runs it, and how an event it sees is decided (DISCONNECT is never seen). */
function stage(module: string, name: string, decide: (event: AnyEvent) => Promise<CheckOutcome>): EventCheck {
  return { module, name, check: (event: AnyEvent) => (UNCHECKED.has(event.command) ? Promise.resolve(ALLOW) : decide(event)) };
}

/** The checks to run now (only the categories some module registered, so an idle hub pays nothing). */
export function buildEventChecks(spam: SpamChecker, rules: ThirdPartyRules): EventCheck[] {
  const checks: EventCheck[] = [];
  if (spam.registry.list('shouldDropFederatedEvent').size > 0) {
    checks.push(stage('spam checker', 'shouldDropFederatedEvent', async (event) => {
      const result = await spam.shouldDropFederatedEvent(event);
      return result.drop ? { action: 'reject', reason: `dropped by module ${result.module}` } : ALLOW;
    }));
  }
  if (spam.registry.list('checkEventForSpam').size > 0) {
    checks.push(stage('spam checker', 'checkEventForSpam', async (event) => {
      const decision = await spam.checkEventForSpam(event);
      if (decision.allowed) return ALLOW;
      const message = decision.message === undefined ? '' : ` (${decision.message})`;
      return { action: 'reject', reason: `module ${decision.module}: ${decision.code}${message}` };
    }));
  }
  if (rules.registry.list('checkEventAllowed').size > 0) {
    checks.push(stage('third-party rules', 'checkEventAllowed', async (event) => {
      const decision = await rules.checkEventAllowed(event);
      if (!decision.allowed) return { action: 'reject', reason: `module ${decision.module}: ${decision.reason}` };
      return decision.event === event ? ALLOW : { action: 'allow', event: decision.event };
    }));
  }
  return checks;
}

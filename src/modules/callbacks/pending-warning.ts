/**
 * The warning a module gets when it registers a callback that no running hub calls yet
 * (its entry in the rules table has `pending`): once per module and callback.
 */
import type { Logger } from '../../core/log.js';
import { CALLBACK_RULES, type CallbackRule } from './rules.js';
import type { Category } from './types.js';

export class PendingCallbackWarnings {
  private readonly warned = new Set<string>();

  /** @param log the module's logger (its lines carry the module's name) */
  constructor(private readonly log: Logger) {}

  /** Warns about each callback of `callbacks` that is not called yet and was not warned about before. */
  check(category: Category, callbacks: object): void {
    const rules = CALLBACK_RULES[category] as Readonly<Record<string, CallbackRule | undefined>>;
    for (const [name, value] of Object.entries(callbacks)) {
      const rule = rules[name];
      const callback = `${category}.${name}`;
      if (value === undefined || rule?.pending === undefined || this.warned.has(callback)) continue;
      this.warned.add(callback);
      this.log.warn(
        { callback, calledBy: rule.calledBy, notCalledBecause: rule.pending },
        `${callback} is registered, but Switchboard does not call it yet (docs/modules.md)`,
      );
    }
  }
}

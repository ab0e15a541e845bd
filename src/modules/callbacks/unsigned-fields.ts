/**
 * Extra fields for events served to HTTP / web clients (addFieldToUnsigned).
 */
import type { Logger } from '../../core/log.js';
import type { AnyEvent } from '../../core/event.js';
import { CategoryRegistry } from './category-registry.js';
import { lastWinsPerField } from './combine.js';

export class UnsignedFields {
  readonly registry = new CategoryRegistry('addExtraFieldsToUnsignedClientEvent', 'registerAddExtraFieldsToUnsignedClientEventCallbacks');
  private readonly warned = new Set<string>();

  constructor(private readonly log: Logger) {}

  /**
   * The extra fields for `event`: every module's fields, the last-registered module winning
   * per field; fields in `coreFields` (set by Switchboard itself) are never overridden.
   */
  addFieldsToUnsigned(event: AnyEvent, coreFields: Iterable<string>): Promise<Record<string, unknown>> {
    return lastWinsPerField(
      { category: 'addExtraFieldsToUnsignedClientEvent', name: 'addFieldToUnsigned', log: this.log },
      this.registry.list('addFieldToUnsigned').entries,
      (fn) => fn(event),
      new Set(coreFields),
      this.warned,
    );
  }
}

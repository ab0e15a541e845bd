import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { allCallbacks } from '../../src/modules/callbacks/rules.js';
import { withGeneratedCallbackTable } from '../../src/modules/callbacks/rules-docs.js';
import { ModuleCallbacks } from '../../src/modules/callbacks/index.js';
import { ListenerRegistry } from '../../src/core/listeners.js';
import { silentLogger } from '../../src/core/log.js';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const docs = readFileSync(`${root}docs/modules.md`, 'utf8');

describe('docs/modules.md and the rules table', () => {
  it('carries the callback table exactly as generated from rules.ts', () => {
    assert.equal(docs, withGeneratedCallbackTable(docs), 'regenerate it: npm run build && node scripts/gen-callback-docs.mjs');
  });

  it('refuses a document without the markers', () => {
    assert.throws(() => withGeneratedCallbackTable('# no table here'), /lacks the markers/);
  });

  it('names every callback of the table, each with a "called by"', () => {
    for (const [category, name, rule] of allCallbacks()) {
      assert.equal(docs.includes(`\`${name}\``), true, `${category}.${name} is missing from docs/modules.md`);
      assert.notEqual(rule.calledBy, '', `${category}.${name} has no call site`);
    }
  });

  it('every callback of the table has a registry list, and every registry list is in the table', () => {
    const callbacks = new ModuleCallbacks({ log: silentLogger(), listeners: new ListenerRegistry(), bridges: () => [] });
    const registries = {
      spamChecker: callbacks.spamChecker.registry,
      thirdPartyRules: callbacks.thirdPartyRules.registry,
      presenceRouter: callbacks.presenceRouter.registry,
      passwordAuthProvider: callbacks.passwordAuth.registry,
      accountValidity: callbacks.accountValidity.registry,
      accountData: callbacks.accountData.registry,
      backgroundUpdateController: callbacks.backgroundUpdates.registry,
      addExtraFieldsToUnsignedClientEvent: callbacks.unsignedFields.registry,
      relay: callbacks.relay.registry,
    };
    for (const [category, name] of allCallbacks()) {
      assert.notEqual((registries[category] as { list(n: string): unknown }).list(name), undefined, `${category}.${name}`);
    }
  });

  it('shows the example module file verbatim', () => {
    const example = readFileSync(`${root}examples/modules/list-spam-checker.mjs`, 'utf8').trimEnd();
    assert.equal(docs.includes(example), true, 'docs/modules.md must contain examples/modules/list-spam-checker.mjs as-is');
  });
});

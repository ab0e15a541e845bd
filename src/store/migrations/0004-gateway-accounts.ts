/**
 * The people registered with a gateway (docs/gateway.md): one row per (gateway namespace, bare
 * JID) with the legacy network's per-user data, the sealed credentials and the preferences.
 */
import type { Migration } from './migration.js';

export const gatewayAccounts: Migration = {
  version: 4,
  name: 'gateway-accounts',
  async up({ db, types }) {
    await db.schema
      .createTable('gateway_accounts')
      .addColumn('namespace', types.orderedText, (c) => c.notNull())
      .addColumn('jid', types.orderedText, (c) => c.notNull())
      .addColumn('data', types.text, (c) => c.notNull())
      .addColumn('sealed_secret', types.text, (c) => c.notNull())
      .addColumn('preferences', types.text, (c) => c.notNull())
      .addColumn('registered_at', types.bigint, (c) => c.notNull())
      .addColumn('updated_at', types.bigint, (c) => c.notNull())
      .addPrimaryKeyConstraint('gateway_accounts_pkey', ['namespace', 'jid'])
      .execute();
  },
};

/**
 * Registered gateway users for the gateway benchmark, written the way a real registration writes
 * them: through the store's API (`gatewayAccounts` of the network, as the hub opens it) and the
 * gateway's {@link Accounts}, so each IRC password is sealed with the operator's key (AES-256-GCM,
 * bound to the JID) and opened again at login. What is skipped is only the registration's check
 * (an IRC connection per person before storing, and the XMPP form).
 */
import { silentLogger } from '../../src/core/log.js';
import { Accounts } from '../../src/gateway/accounts.js';
import { openStore } from '../../src/store/open.js';
import { SecretBox } from '../../src/store/secret-box.js';

/** One person to register: their bare JID and IRC nick. */
export interface SeededUser {
  readonly jid: string;
  readonly nick: string;
}

/**
 * Stores `users` in the SQLite database at `path` for the gateway network `network`, each with
 * `password` as their IRC server password (`PASS`), sealed with `key` (the same 32 bytes the hub
 * gets through `secretKey`).
 */
export async function seedGatewayUsers(path: string, network: string, key: Uint8Array, users: readonly SeededUser[], password: string): Promise<void> {
  const store = await openStore({ kind: 'sqlite', path }, silentLogger());
  try {
    const accounts = new Accounts(store.gatewayAccounts(`network:${network}`), new SecretBox(key));
    for (const user of users) {
      await accounts.register(user.jid, { data: { nick: user.nick, auth: 'server-password' }, secret: password });
    }
  } finally {
    await store.close();
  }
}

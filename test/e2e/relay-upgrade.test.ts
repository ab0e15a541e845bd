/**
 * Upgrading a hub whose relay still had deliveries queued the old way (rows of the key-value
 * table, schema before migration 0003), end to end: the real hub opens the database, the
 * migration moves the jobs into the queue table, and an independent XMPP client in the room
 * receives every one of them, in order, followed by a message said after the upgrade.
 */
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { silentLogger } from '../../src/core/log.js';
import type { MessageJob } from '../../src/features/relay/jobs.js';
import { migrations } from '../../src/store/migrations/index.js';
import { openStore } from '../../src/store/open.js';
import type { RawIrcClient, TestXmppClient } from '../support/clients.js';
import { bodyOf, fromBot, startBridge, WAIT_MS, IRC_CHANNEL, type BridgeSetup } from './relay-setup.js';

const QUEUED = 30;

/** A job for the XMPP room as the relay queued it before migration 0003. */
function oldJob(room: string, n: number): MessageJob {
  const source = { network: 'irc', channel: IRC_CHANNEL, messageId: `before-upgrade-${n}` };
  return {
    op: 'message', bridge: 'lobby', target: { network: 'jabber', id: room }, source,
    message: {
      id: source.messageId, channel: { network: 'irc', id: IRC_CHANNEL }, author: { network: 'irc', id: 'alice', nick: 'alice' },
      kind: 'message', body: [{ type: 'text', text: `queued before the upgrade ${n}` }], attachments: [], ts: Date.now(),
    },
  };
}

describe('relay upgrade: jobs queued in the key-value table', { timeout: 120_000 }, () => {
  let setup: BridgeSetup;
  let alice: RawIrcClient;
  let bob: TestXmppClient;

  before(async () => {
    setup = await startBridge();
    const storage = setup.config().storage;
    const old = await openStore(storage, silentLogger(), { migrations: migrations.filter((m) => m.version < 3) });
    try {
      // The key the relay wrote each job under: queue/<network>/<channel, lower case>/<16-digit seq>.
      const prefix = `queue/jabber/${encodeURIComponent(setup.room.toLowerCase())}/`;
      for (let n = 0; n < QUEUED; n++) await old.kv('module:relay').set(`${prefix}${String(n + 1).padStart(16, '0')}`, oldJob(setup.room, n));
    } finally {
      await old.close();
    }
    bob = await setup.xmppUser('bob', 'bob');
    alice = await setup.ircUser('alice');
  });
  after(() => setup?.stop());

  it(`delivers the ${QUEUED} jobs queued before the upgrade in order, then new messages after them`, async () => {
    await setup.startHub();
    for (let n = 0; n < QUEUED; n++) {
      const stanza = await bob.waitForStanza(fromBot(setup.room, (b) => b.includes('queued before the upgrade')), WAIT_MS);
      assert.equal(bodyOf(stanza), `<alice@irc> queued before the upgrade ${n}`);
    }
    alice.send(`PRIVMSG ${IRC_CHANNEL} :said after the upgrade`);
    const stanza = await bob.waitForStanza(fromBot(setup.room, (b) => b.includes('after the upgrade')), WAIT_MS);
    assert.equal(bodyOf(stanza), '<alice@irc> said after the upgrade');
    assert.equal(setup.hub.health().networks.jabber?.state, 'connected');
  });
});

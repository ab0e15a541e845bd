/**
 * The registration check's IRC connection handed to the session that follows: taken once, only
 * with the same login and while still up, quit when nobody takes it in time or on close.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Client } from 'irc-framework';
import { CheckedConnections } from '../../src/gateway/irc/handoff.js';
import type { IrcLogin } from '../../src/gateway/irc/connect.js';
import { waitFor } from '../support/wait.js';

const LOGIN: IrcLogin = { nick: 'alice', auth: 'sasl', password: 'pw' };

function fakeClient(connected = true): Client & { quits: string[] } {
  const quits: string[] = [];
  return { connected, quits, quit: (reason: string) => quits.push(reason), connection: { end: () => undefined } } as unknown as Client & { quits: string[] };
}

describe('checked IRC connections', () => {
  it('the same login takes the kept connection, once', () => {
    const checked = new CheckedConnections();
    const client = fakeClient();
    checked.keep('alice@x', LOGIN, client);
    assert.equal(checked.take('bob@x', LOGIN), undefined);
    assert.equal(checked.take('alice@x', { ...LOGIN }), client);
    assert.equal(checked.take('alice@x', LOGIN), undefined);
    assert.deepEqual(client.quits, []);
  });

  it('another nick, password or real name, or a connection already gone, is not taken (and is quit)', () => {
    const checked = new CheckedConnections();
    for (const login of [{ ...LOGIN, nick: 'alice2' }, { ...LOGIN, password: 'other' }, { ...LOGIN, realname: 'Alice' }]) {
      const client = fakeClient();
      checked.keep('alice@x', LOGIN, client);
      assert.equal(checked.take('alice@x', login), undefined);
      assert.deepEqual(client.quits, ['registration checked']);
    }
    const gone = fakeClient(false);
    checked.keep('alice@x', LOGIN, gone);
    assert.equal(checked.take('alice@x', LOGIN), undefined);
    assert.equal(checked.size, 0);
  });

  it('a second check quits the first; nobody taking it in time, or close, quits it', async () => {
    const checked = new CheckedConnections(20);
    const first = fakeClient();
    const second = fakeClient();
    checked.keep('alice@x', LOGIN, first);
    checked.keep('alice@x', LOGIN, second);
    assert.deepEqual(first.quits, ['registration checked again']);
    await waitFor(() => (second.quits.length === 1 ? true : undefined), { timeoutMs: 2000, what: 'the unclaimed connection to be quit' });
    assert.equal(checked.size, 0);
    const third = fakeClient();
    const closing = new CheckedConnections();
    closing.keep('bob@x', LOGIN, third);
    closing.close();
    assert.deepEqual(third.quits, ['gateway stopping']);
  });
});

/**
 * The IRC session's own nick (irc/session.ts) against a recorded IRC server: a NICK of the
 * person's made by the server is reported as a profile change (onProfileUpdate's source, with
 * the new "Connected as" status), as is one they asked for with setName (resolved on the
 * server's NICK); the server's refusal (433) rejects in its words; an invalid nick, a rename
 * under way and a server that does not answer are refused; other people's NICKs are not theirs.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { LegacyProfile, LegacyRefusal, SessionEvents } from '../../src/gateway/api.js';
import { ircLegacyConfigSchema } from '../../src/gateway/irc/config.js';
import { IrcSession } from '../../src/gateway/irc/session.js';
import { RecordedIrcServer } from '../support/recorded-irc-server.js';
import { waitFor } from '../support/wait.js';

describe('gateway IRC session: own nick', () => {
  it('reports the server\'s and the person\'s renames, and the server\'s refusal', async (t) => {
    const server = new RecordedIrcServer({ caps: [], isupport: ['CASEMAPPING=rfc1459', 'MONITOR=100'] });
    const port = await server.start();
    t.after(() => server.stop());
    const profiles: Array<{ profile: LegacyProfile; status: string | undefined }> = [];
    const events: SessionEvents = {
      text: () => undefined, friendRequest: () => undefined, chatState: () => undefined, presence: () => undefined, lost: () => undefined,
      profile: (profile, status) => void profiles.push({ profile, status }), room: () => undefined,
    };
    const config = ircLegacyConfigSchema.parse({ protocol: 'irc', host: '127.0.0.1', port, tls: false, pingIntervalSec: 0 });
    const session = new IrcSession(config, { nick: 'alice', auth: 'none', password: undefined }, events);
    t.after(() => session.logout('done'));
    assert.equal(await session.login(AbortSignal.timeout(5000)), 'Connected as alice');
    const sent = (line: string) => waitFor(() => (server.received.includes(line) ? true : undefined), { timeoutMs: 5000, what: `the server got ${line}` });

    // The server renames her (services, a collision): reported.
    server.send(':alice!~u@127.0.0.1 NICK :Alice_');
    await waitFor(() => profiles[0], { timeoutMs: 5000, what: 'the profile change' });
    assert.deepEqual(profiles, [{ profile: { displayName: 'Alice_' }, status: 'Connected as Alice_' }]);
    // Someone else's rename is not hers.
    server.send(':carol!~u@127.0.0.1 NICK :dave');

    // She renames herself: resolved on the server's NICK (matched in any case).
    const renamed = session.setName('bob', AbortSignal.timeout(5000));
    await sent('NICK bob');
    await assert.rejects(session.setName('other', AbortSignal.timeout(5000)), (e: LegacyRefusal) => e.condition === 'conflict');
    server.send(':ALICE_!~u@127.0.0.1 NICK :bob');
    await renamed;
    assert.deepEqual(profiles.map((p) => p.profile.displayName), ['Alice_', 'bob']);

    // Refused by the server, in its words; invalid nicks before asking it; no answer in time.
    const taken = session.setName('carol', AbortSignal.timeout(5000));
    await sent('NICK carol');
    server.send(':ergo.test 433 bob carol :Nickname is already in use');
    await assert.rejects(taken, (e: LegacyRefusal) => e.condition === 'conflict' && e.message === 'the IRC server refused the nick: Nickname is already in use');
    await assert.rejects(session.setName('no spaces', AbortSignal.timeout(5000)), (e: LegacyRefusal) => e.condition === 'bad-request');
    await assert.rejects(session.setName('slow', AbortSignal.timeout(50)), (e: LegacyRefusal) => e.condition === 'remote-server-timeout');
    assert.equal(profiles.length, 2);
  });
});

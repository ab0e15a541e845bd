/**
 * Registration with NickServ IDENTIFY (issue 17: "authenticate with SASL or NickServ, and refuse
 * with the server's reason") on ngIRCd, with a test IRC client playing NickServ the way Atheme
 * answers: a wrong password is refused in NickServ's words, the right one registers, and a
 * network without NickServ says so.
 */
import { it } from 'node:test';
import assert from 'node:assert/strict';
import { LegacyRefusal } from '../../src/gateway/api.js';
import { ircLegacyConfigSchema } from '../../src/gateway/irc/config.js';
import { IrcLegacyNetwork } from '../../src/gateway/irc/legacy.js';
import { connectRawIrc } from '../support/clients.js';
import { startNgircd } from '../support/servers.js';

const WAIT_MS = 15_000;
const PASSWORD = 'hunter2-correct';

it('NickServ IDENTIFY: a wrong password is refused in NickServ\'s words, the right one registers, no NickServ is said', async (t) => {
  const irc = await startNgircd();
  t.after(() => irc.stop());
  const legacy = new IrcLegacyNetwork(ircLegacyConfigSchema.parse({ protocol: 'irc', host: irc.host, port: irc.port, tls: false, connectTimeoutMs: 10_000 }), 'gw');
  t.after(() => legacy.close());
  const validate = (nick: string, password: string) => legacy.validate(`${nick}@example.org`, { nick, password, auth: 'nickserv' }, new AbortController().signal);
  const nickserv = await connectRawIrc({ host: irc.host, port: irc.port, nick: 'NickServ' });
  t.after(() => nickserv.close());
  /** Answers the next IDENTIFY as Atheme would. */
  const answer = async (): Promise<void> => {
    const line = await nickserv.waitForLine(/ PRIVMSG NickServ :IDENTIFY /, WAIT_MS);
    const from = /^:([^!\s]+)!/.exec(line)?.[1] ?? '';
    nickserv.send(`NOTICE ${from} :-- services notice --`);
    nickserv.send(line.endsWith(` :IDENTIFY ${PASSWORD}`) ? `NOTICE ${from} :You are now identified for \x02${from}\x02.` : `NOTICE ${from} :Invalid password for \x02${from}\x02.`);
  };

  const [wrong] = await Promise.all([validate('alice', 'not-it').then(() => undefined, (error: unknown) => error), answer()]);
  assert.ok(wrong instanceof LegacyRefusal, String(wrong));
  assert.equal(wrong.condition, 'not-authorized');
  assert.equal(wrong.message, 'NickServ refused the login: "Invalid password for alice."');

  const [registration] = await Promise.all([validate('alice', PASSWORD), answer()]);
  assert.deepEqual('data' in registration ? [registration.data, registration.secret] : undefined, [{ nick: 'alice', auth: 'nickserv' }, PASSWORD]);

  await nickserv.close();
  await assert.rejects(validate('bob', PASSWORD), (error: Error) => {
    assert.ok(error instanceof LegacyRefusal);
    assert.equal(error.message, 'this IRC network has no NickServ: choose SASL or the server password');
    return true;
  });
});

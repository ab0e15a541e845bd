/**
 * The README's first command: `npm run demo` (scripts/demo.mjs) starts ngIRCd, Prosody and
 * Switchboard with a bridge, and what an IRC user says reaches the XMPP room and back.
 */
import { it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { connectRawIrc, connectXmppClient } from '../support/clients.js';
import { waitFor, withTimeout } from '../support/wait.js';

const DEMO = fileURLToPath(new URL('../../../scripts/demo.mjs', import.meta.url));

it('npm run demo bridges #lobby and lobby@conference.localhost, and Ctrl-C stops everything', async (t) => {
  const demo = spawn(process.execPath, [DEMO], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  demo.stdout.on('data', (chunk: Buffer) => (out += chunk.toString('utf8')));
  demo.stderr.on('data', (chunk: Buffer) => (out += chunk.toString('utf8')));
  const exited = new Promise<number | null>((resolve) => demo.on('exit', (code) => resolve(code)));
  t.after(() => {
    if (demo.exitCode === null) demo.kill('SIGKILL');
  });

  const banner = await waitFor(() => /port (\d+), then \/join #lobby[\s\S]*at 127\.0\.0\.1:(\d+),/.exec(out) ?? undefined, {
    timeoutMs: 60_000,
    what: `the demo banner (output so far: ${out.slice(-1500)})`,
  });
  const [ircPort, xmppPort] = [Number(banner[1]), Number(banner[2])];

  const irc = await connectRawIrc({ host: '127.0.0.1', port: ircPort, nick: 'carol' });
  t.after(() => irc.close());
  irc.send('JOIN #lobby');
  await irc.waitForLine(/ 366 carol #lobby /, 5000);
  const xmpp = await connectXmppClient({ service: `xmpp://127.0.0.1:${xmppPort}`, domain: 'localhost', username: 'alice', password: 'alice' });
  t.after(() => xmpp.close());
  await xmpp.joinRoom('lobby@conference.localhost', 'alice');

  irc.send('PRIVMSG #lobby :hello from IRC');
  await xmpp.waitForStanza((s) => s.is('message') && /hello from IRC/.test(s.getChildText('body') ?? ''), 10_000);
  await xmpp.sayInRoom('lobby@conference.localhost', 'hello from XMPP');
  const line = await irc.waitForLine(/PRIVMSG #lobby :.*hello from XMPP/, 10_000);
  assert.match(line, /alice/, 'the relayed line names the XMPP author');

  await irc.close();
  await xmpp.close();
  demo.kill('SIGINT');
  assert.equal(await withTimeout(exited, 30_000, 'the demo to exit after SIGINT'), 0, out.slice(-2000));
});

/**
 * Smoke tests of the harness with a real Prosody: two independent clients in a MUC room, restart on
 * the same ports and data, and an HTTP upload slot that really accepts a PUT.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { access } from 'node:fs/promises';
import { connectXmppClient, xml, type TestXmppClient } from '../support/clients.js';
import { processAlive } from '../support/process-gone.js';
import { startProsody, type XmppServer } from '../support/servers.js';
import { withTimeout } from '../support/wait.js';

function login(server: XmppServer, username: string, password: string): Promise<TestXmppClient> {
  return connectXmppClient({ service: `xmpp://${server.host}:${server.port}`, domain: server.domain, username, password });
}

test('prosody: two clients exchange a groupchat message in a room, then the server stops by pid', async (t) => {
  const server = await startProsody({ users: [['alice', 'alicepass'], ['bob', 'bobpass']] });
  t.after(() => server.stop());
  const [alice, bob] = await Promise.all([login(server, 'alice', 'alicepass'), login(server, 'bob', 'bobpass')]);
  t.after(() => Promise.all([alice.close(), bob.close()]));

  const room = `smoke@${server.mucDomain}`;
  await alice.joinRoom(room, 'Alice');
  await bob.joinRoom(room, 'Bob');

  const text = `hello room ${Date.now()}`;
  await alice.sayInRoom(room, text);
  const got = await bob.waitForStanza((s) => s.is('message') && s.attrs.type === 'groupchat' && s.getChildText('body') === text, 5000);
  assert.equal(got.attrs.from, `${room}/Alice`);

  const pid = server.pid;
  assert.ok(processAlive(pid));
  await server.stop();
  assert.equal(processAlive(pid), false, `prosody pid ${pid} is gone after stop()`);
  await assert.rejects(access(server.dir), 'temp dir removed');
});

test('prosody: a wrong password is refused with a clear error', async (t) => {
  const server = await startProsody({ users: [['alice', 'alicepass']] });
  t.after(() => server.stop());
  await assert.rejects(login(server, 'alice', 'wrong'), /XMPP login of alice@localhost .* failed/);
});

test('prosody: joinRoom with a taken nick fails with the error presence; waits explain timeouts', async (t) => {
  const server = await startProsody({ users: [['erin', 'erinpass'], ['frank', 'frankpass']] });
  t.after(() => server.stop());
  const [erin, frank] = await Promise.all([login(server, 'erin', 'erinpass'), login(server, 'frank', 'frankpass')]);
  t.after(() => Promise.all([erin.close(), frank.close()]));
  const room = `taken@${server.mucDomain}`;
  const self = await erin.joinRoom(room, 'Same');
  assert.equal(self.attrs.from, `${room}/Same`);
  await assert.rejects(frank.joinRoom(room, 'Same'), /joining taken@conference\.localhost\/Same failed: .*conflict/);
  await assert.rejects(frank.waitForStanza((s) => s.is('message'), 50), /timed out after 50ms .*last stanzas received/s);
});

test('prosody: restart() keeps ports and accounts; clients can log in again', async (t) => {
  const server = await startProsody({ users: [['carol', 'carolpass']] });
  t.after(() => server.stop());
  const first = await login(server, 'carol', 'carolpass');
  const oldPid = server.pid;
  const oldPort = server.port;

  await server.restart();
  assert.notEqual(server.pid, oldPid);
  assert.equal(processAlive(oldPid), false, 'old process gone');
  assert.equal(server.port, oldPort);
  await first.close();

  const again = await login(server, 'carol', 'carolpass');
  t.after(() => again.close());
  assert.match(again.jid, /^carol@localhost\//);
});

test('prosody with httpUpload: a slot request returns URLs on 127.0.0.1 and the PUT/GET round-trips', async (t) => {
  const server = await startProsody({ httpUpload: true, users: [['dave', 'davepass']] });
  t.after(() => server.stop());
  assert.equal(server.uploadDomain, 'upload.localhost');
  const dave = await login(server, 'dave', 'davepass');
  t.after(() => dave.close());

  const content = Buffer.from(`file body ${Date.now()}\n`);
  const reply = await dave.xmpp.iqCaller.request(
    xml(
      'iq',
      { type: 'get', to: server.uploadDomain },
      xml('request', { xmlns: 'urn:xmpp:http:upload:0', filename: 'smoke.txt', size: content.length, 'content-type': 'text/plain' }),
    ),
    5000,
  );
  const slot = reply.getChild('slot', 'urn:xmpp:http:upload:0');
  const putUrl = slot?.getChild('put')?.attrs.url;
  const getUrl = slot?.getChild('get')?.attrs.url;
  assert.ok(putUrl && getUrl, `slot has put and get URLs: ${reply.toString()}`);
  assert.ok(putUrl.startsWith(`http://127.0.0.1:${server.httpPort}/`), putUrl);

  const headers: Record<string, string> = { 'content-type': 'text/plain' };
  for (const header of slot?.getChild('put')?.getChildren('header') ?? []) headers[header.attrs.name ?? ''] = header.text();
  const put = await withTimeout(fetch(putUrl, { method: 'PUT', body: content, headers }), 5000, 'upload PUT');
  assert.equal(put.status, 201);
  const get = await withTimeout(fetch(getUrl), 5000, 'upload GET');
  assert.equal(get.status, 200);
  assert.deepEqual(Buffer.from(await get.arrayBuffer()), content);
});

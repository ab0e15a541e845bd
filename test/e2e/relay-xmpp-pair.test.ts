/**
 * The relay between two MUC rooms (two XMPP networks on one Prosody, two bot accounts), so
 * native features are used on both sides: corrections, retractions and reactions reach the
 * other room's copy, files are re-uploaded (or linked above `maxFileBytes`), and a third room
 * that refuses the bot (it is banned) fails alone, logged once, while the others still receive.
 */
import { hubBase } from '../support/hub-config.js';
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Hub } from '../../src/app/hub.js';
import { builtinProtocols } from '../../src/networks/registry.js';
import { startProsody, type XmppServer } from '../support/servers.js';
import { connectXmppClient, xml, type TestXmppClient, type XmlElement } from '../support/clients.js';
import { captureLog } from '../support/log-capture.js';
import { waitFor } from '../support/wait.js';
import { bodyOf, fileMessage, oobUrl, uploadAs, WAIT_MS } from './relay-setup.js';
import { refId, xmppBotNetwork as xmppNetwork } from './relay-setup.js';
import { egressConfig } from '../support/egress.js';

const SMALL_FILE_LIMIT = 1000;

describe('relay between two MUC rooms (native edits, deletes, reactions, files)', { timeout: 180_000 }, () => {
  let server: XmppServer;
  let hub: Hub | undefined;
  const clients: TestXmppClient[] = [];
  const dir = mkdtempSync(join(tmpdir(), 'sb-relay-pair-'));
  const captured = captureLog('info');
  let lobby: string;
  let other: string;
  let closed: string;
  let bob: TestXmppClient;
  let dave: TestXmppClient;
  const fromBotIn = (room: string, nick: string, test: (s: XmlElement) => boolean) =>
    (s: XmlElement) => s.is('message') && s.attrs.type === 'groupchat' && s.attrs.from === `${room}/${nick}` && test(s);

  async function user(name: string): Promise<TestXmppClient> {
    await server.registerUser(name, 'pw');
    const client = await connectXmppClient({ service: `xmpp://${server.host}:${server.port}`, domain: server.domain, username: name, password: 'pw' });
    clients.push(client);
    return client;
  }

  before(async () => {
    server = await startProsody({ users: [['bridgebot', 'botpass'], ['bridgebot2', 'botpass']], httpUpload: true });
    lobby = `lobby@${server.mucDomain}`;
    other = `other@${server.mucDomain}`;
    closed = `closed@${server.mucDomain}`;
    // carol owns the third room and bans the second bot from it before the hub starts.
    const carol = await user('carol');
    await carol.joinRoom(closed, 'carol', WAIT_MS);
    await carol.xmpp.iqCaller.request(xml('iq', { type: 'set', to: closed },
      xml('query', { xmlns: 'http://jabber.org/protocol/muc#admin' }, xml('item', { jid: `bridgebot2@${server.domain}`, affiliation: 'outcast' }))), WAIT_MS);

    hub = await Hub.start({
      config: {
        ...hubBase(dir),
        networks: [xmppNetwork(server, 'jabber', 'bridgebot', 'switchboard'), xmppNetwork(server, 'jabber2', 'bridgebot2', 'switchboard2')],
        bridges: [{
          name: 'pair',
          channels: [{ network: 'jabber', id: lobby }, { network: 'jabber2', id: other }, { network: 'jabber2', id: closed }],
          options: { reactions: 'native', networks: { jabber2: { maxFileBytes: SMALL_FILE_LIMIT } } },
        }],
        modules: [{ module: 'relay', specifier: 'relay', config: undefined }],
        // Prosody's upload service listens on loopback: files are fetched from it and uploaded to it.
        egress: egressConfig([`127.0.0.1:${server.httpPort}`]),
      },
      log: captured.log,
      protocols: builtinProtocols(),
    });
    await hub.ready;
    bob = await user('bob');
    await bob.joinRoom(lobby, 'bob', WAIT_MS);
    dave = await user('dave');
    await dave.joinRoom(other, 'dave', WAIT_MS);
  });
  after(async () => {
    await Promise.all(clients.map((c) => c.close().catch(() => undefined)));
    await hub?.stop().catch(() => undefined);
    await server?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  /** bob says `text` in the lobby; resolves with bob's own echo and dave's copy. */
  async function sayAndRelay(id: string, text: string): Promise<{ echo: XmlElement; copy: XmlElement }> {
    await bob.send(xml('message', { to: lobby, type: 'groupchat', id }, xml('body', {}, text)));
    const echo = await bob.waitForStanza((s) => s.is('message') && s.attrs.from === `${lobby}/bob` && bodyOf(s) === text, WAIT_MS);
    const copy = await dave.waitForStanza(fromBotIn(other, 'switchboard2', (s) => bodyOf(s) === `<bob@jabber> ${text}`), WAIT_MS);
    return { echo, copy };
  }

  it('relays a correction as a native correction of the copy', async () => {
    const { copy } = await sayAndRelay('pair-1', 'teh typo');
    await bob.send(xml('message', { to: lobby, type: 'groupchat', id: 'pair-1b' },
      xml('body', {}, 'the typo'), xml('replace', { xmlns: 'urn:xmpp:message-correct:0', id: 'pair-1' })));
    const fix = await dave.waitForStanza(fromBotIn(other, 'switchboard2', (s) => s.getChild('replace', 'urn:xmpp:message-correct:0') !== undefined), WAIT_MS);
    assert.equal(bodyOf(fix), '<bob@jabber> the typo');
    assert.equal(fix.getChild('replace', 'urn:xmpp:message-correct:0')?.attrs.id, copy.attrs.id, 'corrects the relayed copy');
  });

  it('relays a reaction to a copy as a native reaction on the original, and its withdrawal', async () => {
    const { echo, copy } = await sayAndRelay('pair-2', 'lunch?');
    const react = (id: string, ...reactions: string[]) => dave.send(xml('message', { to: other, type: 'groupchat', id },
      xml('reactions', { xmlns: 'urn:xmpp:reactions:0', id: refId(copy, other) }, ...reactions.map((r) => xml('reaction', {}, r)))));
    const isReaction = (s: XmlElement) => s.getChild('reactions', 'urn:xmpp:reactions:0') !== undefined;
    await react('pair-2r', '👍');
    const added = await bob.waitForStanza(fromBotIn(lobby, 'switchboard', isReaction), WAIT_MS);
    const reactions = added.getChild('reactions', 'urn:xmpp:reactions:0')!;
    assert.ok([refId(echo, lobby), 'pair-2'].includes(String(reactions.attrs.id)), `refers to bob's message, got ${reactions.attrs.id}`);
    assert.deepEqual(reactions.getChildren('reaction').map((r) => r.text()), ['👍']);
    await react('pair-2w');
    const withdrawn = await bob.waitForStanza(fromBotIn(lobby, 'switchboard', isReaction), WAIT_MS);
    assert.deepEqual(withdrawn.getChild('reactions', 'urn:xmpp:reactions:0')!.getChildren('reaction'), []);
  });

  it('relays a retraction as a native retraction of the copy', async () => {
    const { copy } = await sayAndRelay('pair-3', 'soon gone');
    await bob.send(xml('message', { to: lobby, type: 'groupchat', id: 'pair-3d' }, xml('retract', { xmlns: 'urn:xmpp:message-retract:1', id: 'pair-3' })));
    const retraction = await dave.waitForStanza(fromBotIn(other, 'switchboard2', (s) => s.getChild('retract', 'urn:xmpp:message-retract:1') !== undefined), WAIT_MS);
    assert.ok([copy.attrs.id, refId(copy, other)].includes(retraction.getChild('retract', 'urn:xmpp:message-retract:1')?.attrs.id), 'retracts the copy');
  });

  it('re-uploads a small file, and links one above maxFileBytes', async () => {
    const small = Buffer.from('a small file\n');
    const smallUrl = await uploadAs(bob, server.uploadDomain!, 'small.txt', small);
    await bob.send(fileMessage(lobby, 'pair-4', smallUrl));
    const reuploaded = await dave.waitForStanza(fromBotIn(other, 'switchboard2', (s) => oobUrl(s) !== undefined), WAIT_MS);
    const copyUrl = oobUrl(reuploaded)!;
    assert.notEqual(copyUrl, smallUrl, 'a new upload, not the original link');
    const download = await fetch(copyUrl, { signal: AbortSignal.timeout(WAIT_MS) });
    assert.deepEqual(Buffer.from(await download.arrayBuffer()), small);

    const large = Buffer.alloc(SMALL_FILE_LIMIT + 1, 'x');
    const largeUrl = await uploadAs(bob, server.uploadDomain!, 'large.txt', large);
    await bob.send(fileMessage(lobby, 'pair-5', largeUrl));
    const linked = await dave.waitForStanza(fromBotIn(other, 'switchboard2', (s) => (bodyOf(s) ?? '').includes('large.txt')), WAIT_MS);
    assert.equal(bodyOf(linked), `<bob@jabber> large.txt: ${largeUrl}`);
    assert.equal(oobUrl(linked), undefined, 'not uploaded again');
  });

  it('a room that refuses the bot fails alone: logged once, the other rooms still receive', async () => {
    await sayAndRelay('pair-6', 'first while closed');
    await sayAndRelay('pair-7', 'second while closed');
    // Every delivery to the closed room is given up after its retries; ask until two were.
    const status = await waitFor(async () => {
      await bob.sayInRoom(lobby, '!bridge status');
      const answer = bodyOf(await bob.waitForStanza(fromBotIn(lobby, 'switchboard', (s) => (bodyOf(s) ?? '').startsWith('bridge pair')), WAIT_MS)) ?? '';
      return Number(/failed deliveries (\d+)/.exec(answer)?.[1] ?? 0) >= 2 ? answer : undefined;
    }, { timeoutMs: 30_000, intervalMs: 500, what: 'two failed deliveries to the closed room' });
    assert.match(status, new RegExp(`jabber2:${closed.replace(/\./g, '\\.')} up, queue \\d+`));
    const failures = captured.lines.filter((l) => String(l.msg).includes('relay delivery failed'));
    assert.equal(failures.length, 1, 'logged once for that room and reason');
    assert.equal((failures[0]!.target as { id: string }).id, closed);
    assert.equal(failures[0]!.reason, 'gave up after 3 attempts');
  });
});

/**
 * The gateway's contact search (docs/gateway.md) on real Prosody and ngIRCd: the `search` ad-hoc
 * command (a form, then a result form with nick, user, host and real name from a WHOIS) and the
 * `search <nick>` chat command find an IRC user; a module's checkUsernameForSpam hides another
 * (called with the contact's JID and name); an unknown nick finds nobody; a bad nick is refused.
 */
import { it } from 'node:test';
import assert from 'node:assert/strict';
import { defineModule } from '../../src/modules/public.js';
import { startGatewayHub } from './gateway-hub.js';
import { startNgircd, startProsody } from '../support/servers.js';
import { connectRawIrc, connectXmppClient, xml, type XmlElement } from '../support/clients.js';
import { makeTempDir } from '../support/switchboard-process.js';
import { resultRows as rows } from './gateway-steps-setup.js';

const WAIT_MS = 15_000;
const NS_REGISTER = 'jabber:iq:register';
const NS_COMMANDS = 'http://jabber.org/protocol/commands';
const NS_DATA = 'jabber:x:data';

it('search finds an IRC user by WHOIS, as an ad-hoc command and a chat command; checkUsernameForSpam hides one', async (t) => {
  const [xmpp, irc] = await Promise.all([startProsody({ users: [['alice', 'alicepw']] }), startNgircd()]);
  t.after(() => Promise.all([xmpp.stop(), irc.stop()]));
  const dir = makeTempDir('switchboard-gateway-');
  const checked: string[] = [];
  const hider = defineModule({
    name: 'hider',
    setup(api) {
      api.registerSpamCheckerCallbacks({
        checkUsernameForSpam: (profile) => {
          checked.push(`${profile.userId} ${profile.displayName}`);
          return profile.userId.startsWith('mallory@');
        },
      });
    },
  });
  const domain = xmpp.componentDomain;
  await startGatewayHub(t, { xmpp, irc, dir, module: hider });

  const carol = await connectRawIrc({ host: irc.host, port: irc.port, nick: 'Carol', user: 'carol', realname: 'Carol Example' });
  t.after(() => carol.close());
  const mallory = await connectRawIrc({ host: irc.host, port: irc.port, nick: 'mallory', realname: 'Mallory Spam' });
  t.after(() => mallory.close());

  const alice = await connectXmppClient({ service: `xmpp://${xmpp.host}:${xmpp.port}`, domain: xmpp.domain, username: 'alice', password: 'alicepw' });
  t.after(() => alice.close());
  await alice.xmpp.iqCaller.request(xml('iq', { type: 'set', to: domain }, xml('query', { xmlns: NS_REGISTER }, xml('nick', {}, 'alice'))), WAIT_MS);
  await alice.waitForStanza((s) => s.is('presence') && s.attrs.from === domain && s.getChildText('status') === 'Connected as alice', WAIT_MS);

  // The command is listed for a registered person.
  const list = await alice.xmpp.iqCaller.request(xml('iq', { type: 'get', to: domain }, xml('query', { xmlns: 'http://jabber.org/protocol/disco#items', node: NS_COMMANDS })), WAIT_MS);
  assert.ok(list.getChild('query')?.getChildren('item').some((i) => i.attrs.node === 'search'));

  const search = async (nick: string): Promise<XmlElement | undefined> => {
    const started = await alice.xmpp.iqCaller.request(xml('iq', { type: 'set', to: domain }, xml('command', { xmlns: NS_COMMANDS, node: 'search', action: 'execute' })), WAIT_MS);
    const command = started.getChild('command');
    assert.deepEqual(command?.getChild('x', NS_DATA)?.getChildren('field').map((f) => f.attrs.var), ['nick']);
    const done = await alice.xmpp.iqCaller.request(xml('iq', { type: 'set', to: domain }, xml('command', { xmlns: NS_COMMANDS, node: 'search', sessionid: command?.attrs.sessionid, action: 'complete' },
      xml('x', { xmlns: NS_DATA, type: 'submit' }, xml('field', { var: 'nick' }, xml('value', {}, nick))))), WAIT_MS);
    assert.equal(done.getChild('command')?.attrs.status, 'completed');
    return done.getChild('command')?.getChild('x', NS_DATA);
  };

  // Ad-hoc: carol is found with her WHOIS details (any case of her nick).
  const found = await search('CAROL');
  assert.equal(found?.attrs.type, 'result');
  assert.deepEqual(found?.getChild('reported')?.getChildren('field').map((f) => f.attrs.var), ['jid', 'nick', 'user', 'host', 'realname']);
  const [row, ...others] = rows(found);
  assert.equal(others.length, 0);
  assert.equal(row?.jid, `carol@${domain}`);
  assert.equal(row?.nick, 'Carol');
  assert.match(row?.user ?? '', /^~?carol$/);
  assert.ok((row?.host ?? '') !== '');
  assert.equal(row?.realname, 'Carol Example');

  // mallory exists but the module hides her; nobody by an unknown nick.
  assert.deepEqual(rows(await search('mallory')), []);
  assert.deepEqual(rows(await search('nobody')), []);
  assert.deepEqual(checked, [`carol@${domain} Carol`, `mallory@${domain} mallory`]);
  checked.length = 0;

  // A pattern (a WHO): any case, the server matches nicks (and user, host, real name); the module
  // still hides mallory; only wildcards are refused.
  const [byPattern, ...morePattern] = rows(await search('CAR*'));
  assert.equal(morePattern.length, 0);
  assert.equal(byPattern?.jid, `carol@${domain}`);
  assert.equal(byPattern?.realname, 'Carol Example');
  assert.deepEqual(rows(await search('mall?ry')), []);
  assert.deepEqual(rows(await search('zz*')), []);
  const wild = await search('*').then(() => undefined, (error: { condition?: string; text?: string }) => error);
  assert.equal(wild?.condition, 'bad-request');
  assert.match(wild?.text ?? '', /not a nick pattern/);
  assert.deepEqual(checked, [`carol@${domain} Carol`, `mallory@${domain} mallory`]);

  // A bad nick is refused with the reason.
  const bad = await search('not a nick').then(() => undefined, (error: { condition?: string; text?: string }) => error);
  assert.equal(bad?.condition, 'bad-request');
  assert.match(bad?.text ?? '', /"not a nick" is not a valid IRC nick/);

  // The same as a chat command to the gateway JID.
  const reply = async (body: string): Promise<string> => {
    await alice.send(xml('message', { type: 'chat', to: domain }, xml('body', {}, body)));
    const message = await alice.waitForStanza((s) => s.is('message') && (s.attrs.from ?? '').split('/')[0] === domain && s.getChildText('body') !== null && !(s.getChildText('body') ?? '').startsWith('Welcome'), WAIT_MS);
    return message.getChildText('body') ?? '';
  };
  assert.match(await reply('search carol'), new RegExp(`^carol@${domain.replace(/\./g, '\\.')} — Nick: Carol, User: ~?carol, Host: \\S+, Real name: Carol Example$`));
  assert.equal(await reply('search mallory'), 'Nobody found for "mallory".');
});

/**
 * The pure parts of the XMPP component network: the puppet JID mapping (reversible, injective,
 * canonical, valid as a JID localpart), who a stanza is for, the IQ answers, the handshake
 * digest and the config.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { parse } from '@xmpp/jid';
import xml from '@xmpp/xml';
import { NAME_PATTERN } from '../../src/config/schema.js';
import { escapePart, MAX_LOCALPART_BYTES, puppetLocalpart, puppetOf, unescapePart } from '../../src/networks/xmpp-component/puppet-jid.js';
import { addresseeOf } from '../../src/networks/xmpp-component/addressees.js';
import { answerIq, errorReply } from '../../src/networks/xmpp-component/iq-answers.js';
import { handshakeDigest } from '../../src/networks/xmpp-component/connection.js';
import { xmppComponentConfigSchema } from '../../src/networks/xmpp-component/config.js';
import { xmppComponentProtocol } from '../../src/networks/xmpp-component/definition.js';
import { puppetNick } from '../../src/networks/xmpp-component/puppet-rooms.js';

const networkArb = fc.stringMatching(/^[a-zA-Z][a-zA-Z0-9_-]{0,31}$/).filter((name) => NAME_PATTERN.test(name));
/** Any user id: every code point (lone surrogates included), and the characters the mapping treats specially. */
const userIdArb = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.string({ unit: fc.constantFrom(...' "&\'/:<>@\\^#;aZ0\u00e9\u0130\ufb01'), maxLength: 20 }),
);
const personArb = fc.record({ network: networkArb, userId: userIdArb });

describe('puppet JIDs', () => {
  it('map back to the same person, for any network name and user id', () => {
    fc.assert(fc.property(personArb, (person) => {
      const local = puppetLocalpart(person);
      if (local === undefined) return; // too long: refused, never truncated
      assert.deepEqual(puppetOf(local), { network: person.network, userId: person.userId });
    }), { numRuns: 2000 });
  });

  it('are injective, also after the server folds case', () => {
    fc.assert(fc.property(personArb, personArb, (a, b) => {
      const la = puppetLocalpart(a);
      const lb = puppetLocalpart(b);
      fc.pre(la !== undefined && lb !== undefined && (a.network !== b.network || a.userId !== b.userId));
      assert.notEqual(la!.toLowerCase(), lb!.toLowerCase());
    }), { numRuns: 2000 });
  });

  it('are valid localparts the server keeps as they are: lower-case ASCII without what nodeprep forbids, not starting with \\20', () => {
    fc.assert(fc.property(personArb, (person) => {
      const local = puppetLocalpart(person);
      if (local === undefined) return;
      assert.match(local, /^[a-z0-9\-._!#$%()*+,;=?[\]{}|~`^\\]+$/);
      assert.ok(!local.startsWith('\\20'));
      assert.ok(Buffer.byteLength(local) <= MAX_LOCALPART_BYTES);
      assert.equal(parse(`${local}@irc.example.org`).local, local);
    }), { numRuns: 1000 });
  });

  it('read back only what the mapping writes (one localpart per person)', () => {
    fc.assert(fc.property(fc.string({ unit: fc.constantFrom(...'ab^#;\\45c0x@'), maxLength: 16 }), (text) => {
      const person = puppetOf(text);
      if (person !== undefined) assert.equal(puppetLocalpart(person), text);
      const part = unescapePart(text);
      if (part !== undefined) assert.equal(escapePart(part), text);
    }), { numRuns: 3000 });
  });

  it('read naturally for ordinary nicks', () => {
    assert.equal(puppetLocalpart({ network: 'irc', userId: 'alice' }), 'alice\\40irc');
    assert.equal(puppetLocalpart({ network: 'Libera', userId: 'Alice[m]' }), '^alice[m]\\40^libera');
    assert.equal(puppetLocalpart({ network: 'irc', userId: 'zoë' }), 'zo^#eb;\\40irc');
    assert.equal(puppetLocalpart({ network: 'irc', userId: ' a b@c' }), '^#20;a\\20b\\40c\\40irc');
    assert.equal(puppetLocalpart({ network: 'irc', userId: 'x'.repeat(2000) }), undefined);
    assert.equal(puppetOf('switchboard'), undefined);
    assert.equal(puppetOf('alice\\40'), undefined);
    assert.equal(puppetOf('Alice\\40irc'), undefined, 'capitals are never written');
  });

  it('nicks keep what XML can carry, bounded', () => {
    assert.equal(puppetNick({ network: 'irc', id: 'x', nick: ' al\u0000ice ' }), 'alice');
    assert.equal(puppetNick({ network: 'irc', id: '\u0001' }), 'someone');
    assert.equal([...puppetNick({ network: 'irc', id: 'n'.repeat(500) })].length, 64);
  });
});

describe('component addressees', () => {
  const who = (to: string): string => addresseeOf(to, 'gw.example', 'switchboard').kind;

  it('tells the domain, the bot, puppets and no one apart', () => {
    assert.equal(who('gw.example'), 'domain');
    assert.equal(who('gw.example/res'), 'domain');
    assert.equal(who('switchboard@gw.example/bot'), 'bot');
    assert.equal(who('alice\\40irc@gw.example/switchboard'), 'puppet');
    assert.equal(who('nobody@gw.example'), 'unknown');
    assert.equal(who('alice\\40irc@elsewhere.example'), 'unknown');
    assert.equal(who(''), 'unknown');
    const puppet = addresseeOf('^alice\\40irc@gw.example/x', 'gw.example', 'switchboard');
    assert.deepEqual(puppet, { kind: 'puppet', puppet: { network: 'irc', userId: 'Alice' }, bare: '^alice\\40irc@gw.example' });
  });
});

describe('component IQ answers', () => {
  const iq = (to: string, type: string, child: ReturnType<typeof xml>): ReturnType<typeof xml> => xml('iq', { from: 'bob@x.example/pc', to, id: 'q1', type }, child);
  const discoInfo = xml('query', { xmlns: 'http://jabber.org/protocol/disco#info' });

  it('answer disco#info for the domain and for puppets, addressed back with the id', () => {
    const domain = answerIq(iq('gw.example', 'get', discoInfo), { kind: 'domain' }, 'Switchboard');
    assert.deepEqual([domain.attrs.type, domain.attrs.from, domain.attrs.to, domain.attrs.id], ['result', 'gw.example', 'bob@x.example/pc', 'q1']);
    assert.equal(domain.getChild('query')?.getChild('identity')?.attrs.category, 'gateway');
    const features = domain.getChild('query')?.getChildren('feature').map((f) => f.attrs.var);
    assert.ok(features?.includes('urn:xmpp:ping'));
    const puppet = answerIq(iq('alice\\40irc@gw.example', 'get', discoInfo), { kind: 'puppet', puppet: { network: 'irc', userId: 'alice' }, bare: 'alice\\40irc@gw.example' }, 'Switchboard');
    assert.equal(puppet.getChild('query')?.getChild('identity')?.attrs.name, 'alice (irc)');
    // The bare JID is an account (with a vCard), the full JID a client.
    assert.deepEqual(puppet.getChild('query')?.getChild('identity')?.attrs.category, 'account');
    assert.ok(puppet.getChild('query')?.getChildren('feature').some((f) => f.attrs.var === 'vcard-temp'));
    const full = answerIq(iq('alice\\40irc@gw.example/switchboard', 'get', discoInfo), { kind: 'puppet', puppet: { network: 'irc', userId: 'alice' }, bare: 'alice\\40irc@gw.example' }, 'Switchboard');
    assert.deepEqual([full.getChild('query')?.getChild('identity')?.attrs.category, full.getChild('query')?.getChild('identity')?.attrs.type], ['client', 'pc']);
  });

  it('answer a puppet\'s vCard with their nick; the domain has none', () => {
    const vcard = xml('vCard', { xmlns: 'vcard-temp' });
    const puppet = { kind: 'puppet', puppet: { network: 'link', userId: '0ABAAAAAB' }, bare: '0^a^b^a^a^a^a^a^b\\40link@gw.example' } as const;
    const answer = answerIq(iq(puppet.bare, 'get', vcard), puppet, 'S', () => 'alice');
    assert.equal(answer.attrs.type, 'result');
    assert.deepEqual([answer.getChild('vCard', 'vcard-temp')?.getChildText('NICKNAME'), answer.getChild('vCard', 'vcard-temp')?.getChildText('FN')], ['alice', 'alice']);
    assert.equal(answerIq(iq(puppet.bare, 'get', vcard), puppet, 'S').getChild('vCard', 'vcard-temp')?.getChildText('NICKNAME'), '0ABAAAAAB');
    assert.equal(answerIq(iq('gw.example', 'get', vcard), { kind: 'domain' }, 'S').attrs.type, 'error');
    assert.equal(answerIq(iq(puppet.bare, 'set', vcard), puppet, 'S').attrs.type, 'error');
  });

  it('answer pings and disco#items (empty), refuse the rest and unknown JIDs', () => {
    const ping = answerIq(iq('gw.example', 'get', xml('ping', { xmlns: 'urn:xmpp:ping' })), { kind: 'domain' }, 'S');
    assert.equal(ping.attrs.type, 'result');
    const items = answerIq(iq('gw.example', 'get', xml('query', { xmlns: 'http://jabber.org/protocol/disco#items' })), { kind: 'domain' }, 'S');
    assert.equal(items.getChild('query')?.children.length, 0);
    const version = answerIq(iq('gw.example', 'get', xml('query', { xmlns: 'jabber:iq:version' })), { kind: 'domain' }, 'S');
    assert.equal(version.getChild('error')?.getChild('service-unavailable', 'urn:ietf:params:xml:ns:xmpp-stanzas') !== undefined, true);
    const nobody = answerIq(iq('nobody@gw.example', 'get', discoInfo), { kind: 'unknown' }, 'S');
    assert.equal(nobody.attrs.type, 'error');
    assert.ok(nobody.getChild('error')?.getChild('service-unavailable', 'urn:ietf:params:xml:ns:xmpp-stanzas'));
    const message = errorReply(xml('message', { from: 'bob@x.example', to: 'nobody@gw.example', id: 'm1' }), 'cancel', 'item-not-found');
    assert.deepEqual([message.name, message.attrs.type, message.attrs.to, message.attrs.from, message.attrs.id], ['message', 'error', 'bob@x.example', 'nobody@gw.example', 'm1']);
  });
});

describe('component handshake and config', () => {
  it('the handshake is the hex SHA-1 of stream id and secret (XEP-0114)', () => {
    assert.equal(handshakeDigest('3BF96D32', 'sbfrqt'), createHash('sha1').update('3BF96D32sbfrqt').digest('hex'));
    assert.match(handshakeDigest('id', 'é'), /^[0-9a-f]{40}$/);
  });

  it('has defaults, lower-cases the domain, refuses a bot localpart a puppet could have, and warns about a plain stream off loopback', () => {
    const config = xmppComponentConfigSchema.parse({ domain: 'GW.example', host: '127.0.0.1', password: 's' });
    assert.deepEqual([config.domain, config.port, config.botUser, config.nick, config.tls], ['gw.example', 5347, 'switchboard', 'switchboard', false]);
    assert.equal(xmppComponentConfigSchema.safeParse({ domain: 'gw.example', host: 'h', password: 's', botUser: 'a\\40b' }).success, false);
    assert.equal(xmppComponentConfigSchema.safeParse({ domain: 'gw.example/x', host: 'h', password: 's' }).success, false);
    assert.equal(xmppComponentConfigSchema.safeParse({ domain: 'gw.example', host: 'h', password: '' }).success, false);
    assert.deepEqual(xmppComponentProtocol.configWarnings?.(config), []);
    const remote = xmppComponentConfigSchema.parse({ domain: 'gw.example', host: 'xmpp.example', password: 's' });
    assert.equal(xmppComponentProtocol.configWarnings?.(remote).length, 1);
  });
});

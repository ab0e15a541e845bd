/**
 * Voice/op and the room configuration form as IRC modes, pure (channel-roles.ts,
 * channel-config.ts, channel-mode-state.ts, room-config.ts, room-roles.ts): the documented
 * XMPP → MODE mapping, refusals without the prefix, nothing sent for no change; properties: a
 * configuration MODE line applied to the channel's modes gives the configuration asked, and it is
 * always one line with as many parameters as its letters take.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import xml from '@xmpp/xml';
import { LegacyRefusal, type RoomConfig } from '../../src/gateway/api.js';
import { configModes, configOf, MAX_LIMIT } from '../../src/gateway/irc/channel-config.js';
import { applyModes } from '../../src/gateway/irc/channel-mode-state.js';
import { DEFAULT_PREFIXES } from '../../src/gateway/irc/channel-modes.js';
import { roleChangeMode } from '../../src/gateway/irc/channel-roles.js';
import { readConfigChange } from '../../src/gateway/room-config.js';
import { readListRequest, readRoleChange } from '../../src/gateway/room-roles.js';

const CHANMODES = ['beI', 'k', 'l', 'imnpst'];
const OP = new Set(['@']);
const HALFOP = new Set(['%']);
const NONE = new Set<string>();
const NO_HALFOP = DEFAULT_PREFIXES.filter((p) => p.mode !== 'h');

function refusal(run: () => unknown): string | undefined {
  try {
    run();
  } catch (error) {
    if (error instanceof LegacyRefusal) return error.condition;
    throw error;
  }
  return undefined;
}

describe('roles from XMPP as MODE (channel-roles.ts)', () => {
  it('maps roles and affiliations to ±v, ±h, ±o for what the target holds', () => {
    const mode = (change: Parameters<typeof roleChangeMode>[1], target: Set<string>, self = OP, prefixes = DEFAULT_PREFIXES) => roleChangeMode('#c', change, self, target, prefixes);
    assert.deepEqual(mode({ nick: 'd', role: 'participant' }, NONE, HALFOP), { modes: '+v', args: ['d'] });
    assert.deepEqual(mode({ nick: 'd', role: 'visitor' }, new Set(['+']), HALFOP), { modes: '-v', args: ['d'] });
    assert.deepEqual(mode({ nick: 'd', role: 'moderator' }, NONE), { modes: '+h', args: ['d'] });
    assert.deepEqual(mode({ nick: 'd', role: 'moderator' }, NONE, OP, NO_HALFOP), { modes: '+o', args: ['d'] });
    assert.deepEqual(mode({ nick: 'd', role: 'participant' }, new Set(['%'])), { modes: '-h', args: ['d'] });
    assert.deepEqual(mode({ nick: 'd', affiliation: 'admin' }, NONE), { modes: '+o', args: ['d'] });
    assert.deepEqual(mode({ nick: 'd', affiliation: 'member' }, new Set(['@'])), { modes: '+v-o', args: ['d', 'd'] });
    assert.deepEqual(mode({ nick: 'd', affiliation: 'none' }, new Set(['@', '%', '+'])), { modes: '-ohv', args: ['d', 'd', 'd'] });
    // Nothing to change: nothing sent.
    assert.equal(mode({ nick: 'd', role: 'participant' }, new Set(['+']), HALFOP), undefined);
    assert.equal(mode({ nick: 'd', affiliation: 'admin' }, new Set(['@'])), undefined);
  });

  it('refuses without the prefix it needs, founders, and bad nicks', () => {
    assert.equal(refusal(() => roleChangeMode('#c', { nick: 'd', role: 'participant' }, NONE, NONE, DEFAULT_PREFIXES)), 'forbidden');
    assert.equal(refusal(() => roleChangeMode('#c', { nick: 'd', affiliation: 'admin' }, HALFOP, NONE, DEFAULT_PREFIXES)), 'forbidden');
    assert.equal(refusal(() => roleChangeMode('#c', { nick: 'd', role: 'moderator' }, HALFOP, NONE, DEFAULT_PREFIXES)), 'forbidden');
    assert.equal(refusal(() => roleChangeMode('#c', { nick: 'd', affiliation: 'owner' }, OP, NONE, DEFAULT_PREFIXES)), 'feature-not-implemented');
    assert.equal(refusal(() => roleChangeMode('#c', { nick: 'a b', role: 'participant' }, OP, NONE, DEFAULT_PREFIXES)), 'bad-request');
  });

  it('reads role changes and list requests from muc#admin items', () => {
    const query = (attrs: Record<string, string>) => xml('query', {}, xml('item', attrs));
    assert.deepEqual(readRoleChange(query({ nick: 'dave', role: 'participant' }), '#c@gw', 'gw'), { nick: 'dave', role: 'participant' });
    assert.deepEqual(readRoleChange(query({ jid: 'dave@gw', affiliation: 'admin' }), '#c@gw', 'gw'), { nick: 'dave', affiliation: 'admin' });
    assert.equal(readRoleChange(query({ nick: 'dave', role: 'none' }), '#c@gw', 'gw'), undefined, 'a kick stays room-admin.ts\'s');
    assert.equal(readRoleChange(query({ nick: 'dave', affiliation: 'outcast' }), '#c@gw', 'gw'), undefined, 'a ban stays room-admin.ts\'s');
    assert.equal(readRoleChange(query({ jid: 'x@elsewhere', role: 'visitor' }), '#c@gw', 'gw'), undefined);
    assert.deepEqual(readListRequest(query({ affiliation: 'outcast' })), { affiliation: 'outcast' });
    assert.deepEqual(readListRequest(query({ role: 'moderator' })), { role: 'moderator' });
    assert.equal(readListRequest(query({ role: 'king' })), undefined);
  });
});

const configs = fc.record({
  subjectByAnyone: fc.boolean(), moderated: fc.boolean(), membersOnly: fc.boolean(),
  password: fc.oneof(fc.constant(''), fc.stringMatching(/^[a-zA-Z0-9_.-]{1,30}$/)),
  maxUsers: fc.oneof(fc.constant(0), fc.integer({ min: 1, max: MAX_LIMIT })),
  public: fc.boolean(),
});
const modeMaps = fc.record({ flags: fc.subarray(['i', 'm', 'n', 'p', 's', 't']), key: fc.option(fc.stringMatching(/^[a-z0-9]{1,10}$/), { nil: undefined }), limit: fc.option(fc.integer({ min: 1, max: 500 }), { nil: undefined }) })
  .map(({ flags, key, limit }) => new Map<string, string>([...flags.map((f) => [f, ''] as [string, string]), ...(key === undefined ? [] : [['k', key] as [string, string]]), ...(limit === undefined ? [] : [['l', String(limit)] as [string, string]])]));

describe('the configuration form as channel modes (channel-config.ts)', () => {
  it('reads 324 and MODE lines into the modes, skipping prefix and list modes with their parameters', () => {
    let modes = applyModes(new Map(), '+ntk', ['secret'], DEFAULT_PREFIXES, CHANMODES);
    assert.deepEqual(configOf(modes), { subjectByAnyone: false, moderated: false, membersOnly: false, password: 'secret', maxUsers: 0, public: true });
    modes = applyModes(modes, '+ob-t+lsv', ['carol', 'x!*@*', '5', 'dave'], DEFAULT_PREFIXES, CHANMODES);
    assert.deepEqual(configOf(modes), { subjectByAnyone: true, moderated: false, membersOnly: false, password: 'secret', maxUsers: 5, public: false });
    modes = applyModes(modes, '-lk', ['secret'], DEFAULT_PREFIXES, CHANMODES);
    assert.equal(configOf(modes).password, '');
    assert.equal(configOf(modes).maxUsers, 0);
  });

  it('writes a change as one MODE line, the key last (a key replaced: -k, then +k alone); refuses without op, bad keys and huge limits', () => {
    const current = new Map([['n', ''], ['t', '']]);
    assert.deepEqual(configModes('#c', current, { subjectByAnyone: true, moderated: true, password: 'k3y', maxUsers: 10, public: false }, OP, DEFAULT_PREFIXES), ['-t+mslk 10 k3y']);
    assert.deepEqual(configModes('#c', current, { moderated: false }, OP, DEFAULT_PREFIXES), []);
    assert.deepEqual(configModes('#c', current, { password: 'k3y' }, OP, DEFAULT_PREFIXES), ['+k k3y']);
    const keyed = new Map([['k', 'old']]);
    assert.deepEqual(configModes('#c', keyed, { password: 'new', moderated: true }, OP, DEFAULT_PREFIXES), ['+m-k old', '+k new']);
    assert.deepEqual(configModes('#c', keyed, { password: '' }, OP, DEFAULT_PREFIXES), ['-k old']);
    assert.equal(refusal(() => configModes('#c', current, { moderated: true }, HALFOP, DEFAULT_PREFIXES)), 'forbidden');
    assert.equal(refusal(() => configModes('#c', current, { password: 'two words' }, OP, DEFAULT_PREFIXES)), 'not-acceptable');
    assert.equal(refusal(() => configModes('#c', current, { password: 'a,b' }, OP, DEFAULT_PREFIXES)), 'not-acceptable');
    assert.equal(refusal(() => configModes('#c', current, { maxUsers: MAX_LIMIT + 1 }, OP, DEFAULT_PREFIXES)), 'not-acceptable');
  });

  it('property: the lines applied to the channel give the configuration asked, each with one parameter per letter that takes one', () => {
    fc.assert(fc.property(modeMaps, configs, (current, asked: RoomConfig) => {
      const wanted = { ...asked }; // fast-check's records have no prototype
      const lines = configModes('#c', current, wanted, OP, DEFAULT_PREFIXES);
      assert.ok(lines.length <= 2);
      let modes: ReadonlyMap<string, string> = current;
      for (const line of lines) {
        assert.ok(!/[\r\n]/.test(line) && Buffer.byteLength(`MODE #c ${line}`) < 510);
        const [letters = '', ...args] = line.split(' ');
        const taking = [...letters].filter((c, i, all) => c === 'k' || (c === 'l' && all.slice(0, i).reverse().find((x) => x === '+' || x === '-') === '+')).length;
        assert.equal(args.length, taking, line);
        // A key is never both removed and set on one line (servers disagree on -k's parameter).
        assert.ok([...letters].filter((c) => c === 'k').length <= 1, line);
        modes = applyModes(modes, letters, args, DEFAULT_PREFIXES, CHANMODES);
      }
      assert.deepEqual(configOf(modes), wanted, lines.join(' / '));
    }));
  });
});

describe('the room configuration form (room-config.ts)', () => {
  const current: RoomConfig = { subjectByAnyone: false, moderated: false, membersOnly: false, password: '', maxUsers: 0, public: true };
  const submit = (values: Record<string, string>) => xml('x', { xmlns: 'jabber:x:data', type: 'submit' }, ...Object.entries(values).map(([name, value]) => xml('field', { var: name }, xml('value', {}, value))));

  it('changes only what differs; a cancel changes nothing; bad values are refused with why', () => {
    assert.deepEqual(readConfigChange(submit({ 'muc#roomconfig_moderatedroom': '1', 'muc#roomconfig_publicroom': 'true' }), current), { ok: true, change: { moderated: true } });
    assert.deepEqual(readConfigChange(submit({ 'muc#roomconfig_passwordprotectedroom': '1', 'muc#roomconfig_roomsecret': 'k', 'muc#roomconfig_maxusers': '20' }), current), { ok: true, change: { password: 'k', maxUsers: 20 } });
    assert.deepEqual(readConfigChange(xml('x', { xmlns: 'jabber:x:data', type: 'cancel' }), current), { ok: true, change: {} });
    assert.equal(readConfigChange(submit({ 'muc#roomconfig_passwordprotectedroom': '1' }), current).ok, false);
    assert.equal(readConfigChange(submit({ 'muc#roomconfig_maxusers': 'lots' }), current).ok, false);
    assert.equal(readConfigChange(submit({ 'muc#roomconfig_maxusers': '9999999' }), current).ok, false);
    assert.equal(readConfigChange(submit({ 'muc#roomconfig_passwordprotectedroom': '1', 'muc#roomconfig_roomsecret': 'x'.repeat(101) }), current).ok, false);
  });
});

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { ServerSupport } from '../../src/networks/irc/isupport.js';
import { isValidNick, puppetNick } from '../../src/networks/irc/puppet-nick.js';
import { LinkState, modeLetters, NO_MODES, resetPrefixModes, setUserMode, type LinkUser } from '../../src/networks/irc-link/state.js';
import { allocateNick, hostFor, identFor } from '../../src/networks/irc-link/virtual-clients.js';
import { LinkEvents } from '../../src/networks/irc-link/events.js';
import type { AnyEventInput, Command } from '../../src/core/event.js';

function user(uid: string, nick: string, server: string, own = false): LinkUser {
  return { uid, nick, ident: nick, host: 'h', realName: nick, server, modes: NO_MODES, signonTs: 0, channels: new Set(), own };
}

function network(): LinkState {
  const state = new LinkState(new ServerSupport());
  state.addServer({ name: 'hub.test', uplink: undefined, description: '', own: false });
  state.addServer({ name: 'leaf.test', uplink: 'hub.test', description: '', own: false });
  state.addServer({ name: 'far.test', uplink: 'leaf.test', description: '', own: false });
  state.addUser(user('a', 'Alice', 'hub.test'));
  state.addUser(user('b', 'Bob', 'leaf.test'));
  state.addUser(user('c', 'Carol', 'far.test'));
  state.join('#One', 'a', ['o']);
  state.join('#one', 'b');
  state.join('#two', 'c', ['v']);
  return state;
}

describe('server link state', () => {
  it('answers who is where, by nick through the case mapping', () => {
    const state = network();
    assert.equal(state.userByNick('ALICE')?.uid, 'a');
    assert.deepEqual(state.members('#ONE').map((m) => [m.user.nick, [...m.modes]]), [['Alice', ['o']], ['Bob', []]]);
    assert.equal(state.addUser(user('z', 'alice', 'hub.test')), false, 'a nick in use (any case) is refused');
    assert.equal(state.changeNick('b', 'ALICE'), false);
    assert.equal(state.changeNick('b', 'Bobby'), true);
    assert.equal(state.userByNick('bob'), undefined);
  });

  it('a split takes the server, the servers behind it and their users, with nicks per channel', () => {
    const state = network();
    const split = state.split('LEAF.test');
    assert.deepEqual(split?.servers.map((s) => s.name), ['leaf.test', 'far.test']);
    assert.deepEqual(split?.users.map((u) => u.nick), ['Bob', 'Carol']);
    assert.deepEqual(split?.nicksByChannel, { '#One': ['Bob'], '#two': ['Carol'] });
    assert.deepEqual(state.members('#one').map((m) => m.user.nick), ['Alice']);
    assert.equal(state.channel('#two'), undefined, 'an empty channel is gone');
    assert.equal(state.split('leaf.test'), undefined);
  });

  it('applies channel modes: prefixes to members, lists to lists, the rest to the mode map', () => {
    const state = network();
    state.applyChannelModes('#one', [{ mode: '+v', arg: 'bob' }, { mode: '-o', arg: 'alice' }, { mode: '+b', arg: '*!*@x' }, { mode: '+k', arg: 'key' }, { mode: '+n' }, { mode: '+o', arg: 'nobody' }]);
    assert.deepEqual(state.members('#one').map((m) => [m.user.nick, [...m.modes]]), [['Alice', []], ['Bob', ['v']]]);
    const channel = state.channel('#one');
    assert.deepEqual([...channel!.lists.get('b')!], ['*!*@x']);
    assert.deepEqual([...channel!.modes], [['k', 'key'], ['n', '']]);
    state.applyChannelModes('#one', [{ mode: '-k', arg: 'key' }, { mode: '-b', arg: '*!*@x' }]);
    assert.deepEqual([...channel!.modes], [['n', '']]);
    assert.equal(channel!.lists.get('b')!.size, 0);
  });

  it('members and users without modes share one empty set; a mode gives only its holder a set of its own', () => {
    const state = network();
    state.addUser(user('d', 'Dave', 'hub.test'));
    state.join('#one', 'd');
    const members = state.channel('#one')!.members;
    assert.equal(members.get('b'), NO_MODES);
    assert.equal(members.get('d'), NO_MODES);
    state.applyChannelModes('#one', [{ mode: '+v', arg: 'Dave' }]);
    assert.deepEqual([...members.get('d')!], ['v']);
    assert.equal(members.get('b'), NO_MODES, 'the other member still holds nothing');
    state.applyChannelModes('#one', [{ mode: '-v', arg: 'Dave' }, { mode: '-o', arg: 'Bob' }]);
    assert.deepEqual([...members.get('d')!], []);
    assert.equal(NO_MODES.size, 0);
    resetPrefixModes(state.channel('#one')!);
    assert.deepEqual(state.members('#one').map((m) => m.modes), [NO_MODES, NO_MODES, NO_MODES], 'an older TS takes every prefix');

    assert.equal(modeLetters('+'), NO_MODES);
    assert.deepEqual([...modeLetters('+iw1-')], ['i', 'w']);
    const dave = state.user('d')!;
    dave.modes = modeLetters('+');
    assert.equal(setUserMode(dave, 'o', true), false);
    assert.equal(setUserMode(dave, 'o', true), true);
    assert.equal(setUserMode(state.user('b')!, 'x', false), false);
    assert.deepEqual([...dave.modes], ['o']);
    assert.equal(NO_MODES.size, 0, 'the shared set never changes');
    assert.throws(() => (NO_MODES as Set<string>).add('o'), /shared/);
  });

  it('a UID event is not built when the hub would not see it; the user is tracked all the same', () => {
    const state = network();
    const emitted: AnyEventInput[] = [];
    let wanted = false;
    const events = new LinkEvents({ network: 'link', state: () => state, emit: (e) => void emitted.push(e), mintId: () => 'm', maxBodyBytes: 100, wants: (c: Command) => wanted || c !== 'UID' });
    const dave = user('d', 'Dave', 'hub.test');
    state.addUser(dave);
    events.uid(dave);
    events.join('#one', [dave]);
    assert.deepEqual(emitted.map((e) => e.command), ['JOIN']);
    assert.equal(state.userByNick('dave')?.uid, 'd');
    wanted = true;
    events.uid(dave);
    assert.deepEqual(emitted.map((e) => e.command), ['JOIN', 'UID']);
    const always = new LinkEvents({ network: 'link', state: () => state, emit: (e) => void emitted.push(e), mintId: () => 'm', maxBodyBytes: 100 });
    always.uid(dave);
    assert.equal(emitted.length, 3, 'without wants, every event is built');
  });

  it('removing a user takes it out of every channel', () => {
    const state = network();
    assert.deepEqual(state.removeUser('a').map((c) => c.name), ['#One']);
    assert.deepEqual(state.members('#one').map((m) => m.user.nick), ['Bob']);
    assert.equal(state.user('a'), undefined);
  });
});

describe('virtual client nicks', () => {
  it('tags the nick with the network and keeps the tag when shortening', () => {
    const remote = { network: 'jabber', id: 'alice@example.org', nick: 'alice' };
    assert.equal(allocateNick('{nick}|{network}', remote, 30, () => false), 'alice|jabber');
    assert.equal(allocateNick('{nick}/{network}', remote, 30, () => false), 'alice|jabber', '/ (refused by ngIRCd) becomes |');
    assert.equal(allocateNick('{nick}|{network}', { ...remote, nick: 'averyveryverylongnick' }, 12, () => false), 'avery|jabber');
    assert.equal(allocateNick('{nick}|{network}', remote, 30, (n) => n === 'alice|jabber'), 'alice|1|jabber', 'a collision adds a numbered separator');
    assert.equal(identFor({ ...remote, nick: 'Zoë Müller-Lüdenscheidt' }), 'ZoeMullerL');
    assert.equal(hostFor(remote, 'bridge.example'), 'jabber.bridge.example');
  });

  it('property: always a valid nick within NICKLEN, never one in use', () => {
    fc.assert(fc.property(
      fc.string({ maxLength: 40 }), fc.string({ maxLength: 20 }), fc.integer({ min: 9, max: 40 }), fc.integer({ min: 0, max: 10 }),
      (nick, net, nickLen, occupied) => {
        const remote = { network: net || 'n', id: 'x', nick };
        // The first `occupied` nicks the allocator would try are in use already.
        const taken = new Set(Array.from({ length: occupied }, (_, attempt) => puppetNick('{nick}|{network}', { nick, network: remote.network }, nickLen, attempt)));
        const chosen = allocateNick('{nick}|{network}', remote, nickLen, (n) => taken.has(n));
        assert.ok(chosen !== undefined);
        assert.ok(isValidNick(chosen, nickLen), `${JSON.stringify(chosen)} for NICKLEN ${nickLen}`);
        assert.ok(!taken.has(chosen), 'not a nick in use');
      },
    ));
  });
});

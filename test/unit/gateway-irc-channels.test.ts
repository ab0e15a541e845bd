/**
 * The channels of one IRC session (src/gateway/irc/channels.ts), fed protocol lines through
 * irc-framework's own parser: a join answers with the members (roles from their prefixes) and
 * the topic at RPL_ENDOFNAMES, or the server's refusal; what happens afterwards becomes room
 * events; members are bounded; lines for channels the person is not in are ignored.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ircLineParser } from 'irc-framework';
import { LegacyRefusal, type RoomEvent } from '../../src/gateway/api.js';
import { DEFAULT_PREFIXES } from '../../src/gateway/irc/channel-modes.js';
import { IrcChannels, MAX_MEMBERS } from '../../src/gateway/irc/channels.js';

function setup() {
  const sent: string[] = [];
  const events: Array<[string, RoomEvent]> = [];
  const channels = new IrcChannels({
    send: (line) => void sent.push(line), nick: () => 'alice', mapping: () => 'rfc1459', prefixes: () => DEFAULT_PREFIXES,
    chanmodes: () => ['beI', 'k', 'l', 'imnpst'], event: (room, event) => void events.push([room, event]),
  });
  const feed = (...lines: string[]): void => {
    for (const line of lines) channels.line(ircLineParser(line));
  };
  return { sent, events, channels, feed };
}

describe('gateway IRC channels', () => {
  it('joins: members with roles, the topic and who set it, at the end of NAMES', async () => {
    const { sent, channels, feed } = setup();
    const joined = channels.join('#lobby', AbortSignal.timeout(5000));
    assert.deepEqual(sent, ['JOIN #lobby', 'MODE #lobby']);
    feed(':alice!a@h JOIN #Lobby', ':srv 332 alice #Lobby :hello', ':srv 333 alice #Lobby carol!c@h 1700000000',
      ':srv 353 alice = #Lobby :alice @carol +dave', ':srv 353 alice = #Lobby :~erin', ':srv 366 alice #Lobby :End of NAMES');
    assert.deepEqual(await joined, {
      name: '#Lobby',
      self: { nick: 'alice', role: 'participant', affiliation: 'none' },
      participants: [
        { nick: 'carol', role: 'moderator', affiliation: 'admin' },
        { nick: 'dave', role: 'participant', affiliation: 'member' },
        { nick: 'erin', role: 'moderator', affiliation: 'owner', hats: [{ uri: 'urn:switchboard:irc:hat:founder', title: 'Founder (~)' }] },
      ],
      subject: { text: 'hello', by: 'carol' },
    });
  });

  it('a refusal rejects the join with the condition and the server\'s words; the channel is forgotten', async () => {
    const { channels, feed } = setup();
    const joined = channels.join('#secret', AbortSignal.timeout(5000));
    feed(':srv 473 alice #secret :Cannot join channel (+i)');
    await assert.rejects(joined, (error: unknown) => error instanceof LegacyRefusal && error.condition === 'not-authorized' && /invite-only.*\+i/.test(error.message));
    assert.equal(channels.has('#secret'), false);
  });

  it('a join the server never answers is refused when the signal aborts, and parted', async () => {
    const { sent, channels } = setup();
    const controller = new AbortController();
    const joined = channels.join('#slow', controller.signal);
    controller.abort();
    await assert.rejects(joined, (error: unknown) => error instanceof LegacyRefusal && error.condition === 'remote-server-timeout');
    assert.deepEqual(sent, ['JOIN #slow', 'MODE #slow', 'PART #slow']);
  });

  it('reports joins, parts, kicks, quits, nick changes, role changes, messages and topics', async () => {
    const { channels, events, feed } = setup();
    const joined = channels.join('#lobby', AbortSignal.timeout(5000));
    feed(':alice!a@h JOIN #lobby', ':srv 353 alice = #lobby :alice @carol dave', ':srv 366 alice #lobby :End');
    await joined;
    feed(':erin!e@h JOIN #lobby', ':erin!e@h NICK erin2', ':carol!c@h MODE #lobby +vZ-k erin2 key', ':carol!c@h MODE #lobby +b x!*@*',
      ':dave!d@h PRIVMSG #lobby :hi', ':dave!d@h PRIVMSG #lobby :\u0001ACTION waves\u0001', ':dave!d@h PRIVMSG #lobby :\u0001VERSION\u0001',
      ':alice!a@h PRIVMSG #lobby :my own echo', ':irc.example.net NOTICE #lobby :server notice', ':carol!c@h TOPIC #lobby :new topic', ':carol!c@h KICK #lobby dave :behave',
      ':erin2!e@h QUIT :bye', ':carol!c@h PRIVMSG #other :not ours', ':srv 482 alice #lobby :You\'re not channel operator');
    assert.deepEqual(events.map(([room, e]) => [room, e]), [
      ['#lobby', { kind: 'joined', participant: { nick: 'erin', role: 'participant', affiliation: 'none' } }],
      ['#lobby', { kind: 'renamed', nick: 'erin', to: 'erin2' }],
      ['#lobby', { kind: 'role', participant: { nick: 'erin2', role: 'participant', affiliation: 'member' } }],
      ['#lobby', { kind: 'message', nick: 'dave', text: 'hi', action: false }],
      ['#lobby', { kind: 'message', nick: 'dave', text: 'waves', action: true }],
      ['#lobby', { kind: 'message', nick: undefined, text: 'server notice', action: false }],
      ['#lobby', { kind: 'subject', subject: { text: 'new topic', by: 'carol' } }],
      ['#lobby', { kind: 'left', nick: 'dave', reason: 'kicked by carol: behave', kicked: true }],
      ['#lobby', { kind: 'left', nick: 'erin2', reason: 'quit: bye' }],
      ['#lobby', { kind: 'refused', text: 'IRC refused: You\'re not channel operator' }],
    ]);
    // The person kicked: removed, and nothing more is reported for the channel.
    feed(':carol!c@h KICK #lobby alice :out', ':carol!c@h PRIVMSG #lobby :after');
    assert.deepEqual(events.at(-1), ['#lobby', { kind: 'removed', reason: 'kicked by carol: out', kicked: true }]);
    assert.equal(channels.has('#lobby'), false);
  });

  it('+m (from RPL_CHANNELMODEIS after the join, or MODE) makes members with no prefix visitors, and -m participants again', async () => {
    const { channels, events, feed } = setup();
    const joined = channels.join('#quiet', AbortSignal.timeout(5000));
    feed(':alice!a@h JOIN #quiet', ':srv 353 alice = #quiet :alice @carol +dave', ':srv 366 alice #quiet :End');
    await joined;
    feed(':srv 324 alice #quiet +mnt', ':carol!c@h MODE #quiet +m', ':carol!c@h MODE #quiet -m+v alice');
    assert.deepEqual(events.map(([, e]) => e), [
      { kind: 'role', participant: { nick: 'alice', role: 'visitor', affiliation: 'none' } },
      { kind: 'role', participant: { nick: 'alice', role: 'participant', affiliation: 'none' } },
      { kind: 'role', participant: { nick: 'alice', role: 'participant', affiliation: 'member' } },
    ]);
  });

  it('keeps at most MAX_MEMBERS members from NAMES', async () => {
    const { channels, feed } = setup();
    const joined = channels.join('#big', AbortSignal.timeout(5000));
    const nicks = Array.from({ length: MAX_MEMBERS + 100 }, (_, i) => `u${i}`);
    for (let i = 0; i < nicks.length; i += 50) feed(`:srv 353 alice = #big :${nicks.slice(i, i + 50).join(' ')}`);
    feed(':srv 366 alice #big :End');
    assert.equal((await joined).participants.length, MAX_MEMBERS);
  });
});

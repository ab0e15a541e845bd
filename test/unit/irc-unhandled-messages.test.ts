/**
 * withholdMessages (networks/irc/unhandled-messages.ts) on a real irc-framework client, lines fed
 * as its connection delivers them: PRIVMSG, NOTICE and TAGMSG no longer reach the library's
 * handlers (no `privmsg`/`message`/`notice`/`tagmsg`/`action` events), every other line does;
 * the hub's own listener on the connection still sees all of them; the ping-timeout timer is
 * restarted for withheld lines at most once a second.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Client, ircLineParser } from 'irc-framework';
import { withholdMessages } from '../../src/networks/irc/unhandled-messages.js';

const LINES = [
  ':alice!a@host PRIVMSG #room :hello',
  ':alice!a@host PRIVMSG #room :\u0001ACTION waves\u0001',
  ':alice!a@host NOTICE #room :note',
  '@+typing=active :alice!a@host TAGMSG #room',
  ':alice!a@host JOIN #room',
  ':alice!a@host PART #room :bye',
];

function feed(withhold: boolean, now?: () => number): { events: string[]; seen: string[]; restarts: number } {
  const client = new Client();
  let restarts = 0;
  client.resetPingTimeoutTimer = () => {
    restarts++;
  };
  if (withhold) withholdMessages(client, now);
  const events: string[] = [];
  for (const name of ['privmsg', 'message', 'action', 'notice', 'tagmsg', 'join', 'part']) client.on(name, () => events.push(name));
  const seen: string[] = [];
  client.connection.on('message', (line: { command: string }) => seen.push(line.command));
  for (const raw of LINES) client.connection.emit('message', ircLineParser(raw), raw);
  return { events, seen, restarts };
}

describe('IRC: messages withheld from the library', () => {
  it("the library's handlers see no PRIVMSG, NOTICE or TAGMSG; the hub's listener sees every line", () => {
    const before = feed(false);
    assert.ok(before.events.includes('privmsg') && before.events.includes('notice') && before.events.includes('tagmsg'), before.events.join());
    const after = feed(true);
    assert.deepEqual(after.events, ['join', 'part']);
    assert.deepEqual(after.seen, before.seen);
    assert.deepEqual(after.seen, ['PRIVMSG', 'PRIVMSG', 'NOTICE', 'TAGMSG', 'JOIN', 'PART']);
  });

  it('restarts the ping-timeout timer for withheld lines at most once a second', () => {
    let clock = 10_000;
    const client = new Client();
    let restarts = 0;
    client.resetPingTimeoutTimer = () => {
      restarts++;
    };
    withholdMessages(client, () => clock);
    const privmsg = ':alice!a@host PRIVMSG #room :hello';
    const send = (): void => void client.connection.emit('message', ircLineParser(privmsg), privmsg);
    send();
    send();
    clock += 999;
    send();
    assert.equal(restarts, 1);
    clock += 1;
    send();
    assert.equal(restarts, 2);
  });
});

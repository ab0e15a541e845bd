/** NickServ IDENTIFY at login (irc/nickserv.ts): the line sent and what NickServ's answers mean. */
import { it } from 'node:test';
import assert from 'node:assert/strict';
import { ircLineParser } from 'irc-framework';
import { LegacyRefusal } from '../../src/gateway/api.js';
import { identifyLine, identifyOutcome } from '../../src/gateway/irc/nickserv.js';

const outcome = (line: string) => identifyOutcome(ircLineParser(line));

it('reads Atheme\'s and Anope\'s answers, RPL_LOGGEDIN and a missing NickServ; ignores everything else', () => {
  assert.equal(outcome(':NickServ!NickServ@services. NOTICE alice :You are now identified for \x02alice\x02.'), 'accepted');
  assert.equal(outcome(':NickServ!s@services NOTICE alice :Password accepted - you are now recognized.'), 'accepted');
  assert.equal(outcome(':irc.example.org 900 alice alice!a@h alice :You are now logged in as alice'), 'accepted');
  const refused = outcome(':NickServ!s@services NOTICE alice :Invalid password for \x02alice\x02.');
  assert.ok(refused instanceof LegacyRefusal);
  assert.equal(refused.message, 'NickServ refused the login: "Invalid password for alice."');
  assert.equal(refused.condition, 'not-authorized');
  assert.match(String((outcome(':NickServ!s@services NOTICE alice :Nick alice isn\'t registered.') as LegacyRefusal).message), /isn't registered/);
  assert.match((outcome(':irc.example.org 401 alice NickServ :No such nick or channel name') as LegacyRefusal).message, /has no NickServ/);
  // Not about the login: another notice of NickServ's, another sender saying the words, another 401.
  assert.equal(outcome(':NickServ!s@services NOTICE alice :This nickname is registered.'), undefined);
  assert.equal(outcome(':mallory!m@h NOTICE alice :You are now identified for alice.'), undefined);
  assert.equal(outcome(':irc.example.org 401 alice bob :No such nick'), undefined);
});

it('the IDENTIFY line carries no line break, whatever the password', () => {
  assert.equal(identifyLine('pa\r\nss'), 'PRIVMSG NickServ :IDENTIFY pass');
});

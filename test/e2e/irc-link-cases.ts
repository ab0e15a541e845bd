/**
 * The server-link checks every ircd passes the same way, written once: used by
 * irc-link-ngircd.test.ts, irc-link-inspircd.test.ts and irc-link-hybrid.test.ts, each with its
 * {@link LinkIrcdTraits} (nick separator, host, line tags) and hooks for what only it does.
 */
import { after, before, describe, it, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import type { AnyEventInput } from '../../src/core/event.js';
import type { IrcServer } from '../support/servers.js';
import { channelRef, LINK_NETWORK, makeLink, remote, type Link, type LinkIrcd } from '../support/link-network.js';
import type { RawIrcClient } from '../support/clients.js';
import { waitFor } from '../support/wait.js';
import { rawInChannel, WAIT_MS } from './irc-test-bot.js';
import { escapeRegExp as escaped } from '../support/regexp.js';

export { WAIT_MS };

/** What differs between the ircds in the shared checks. */
export interface LinkIrcdTraits {
  readonly ircd: LinkIrcd;
  /** The name in test titles, e.g. 'InspIRCd'. */
  readonly label: string;
  /** Between nick and network in a virtual client's nick: ngIRCd and hybrid refuse `/`, so `|`. */
  readonly separator: '|' | '/';
  /** The channel join that carries prefixes in the burst (NJOIN, FJOIN, SJOIN): for messages. */
  readonly burstJoin: string;
  /** The ircd reports MODE changes of a channel (ngIRCd's protocol does not reach the link). */
  readonly modeEvents: boolean;
  /** The ircd sends nothing the protocol cannot use (`ignoredLines` stays 0). */
  readonly noIgnoredLines: boolean;
  /** Why the ircd closes a link that sent the wrong password. */
  readonly wrongPasswordReason: RegExp;
}

/** A link event of one command. */
export type LinkEvent<C extends AnyEventInput['command']> = Extract<AnyEventInput, { command: C }>;


/** Helpers bound to one ircd's traits. */
function on(traits: LinkIrcdTraits) {
  const host = `bridge\\.${traits.ircd}\\.test`;
  return {
    /** `nick` as a virtual client of a jabber person. */
    nick: (nick: string): string => `${nick}${traits.separator}jabber`,
    /** `nick`'s virtual client, escaped for a RegExp. */
    re: (nick: string): string => escaped(`${nick}${traits.separator}jabber`),
    host,
    /** A line from `prefix` (a RegExp source) with the message tags InspIRCd may put in front. */
    from: (prefix: string, rest = ''): RegExp => new RegExp(`^(@\\S+ )?:${prefix}${rest}`),
  };
}

/** The first event of `command` that `where` accepts, waited for. */
async function next<C extends AnyEventInput['command']>(link: Link, command: C, what: string, where: (e: LinkEvent<C>) => boolean = () => true): Promise<LinkEvent<C>> {
  return waitFor(() => link.events.find((e): e is LinkEvent<C> => e.command === command && where(e as LinkEvent<C>)), { timeoutMs: WAIT_MS, what });
}

/** A virtual client for jabber person `nick` says `text` in `channel`. */
export function say(link: Link, channel: string, nick: string, text: string): Promise<unknown> {
  return link.network.send({ target: { channel: channelRef(channel) }, kind: 'message', body: [{ type: 'text', text }], asUser: remote(nick) });
}

/** Hooks for what one ircd adds to the "seen from IRC" check. */
export interface SeenFromIrcHooks {
  /** After the burst (e.g. the channel TS). */
  readonly afterBurst?: (link: Link) => void;
  /** After the WHOIS replies (e.g. a remote WHOIS). */
  readonly afterWhois?: (link: Link, alice: RawIrcClient) => Promise<void>;
}

/**
 * Links, learns the burst, and a virtual client speaks natively (NAMES, WHOIS, PRIVMSG); what
 * alice does on IRC (messages, TOPIC, MODE, NICK, PART) reaches the link as events.
 */
export async function checkSeenFromIrc(t: TestContext, traits: LinkIrcdTraits, server: IrcServer, hooks: SeenFromIrcHooks = {}): Promise<void> {
  const { nick, re, host, from } = on(traits);
  const bob = nick('bob');
  const alice = await rawInChannel(t, server, 'alice', '#lobby');
  const link = makeLink(t, traits.ircd, server, ['#lobby']);
  await link.network.connect();
  assert.ok(link.events.some((e) => e.command === 'UID' && e.args.user.nick === 'alice'), 'alice introduced in the burst');
  assert.deepEqual(link.events.filter((e) => e.command === 'ENDBURST').map((e) => e.args), [{ server: server.serverName }, { server: LINK_NETWORK }]);
  assert.deepEqual(link.network.members(channelRef('#lobby')).map((u) => u.nick), ['alice']);
  assert.equal(link.network.isModerator(channelRef('#lobby'), { network: LINK_NETWORK, id: 'alice', nick: 'alice' }), true, `${traits.burstJoin} carried alice's op`);
  hooks.afterBurst?.(link);
  await alice.waitForLine(from('Switchboard!\\S+ JOIN :?#lobby$'), WAIT_MS);

  await say(link, '#lobby', 'bob', 'hello from xmpp');
  assert.match(await alice.waitForLine(from(`${re('bob')}!\\S+ JOIN :?#lobby$`), WAIT_MS), from(`${re('bob')}!bob@jabber\\.${host} JOIN`));
  assert.match(await alice.waitForLine(/PRIVMSG #lobby :hello from xmpp$/, WAIT_MS), from(`${re('bob')}!bob@jabber\\.${host} PRIVMSG`));

  alice.send('NAMES #lobby');
  const names = await alice.waitForLine(new RegExp(` 353 alice = #lobby :.*${re('bob')}`), WAIT_MS);
  assert.deepEqual(names.slice(names.indexOf(' :') + 2).trim().split(' ').sort(), ['@alice', 'Switchboard', bob]);
  alice.send(`WHOIS ${bob}`);
  assert.match(await alice.waitForLine(new RegExp(` 311 alice ${re('bob')} `), WAIT_MS), new RegExp(`${re('bob')} bob jabber\\.${host} \\* :bob \\(jabber\\)$`));
  assert.match(await alice.waitForLine(new RegExp(` 312 alice ${re('bob')} `), WAIT_MS), new RegExp(host));
  await hooks.afterWhois?.(link, alice);

  alice.send('PRIVMSG #lobby :hi \x02bob\x02');
  const message = await next(link, 'MESSAGE', 'MESSAGE from alice');
  assert.equal(message.sender, 'alice');
  assert.deepEqual(message.args.channel, channelRef('#lobby'));
  assert.equal(message.args.message.author.nick, 'alice');
  alice.send(`PRIVMSG ${bob} :private hello`);
  const direct = await next(link, 'MESSAGE', 'private MESSAGE', (e) => e.args.channel === undefined);
  assert.equal(direct.args.message.recipient?.nick, bob);

  alice.send('TOPIC #lobby :new topic');
  const topic = await next(link, 'TOPIC', 'TOPIC');
  assert.deepEqual(topic.args, { channel: channelRef('#lobby'), text: 'new topic', oldText: '', setter: 'alice' });
  if (traits.modeEvents) {
    alice.send(`MODE #lobby +v ${bob}`);
    const mode = await next(link, 'MODE', 'MODE');
    assert.deepEqual(mode.args.modes, [{ mode: '+v', arg: bob }], 'the uid in the mode line is a nick in the event');
  }
  alice.send('NICK alicia');
  const renamed = await next(link, 'NICK', 'NICK');
  assert.deepEqual([renamed.args.oldNick, renamed.args.newNick], ['alice', 'alicia']);
  alice.send('PART #lobby :bye');
  const part = await next(link, 'PART', 'PART');
  assert.equal(part.args.user.nick, 'alicia');
  assert.deepEqual(link.network.members(channelRef('#lobby')), []);
  if (traits.noIgnoredLines) assert.equal(link.network.ignoredLines, 0, `${traits.label} sent nothing the protocol could not use`);
}

/** Links ten times in a row, each time with a full burst (no start-up race). */
export async function checkTenLinks(t: TestContext, traits: LinkIrcdTraits, server: IrcServer): Promise<void> {
  const { re, from } = on(traits);
  const carol = await rawInChannel(t, server, 'carol', '#race');
  for (let i = 0; i < 10; i++) {
    const link = makeLink(t, traits.ircd, server, ['#race']);
    await link.network.connect();
    assert.ok(link.network.members(channelRef('#race')).some((u) => u.nick === 'carol'), `start ${i}: the burst has carol`);
    await say(link, '#race', 'dave', `start ${i}`);
    assert.match(await carol.waitForLine(new RegExp(`PRIVMSG #race :start ${i}$`), WAIT_MS), from(`${re('dave')}!`));
    await link.network.disconnect({ deadlineMs: 2000 });
    await carol.waitForLine(from(`${re('dave')}!\\S+ QUIT `), WAIT_MS);
    assert.deepEqual(link.losses, [], 'a disconnect is not a lost connection');
  }
}

/** Relinks after a restart of the ircd with a fresh state (full resync). Restarts `server`. */
export async function checkRelink(t: TestContext, traits: LinkIrcdTraits, server: IrcServer): Promise<void> {
  const { re, from } = on(traits);
  const link = makeLink(t, traits.ircd, server, ['#again']);
  await link.network.connect();
  await say(link, '#again', 'erin', 'before');
  await server.restart();
  const loss = await waitFor(() => link.losses[0], { timeoutMs: WAIT_MS, what: 'connectionLost' });
  assert.equal(loss.wasSuccessful, true);
  assert.notEqual(loss.fatal, true);
  const frank = await rawInChannel(t, server, 'frank', '#again');
  await link.network.connect();
  assert.deepEqual(link.network.members(channelRef('#again')).map((u) => u.nick), ['frank'], 'the state is the new server\'s');
  await say(link, '#again', 'erin', 'after');
  assert.match(await frank.waitForLine(/PRIVMSG #again :after$/, WAIT_MS), from(`${re('erin')}!`), 'the virtual client is introduced again');
}

/** `connect` of `link` fails as fatal, with a message `reason` matches. */
export async function expectFatalRefusal(link: Link, reason: RegExp): Promise<void> {
  await assert.rejects(link.network.connect(), (error: Error & { fatal?: boolean }) => {
    assert.match(error.message, reason);
    return error.fatal === true;
  });
}

/** Refuses a wrong link password either way as fatal, and a rejected attempt reports no loss. */
export async function checkWrongPasswords(t: TestContext, traits: LinkIrcdTraits, server: IrcServer): Promise<void> {
  const wrongAnswer = makeLink(t, traits.ircd, server, [], { receivePassword: `not-what-${traits.ircd}-sends` });
  await expectFatalRefusal(wrongAnswer, /another link password than receivePassword/);
  const wrongSent = makeLink(t, traits.ircd, server, [], { sendPassword: `not-what-${traits.ircd}-expects` });
  await expectFatalRefusal(wrongSent, traits.wrongPasswordReason);
  assert.deepEqual([...wrongAnswer.losses, ...wrongSent.losses], []);
}

/** Keeps a quiet link alive with its own PINGs, which the ircd answers (no timeout for 3 intervals). */
export async function checkKeepAlive(t: TestContext, traits: LinkIrcdTraits, server: IrcServer): Promise<void> {
  const link = makeLink(t, traits.ircd, server, ['#quiet'], { pingIntervalSec: 5 });
  await link.network.connect();
  // Nothing else happens on this link: without PONGs it would count as lost after 10 s.
  await new Promise((resolve) => setTimeout(resolve, 16_000));
  assert.deepEqual(link.losses, []);
  const dave = await rawInChannel(t, server, 'dave', '#quiet');
  dave.send('PRIVMSG #quiet :still linked');
  await next(link, 'MESSAGE', 'a message over the quiet link');
}

/** Hooks for what one ircd adds to the oper KILL check. */
export interface OperKillHooks {
  /** After the link is up (e.g. the oper in the burst). */
  readonly afterConnect?: (link: Link) => void;
  /** On the KILL of the virtual client (e.g. its reason). */
  readonly onKill?: (kill: LinkEvent<'KILL'>) => void;
  /** At the end, before the check that nothing was lost (e.g. a CHGHOST). */
  readonly atEnd?: (link: Link, oper: RawIrcClient) => Promise<void>;
}

/**
 * An oper KILL of a virtual client or of the service client is reported, and both come back; a
 * kicked service client rejoins.
 */
export async function checkOperKill(t: TestContext, traits: LinkIrcdTraits, server: IrcServer, hooks: OperKillHooks = {}): Promise<void> {
  const { nick, re, from } = on(traits);
  const gina = nick('gina');
  const oper = await rawInChannel(t, server, 'oper1', '#kills');
  oper.send(`OPER ${server.operName} ${server.operPassword}`);
  await oper.waitForLine(/ 381 oper1 /, WAIT_MS);
  const link = makeLink(t, traits.ircd, server, ['#kills'], { rejoinDelayMs: 50 });
  await link.network.connect();
  hooks.afterConnect?.(link);
  await say(link, '#kills', 'gina', 'one');
  await oper.waitForLine(from(`${re('gina')}!\\S+ PRIVMSG #kills :one$`), WAIT_MS);
  oper.send(`KILL ${gina} :go away`);
  const kill = await next(link, 'KILL', 'KILL');
  assert.equal(kill.args.target.nick, gina);
  assert.equal(kill.args.by?.nick, 'oper1');
  hooks.onKill?.(kill);
  await say(link, '#kills', 'gina', 'two');
  await oper.waitForLine(from(`${re('gina')}!\\S+ JOIN :?#kills$`), WAIT_MS);
  await oper.waitForLine(from(`${re('gina')}!\\S+ PRIVMSG #kills :two$`), WAIT_MS);

  oper.send('KILL Switchboard :and you');
  await oper.waitForLine(from('Switchboard!\\S+ QUIT '), WAIT_MS);
  await oper.waitForLine(from('Switchboard!\\S+ JOIN :?#kills$'), WAIT_MS);
  oper.send('PRIVMSG #kills :still heard');
  await next(link, 'MESSAGE', 'a message after the service client came back', (e) => JSON.stringify(e.args.message.body).includes('still heard'));
  oper.send('KICK #kills Switchboard :out');
  const kick = await next(link, 'KICK', 'KICK');
  assert.equal(kick.args.target.nick, 'Switchboard');
  await oper.waitForLine(from('Switchboard!\\S+ JOIN :?#kills$'), WAIT_MS);
  await hooks.atEnd?.(link, oper);
  assert.deepEqual(link.losses, []);
  if (traits.noIgnoredLines) assert.equal(link.network.ignoredLines, 0);
}

/** The ordinary checks as tests of the current suite, for `server()` (from its `before`); relink last, as it restarts the server. */
export function commonLinkTests(traits: LinkIrcdTraits, server: () => IrcServer, hooks: { seen?: SeenFromIrcHooks } = {}): void {
  it('links, learns the burst, and a virtual client speaks natively (NAMES, WHOIS, PRIVMSG), both ways', (t) => checkSeenFromIrc(t, traits, server(), hooks.seen));
  it('links ten times in a row, each time with a full burst (no start-up race)', (t) => checkTenLinks(t, traits, server()));
  it('refuses a wrong link password either way as fatal, and a rejected attempt reports no loss', (t) => checkWrongPasswords(t, traits, server()));
  it(`keeps a quiet link alive with its own PINGs, which ${traits.label} answers (no timeout for 3 intervals)`, (t) => checkKeepAlive(t, traits, server()));
  it(`relinks after a ${traits.label} restart with a fresh state (full resync)`, (t) => checkRelink(t, traits, server()));
}

/**
 * A suite of tests on one ircd from `start`, stopped after the suite; `body` registers the tests,
 * which reach the running ircd through `server()`.
 */
export function describeOnIrcd(title: string, timeoutMs: number, start: () => Promise<IrcServer>, body: (server: () => IrcServer) => void): void {
  describe(title, { timeout: timeoutMs }, () => {
    let running: IrcServer | undefined;
    before(async () => {
      running = await start();
    });
    after(() => running?.stop());
    body(() => {
      if (!running) throw new Error(`${title}: the ircd did not start`);
      return running;
    });
  });
}

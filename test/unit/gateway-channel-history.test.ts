/**
 * Gateway room backfill from IRCv3 CHATHISTORY (src/gateway/irc/channel-history.ts) and the
 * history lines kept from irc-framework (src/networks/irc/history-withheld.ts), over a simulated
 * server answering as Ergo does (exclusive bounds, the newest `limit` of a range, oldest first in
 * the batch, events with draft/event-playback). The e2e on a real Ergo:
 * test/e2e/gateway-history-ergo.test.ts.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { ircLineParser } from 'irc-framework';
import { ChannelHistory, historyMessage, historyRequest, MAX_PAGES, OWN_ECHO_MS, type HistoryHole } from '../../src/gateway/irc/channel-history.js';
import { HistoryLines } from '../../src/networks/irc/history-withheld.js';

const T0 = Date.UTC(2026, 0, 1, 12, 0);
const fold = (name: string): string => name.toLowerCase();

/** One item of the simulated channel history. */
interface Item {
  readonly id: string;
  readonly at: number;
  readonly nick: string;
  readonly text: string;
  /** JOIN: an event (draft/event-playback), not a message. */
  readonly command?: 'PRIVMSG' | 'NOTICE' | 'JOIN';
}

function itemLine(item: Item, batch: string): string {
  const tags = `@batch=${batch};msgid=${item.id};time=${new Date(item.at).toISOString()}`;
  return item.command === 'JOIN' ? `${tags} :${item.nick}!u@h JOIN #lobby` : `${tags} :${item.nick}!u@h ${item.command ?? 'PRIVMSG'} #lobby :${item.text}`;
}

/** Where a reference points: a time, or the position of a msgid (undefined: unknown msgid). */
function position(history: readonly Item[], ref: string): number | undefined {
  if (ref.startsWith('timestamp=')) return Date.parse(ref.slice(10));
  const found = history.find((i) => i.id === ref.slice(6));
  return found?.at;
}

let batches = 0;

/** Ergo's answer to one CHATHISTORY request over `history` (oldest first): the lines of one batch. */
function answer(history: readonly Item[], line: string, max: number): string[] {
  const [, sub = '', target = '', a = '', b = '', c = ''] = line.split(' ');
  const limit = Math.min(Number(sub === 'BETWEEN' ? c : b), max);
  let low = -Infinity;
  let high = Infinity;
  if (sub === 'LATEST' && a !== '*') low = position(history, a) ?? Infinity;
  else if (sub === 'BEFORE') high = position(history, a) ?? -Infinity;
  else if (sub === 'BETWEEN') {
    const [x = 0, y = 0] = [position(history, a) ?? Number.NaN, position(history, b) ?? Number.NaN];
    low = Math.min(x, y);
    high = Math.max(x, y);
  }
  const range = history.filter((i) => i.at > low && i.at < high);
  const batch = `b${++batches}`;
  return [`:ergo.test BATCH +${batch} chathistory ${target}`, ...range.slice(Math.max(0, range.length - limit)).map((i) => itemLine(i, batch)), `:ergo.test BATCH -${batch}`];
}

/** A ChannelHistory on a simulated connection: what it sent, and how the server answers. */
function rig(history: readonly Item[], options: { caps?: readonly string[]; isupport?: Record<string, unknown>; nick?: string; reply?: (line: string) => string[] } = {}) {
  const sent: string[] = [];
  const caps = new Set(options.caps ?? ['batch', 'server-time', 'message-tags', 'draft/chathistory']);
  const isupport = options.isupport ?? { CHATHISTORY: '1000' };
  const channel: ChannelHistory = new ChannelHistory({
    send: async (line) => {
      sent.push(line);
      const lines = options.reply?.(line) ?? answer(history, line, Number(isupport.CHATHISTORY) || 1000);
      queueMicrotask(() => lines.forEach((l) => channel.take(ircLineParser(l))));
      return true;
    },
    capEnabled: (cap) => caps.has(cap),
    supports: (name) => isupport[name],
    fold,
    nick: () => options.nick ?? 'bob',
  });
  return { channel, sent };
}

const said = (n: number, at: number, nick = 'alice', command: Item['command'] = 'PRIVMSG'): Item => ({ id: `m${n}`, at, nick, text: `text ${n}`, command });
const signal = (): AbortSignal => AbortSignal.timeout(5000);

void describe('gateway CHATHISTORY lines and requests', () => {
  void it('reads a message, an ACTION and a server notice; drops other CTCPs, context lines, other targets and lines without msgid or time', () => {
    const line = (text: string): ReturnType<typeof ircLineParser> => ircLineParser(text);
    const time = new Date(T0).toISOString();
    assert.deepEqual(historyMessage(line(`@msgid=a;time=${time} :alice!u@h PRIVMSG #Lobby :hi there`), '#lobby', fold), { id: 'a', nick: 'alice', text: 'hi there', action: false, at: T0 });
    assert.deepEqual(historyMessage(line(`@msgid=b;time=${time} :alice!u@h PRIVMSG #lobby :\u0001ACTION waves\u0001`), '#lobby', fold), { id: 'b', nick: 'alice', text: 'waves', action: true, at: T0 });
    assert.equal(historyMessage(line(`@msgid=c;time=${time} :irc.test NOTICE #lobby :maintenance`), '#lobby', fold)?.nick, undefined);
    for (const bad of [
      `@msgid=d;time=${time} :alice!u@h PRIVMSG #lobby :\u0001VERSION\u0001`,
      `@msgid=e;time=${time};draft/chathistory-context=x :alice!u@h PRIVMSG #lobby :context`,
      `@msgid=f;time=${time} :alice!u@h PRIVMSG #other :elsewhere`,
      `@time=${time} :alice!u@h PRIVMSG #lobby :no id`,
      `@msgid=g :alice!u@h PRIVMSG #lobby :no time`,
      `@msgid=${'x'.repeat(201)};time=${time} :alice!u@h PRIVMSG #lobby :id too long`,
      `@msgid=h;time=${time} :alice!u@h JOIN #lobby`,
    ]) assert.equal(historyMessage(line(bad), '#lobby', fold), undefined, bad);
  });

  void it('asks LATEST from the newest, BEFORE the oldest read, BETWEEN it and the hole\'s start', () => {
    const after = { id: 'x', at: T0 };
    assert.equal(historyRequest('#lobby', undefined, undefined, 50), 'LATEST #lobby * 50');
    assert.equal(historyRequest('#lobby', undefined, after, 50), `LATEST #lobby timestamp=${new Date(T0).toISOString()} 50`);
    assert.equal(historyRequest('#lobby', 'msgid=m9', undefined, 50), 'BEFORE #lobby msgid=m9 50');
    assert.equal(historyRequest('#lobby', 'msgid=m9', after, 50), `BETWEEN #lobby msgid=m9 timestamp=${new Date(T0).toISOString()} 50`);
  });

  void it('withholds the lines of chathistory batches (and nested ones) from irc-framework, not other batches or live lines', () => {
    const lines = new HistoryLines();
    const w = (text: string): boolean => lines.withheld(ircLineParser(text));
    assert.deepEqual([
      w(':s BATCH +h1 chathistory #lobby'), w('@batch=h1 :a!u@h PRIVMSG #lobby :old'), w('@batch=h1 :s BATCH +n1 netsplit a b'), w('@batch=n1 :a!u@h QUIT :x'),
      w(':s BATCH -n1'), w(':s BATCH -h1'), w('@batch=h1 :a!u@h NICK :late'),
      w(':s BATCH +s1 netsplit a b'), w('@batch=s1 :a!u@h QUIT :x'), w(':s BATCH -s1'), w(':a!u@h PRIVMSG #lobby :live'),
    ], [true, true, true, true, true, true, false, false, false, false, false]);
  });
});

void describe('gateway room backfill over CHATHISTORY', () => {
  void it('no bound: the newest `limit` messages, oldest first, events skipped but counted towards pages', async () => {
    const history = Array.from({ length: 12 }, (_, i) => said(i, T0 + i * 1000, i % 4 === 0 ? 'carol' : 'alice', i % 4 === 0 ? 'JOIN' : 'PRIVMSG'));
    const { channel, sent } = rig(history, { isupport: { CHATHISTORY: '3' } });
    const got = await channel.backfill('#lobby', { limit: 5 }, signal());
    assert.deepEqual(got.map((m) => m.id), ['m5', 'm6', 'm7', 'm9', 'm10', 'm11'].slice(-5));
    assert.deepEqual(sent.slice(0, 2), ['CHATHISTORY LATEST #lobby * 3', 'CHATHISTORY BEFORE #lobby msgid=m9 3']);
  });

  void it('a downtime hole: only what lies between its bounds, read with BETWEEN, paging by msgid', async () => {
    const history = Array.from({ length: 10 }, (_, i) => said(i, T0 + i * 1000));
    const { channel, sent } = rig(history, { isupport: { CHATHISTORY: '2' } });
    const hole: HistoryHole = { after: { id: 'm1', at: T0 + 1000 }, before: { id: 'm8', at: T0 + 8000 }, limit: 100 };
    const got = await channel.backfill('#lobby', hole, signal());
    assert.deepEqual(got.map((m) => m.id), ['m2', 'm3', 'm4', 'm5', 'm6', 'm7']);
    assert.match(sent[0] ?? '', /^CHATHISTORY BETWEEN #lobby timestamp=\S+ timestamp=\S+ 2$/);
    assert.match(sent[1] ?? '', /^CHATHISTORY BETWEEN #lobby msgid=m6 timestamp=\S+ 2$/);
  });

  void it(`leaves out the person's own nick within ${OWN_ECHO_MS / 1000} s of the hole's start (what they said through the gateway), not later`, async () => {
    const history = [said(1, T0 + 5, 'Bob'), said(2, T0 + 10), said(3, T0 + OWN_ECHO_MS + 1, 'bob')];
    const { channel } = rig(history);
    const got = await channel.backfill('#lobby', { after: { id: 'gateway-id', at: T0 }, limit: 10 }, signal());
    assert.deepEqual(got.map((m) => m.id), ['m2', 'm3']);
  });

  void it('asks nothing of a server without the capability (or without batch/server-time)', async () => {
    for (const caps of [['batch', 'server-time', 'message-tags'], ['draft/chathistory', 'server-time', 'message-tags']]) {
      const { channel, sent } = rig([said(1, T0)], { caps, isupport: {} });
      assert.deepEqual(await channel.backfill('#lobby', { limit: 10 }, signal()), []);
      assert.deepEqual(sent, []);
    }
    // ISUPPORT CHATHISTORY without the cap is enough.
    const { channel } = rig([said(1, T0)], { caps: ['batch', 'server-time', 'message-tags'] });
    assert.equal((await channel.backfill('#lobby', { limit: 10 }, signal())).length, 1);
  });

  void it('a refusal, a server without timestamp references, a server that never answers: rejects with why', async () => {
    const refusing = rig([], { reply: () => [':ergo.test FAIL CHATHISTORY INVALID_TARGET LATEST #lobby :Messages could not be retrieved'] });
    await assert.rejects(refusing.channel.backfill('#lobby', { limit: 10 }, signal()), /refused CHATHISTORY \(INVALID_TARGET/);
    const idsOnly = rig([], { isupport: { CHATHISTORY: '100', MSGREFTYPES: 'msgid' } });
    await assert.rejects(idsOnly.channel.backfill('#lobby', { limit: 10 }, signal()), /no timestamp reference/);
    assert.deepEqual(idsOnly.sent, []);
    const silent = rig([], { reply: () => [] });
    const giveUp = new AbortController();
    const timer = setTimeout(() => giveUp.abort(new Error('backfill timeout')), 20); // a ref'd timer: AbortSignal.timeout's would not keep the test alive
    await assert.rejects(silent.channel.backfill('#lobby', { limit: 10 }, giveUp.signal), /no complete answer to CHATHISTORY in time \(Error: backfill timeout\)/);
    clearTimeout(timer);
  });

  void it(`a server repeating a full page stops at once; one with endless pages at ${MAX_PAGES} pages`, async () => {
    const repeating = rig([], { reply: () => answer([said(1, T0), said(2, T0 + 1)], 'CHATHISTORY LATEST #lobby * 2', 2), isupport: { CHATHISTORY: '2' } });
    assert.equal((await repeating.channel.backfill('#lobby', { limit: 100 }, signal())).length, 2);
    assert.equal(repeating.sent.length, 2);
    let n = 0;
    const endless = rig([], { reply: () => answer([said(++n, T0 - n), said(++n, T0 - n)], 'CHATHISTORY LATEST #lobby * 2', 2), isupport: { CHATHISTORY: '2' } });
    assert.equal((await endless.channel.backfill('#lobby', { limit: 10_000 }, signal())).length, 2 * MAX_PAGES);
    assert.equal(endless.sent.length, MAX_PAGES);
  });

  void it('property: the newest `limit` of what lies strictly between the bounds, each once, in time order', async () => {
    await fc.assert(fc.asyncProperty(
      fc.array(fc.record({ at: fc.integer({ min: 0, max: 500 }), event: fc.boolean() }), { maxLength: 60 }),
      fc.option(fc.integer({ min: 0, max: 500 }), { nil: undefined }), fc.option(fc.integer({ min: 0, max: 500 }), { nil: undefined }),
      fc.integer({ min: 1, max: 30 }), fc.integer({ min: 1, max: 7 }),
      async (raw, low0, high0, limit, page) => {
        // The framework's hole never ends before it starts.
        const [low, high] = low0 !== undefined && high0 !== undefined && low0 > high0 ? [high0, low0] : [low0, high0];
        // Distinct times (Ergo's references are exclusive; equal times at a page edge are a server matter).
        const history = [...new Map(raw.map((r) => [r.at, r])).values()].sort((a, b) => a.at - b.at)
          .map((r, i) => said(i, T0 + r.at * 10, 'alice', r.event ? 'JOIN' : 'PRIVMSG'));
        const hole: HistoryHole = {
          ...(low === undefined ? {} : { after: { id: 'a', at: T0 + low * 10 + 5 } }),
          ...(high === undefined ? {} : { before: { id: 'b', at: T0 + high * 10 + 5 } }),
          limit,
        };
        const { channel } = rig(history, { isupport: { CHATHISTORY: String(page) } });
        const got = await channel.backfill('#lobby', hole, signal());
        const inside = history.filter((i) => i.command !== 'JOIN' && (hole.after === undefined || i.at > hole.after.at) && (hole.before === undefined || i.at < hole.before.at));
        const expected = inside.slice(-limit).map((i) => i.id);
        // Events use up pages: at most MAX_PAGES pages are read, so with tiny pages fewer may come (the newest ones).
        assert.deepEqual(got.map((m) => m.id), expected.slice(expected.length - got.length));
        if (page * MAX_PAGES >= history.length) assert.deepEqual(got.map((m) => m.id), expected);
      },
    ), { numRuns: 200 });
  });
});

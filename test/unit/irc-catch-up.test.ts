/**
 * IRC catch-up through IRCv3 CHATHISTORY (src/networks/irc/catch-up.ts, history-batches.ts).
 * No Debian ircd offers CHATHISTORY (Ergo, InspIRCd 4 and UnrealIRCd 6 do), so the server side
 * is recorded lines in Ergo's wire format: its CAP LS and ISUPPORT, `BATCH +ref chathistory`
 * answers with `msgid` and `time` tags, `FAIL CHATHISTORY` refusals. They go through
 * irc-framework's parser, and in the adapter tests through the whole inbound path.
 */
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { ircLineParser } from 'irc-framework';
import { captureLog } from '../../src/app/log-capture.js';
import type { AnyEventInput } from '../../src/core/event.js';
import type { Message } from '../../src/core/message.js';
import { RoomCursors } from '../../src/networks/catch-up/cursors.js';
import { IrcNetwork } from '../../src/networks/irc/adapter.js';
import { IrcCatchUp } from '../../src/networks/irc/catch-up.js';
import { ircConfigSchema } from '../../src/networks/irc/config.js';
import { HistoryBatches, type HistoryPage } from '../../src/networks/irc/history-batches.js';
import type { IrcLine } from '../../src/networks/irc/inbound.js';
import { ServerSupport } from '../../src/networks/irc/isupport.js';
import { LogOnce } from '../../src/networks/log-once.js';
import { MemoryStore } from '../support/memory-store.js';
import { RecordedIrcServer } from '../support/recorded-irc-server.js';
import { waitFor } from '../support/wait.js';

const NOW = Date.UTC(2026, 0, 1, 12, 0);
const MINUTE = 60_000;
const SERVER = 'ergo.test';
/** Ergo's CAP LS (1.x), as it sends it. */
const ERGO_CAPS = ['account-notify', 'account-tag', 'away-notify', 'batch', 'cap-notify', 'chghost', 'draft/chathistory', 'draft/event-playback',
  'echo-message', 'extended-join', 'invite-notify', 'labeled-response', 'message-tags', 'multi-prefix', 'server-time', 'setname', 'userhost-in-names'];
const ERGO_ISUPPORT = ['CASEMAPPING=ascii', 'CHANTYPES=#', 'CHATHISTORY=1000', 'MSGREFTYPES=msgid,timestamp', 'NETWORK=ErgoTest', 'PREFIX=(qaohv)~&@%+'];

/** One message of a recorded channel history. */
interface Said {
  readonly id: string;
  readonly time: number;
  readonly nick: string;
  readonly text: string;
  readonly command?: 'PRIVMSG' | 'NOTICE';
}

/** A PRIVMSG (or NOTICE) line as Ergo sends it, live (no batch) or in a history batch. */
function saidLine(target: string, said: Said, batch?: string): string {
  const tags = `${batch === undefined ? '' : `batch=${batch};`}msgid=${said.id};time=${new Date(said.time).toISOString()}`;
  return `@${tags} :${said.nick}!~${said.nick}@127.0.0.1 ${said.command ?? 'PRIVMSG'} ${target} :${said.text}`;
}

let batchCounter = 0;

/**
 * Answers `CHATHISTORY LATEST|BEFORE <target> <ref> <limit>` over `history` (oldest first) as
 * the spec and Ergo do: LATEST gives the newest `limit` after (excluding) the reference (`*`: no
 * bound), BEFORE the `limit` just before it; an unknown msgid gives an empty batch.
 */
function answerHistory(history: readonly Said[], line: string): string[] {
  const [command, sub = '', target = '', ref = '', limitText = ''] = line.split(' ');
  if (command !== 'CHATHISTORY') return [];
  const limit = Number(limitText);
  const index = (): number | undefined => {
    if (ref.startsWith('msgid=')) {
      const at = history.findIndex((s) => s.id === ref.slice(6));
      return at === -1 ? undefined : at;
    }
    return undefined;
  };
  let selected: Said[];
  if (sub === 'LATEST') {
    let candidates: readonly Said[] = history;
    if (ref.startsWith('timestamp=')) candidates = history.filter((s) => s.time > Date.parse(ref.slice(10)));
    else if (ref.startsWith('msgid=')) {
      const at = index();
      candidates = at === undefined ? [] : history.slice(at + 1);
    }
    selected = candidates.slice(Math.max(0, candidates.length - limit));
  } else if (sub === 'BEFORE') {
    let candidates: readonly Said[];
    if (ref.startsWith('timestamp=')) candidates = history.filter((s) => s.time < Date.parse(ref.slice(10)));
    else {
      const at = index();
      candidates = at === undefined ? [] : history.slice(0, at);
    }
    selected = candidates.slice(Math.max(0, candidates.length - limit));
  } else {
    return [`:${SERVER} FAIL CHATHISTORY INVALID_PARAMS ${sub} :Unknown command`];
  }
  const batch = `h${++batchCounter}`;
  return [`:${SERVER} BATCH +${batch} chathistory ${target}`, ...selected.map((s) => saidLine(target, s, batch)), `:${SERVER} BATCH -${batch}`];
}

const parsed = (line: string): IrcLine => ircLineParser(line);
const textOf = (line: IrcLine): string => line.params[1] ?? '';

void describe('history batches', () => {
  const rig = () => {
    const dropped: string[] = [];
    const batches = new HistoryBatches((name) => name.toLowerCase(), (why) => dropped.push(why));
    const feed = (...lines: string[]): boolean[] => lines.map((line) => batches.take(parsed(line)));
    return { batches, dropped, feed };
  };

  void it('collects the answer to a request; drops nested, unrequested and repeated batches and what follows an end', async () => {
    const { batches, dropped, feed } = rig();
    const answer = batches.expect('#Chan', 10);
    const taken = feed(
      `:${SERVER} BATCH +x chathistory #other`,
      '@batch=x;msgid=o1;time=2026-01-01T11:00:00.000Z :al!a@h PRIVMSG #other :not asked for',
      `:${SERVER} BATCH +a chathistory #chan`,
      '@batch=a;msgid=m1;time=2026-01-01T11:00:00.000Z :al!a@h PRIVMSG #chan :one',
      `@batch=a :${SERVER} BATCH +n netsplit irc.a irc.b`,
      '@batch=n :al!a@h NICK mallory',
      `@batch=a :${SERVER} BATCH -n`,
      '@batch=a;msgid=m2;time=2026-01-01T11:00:01.000Z :al!a@h PRIVMSG #chan :two',
      `:${SERVER} BATCH -a`,
      '@batch=a;msgid=m3;time=2026-01-01T11:00:02.000Z :al!a@h PRIVMSG #chan :after the end',
      `:${SERVER} BATCH +b chathistory #chan`,
      `:${SERVER} BATCH -x`,
    );
    assert.ok(taken.every(Boolean), 'every line is history');
    const page: HistoryPage = await answer;
    assert.deepEqual(page.lines.map(textOf), ['one', 'two']);
    assert.equal(page.overflow, false);
    assert.deepEqual(dropped, ['unrequested', 'nested', 'unrequested']);
  });

  void it('drops the answer to a request given up quietly, and only that one', async () => {
    const { batches, dropped, feed } = rig();
    await assert.rejects(Promise.all([batches.expect('#chan', 10), Promise.resolve().then(() => batches.cancel('#chan', new Error('timed out')))]), /timed out/);
    assert.deepEqual(feed(`:${SERVER} BATCH +a chathistory #chan`, '@batch=a;msgid=m1 :al!a@h PRIVMSG #chan :late', `:${SERVER} BATCH -a`), [true, true, true]);
    assert.deepEqual(dropped, [], 'an expected late answer is not reported');
    feed(`:${SERVER} BATCH +b chathistory #chan`);
    assert.deepEqual(dropped, ['unrequested']);
  });

  void it('leaves live lines and other batches alone', () => {
    const { batches, feed } = rig();
    void batches.expect('#chan', 10).catch(() => undefined);
    assert.deepEqual(feed(
      ':al!a@h PRIVMSG #chan :live',
      `:${SERVER} BATCH +s netsplit irc.a irc.b`,
      '@batch=s :al!a@h QUIT :irc.a irc.b',
      `:${SERVER} BATCH -s`,
      `:${SERVER} FAIL JOIN CHANNEL_FULL #chan :full`,
    ), [false, false, false, false, false]);
  });

  void it('keeps at most maxLines of a batch and says it overflowed', async () => {
    const { batches, feed } = rig();
    const answer = batches.expect('#chan', 3);
    feed(`:${SERVER} BATCH +a chathistory #chan`, ...Array.from({ length: 1000 }, (_, i) => `@batch=a;msgid=m${i} :al!a@h PRIVMSG #chan :${i}`), `:${SERVER} BATCH -a`);
    const page = await answer;
    assert.deepEqual([page.lines.length, page.overflow], [3, true]);
  });

  void it('a FAIL naming a channel rejects that request; one naming none, or ERR_UNKNOWNCOMMAND, rejects all', async () => {
    const { batches, feed } = rig();
    const a = batches.expect('#a', 10);
    const b = batches.expect('#b', 10);
    feed(`:${SERVER} FAIL CHATHISTORY MESSAGE_ERROR LATEST #a :Messages could not be retrieved`);
    await assert.rejects(a, /MESSAGE_ERROR: Messages could not be retrieved/);
    feed(`:${SERVER} FAIL CHATHISTORY INVALID_PARAMS LATEST :Insufficient parameters`);
    await assert.rejects(b, /INVALID_PARAMS/);
    const c = batches.expect('#c', 10);
    assert.deepEqual(feed(`:${SERVER} 421 relaybot CHATHISTORY :Unknown command`), [true]);
    await assert.rejects(c, /421: Unknown command/);
  });
});

/** An IrcCatchUp over a recorded history: what it replays, says and releases, in order. */
async function catchUpRig(options: { history: Said[]; cursor?: { id: string; ts: number }; maxMessages?: number; limit?: number; refTypes?: string; timeoutMs?: number; answer?: (line: string) => string[] }) {
  const store = new MemoryStore();
  const cursors = new RoomCursors(store, () => assert.fail('no store failure expected'));
  if (options.cursor) await store.set('catch-up/cursor/#chan', options.cursor);
  const support = new ServerSupport();
  support.update(['CASEMAPPING=ascii', ...(options.limit === undefined ? [] : [`CHATHISTORY=${options.limit}`]), ...(options.refTypes === undefined ? [] : [`MSGREFTYPES=${options.refTypes}`])]);
  const out: string[] = [];
  const sent: string[] = [];
  const captured = captureLog('info');
  const catchUp: IrcCatchUp = new IrcCatchUp({
    config: { enabled: true, maxMessages: options.maxMessages ?? 100, maxAgeMinutes: 60, timeoutMs: options.timeoutMs ?? 5000 },
    cursors, log: captured.log, logOnce: new LogOnce(captured.log), support: () => support, available: () => true,
    send: async (line) => {
      sent.push(line);
      const answer = options.answer ?? ((l: string) => answerHistory(options.history, l));
      setImmediate(() => {
        for (const l of answer(line)) assert.ok(catchUp.take(parsed(l)), `history line taken: ${l}`);
      });
      return true;
    },
    leftOut: (line) => line.nick === 'bot',
    replay: async (line) => void out.push(`replay ${textOf(line)}`),
    notice: (_channel, text) => out.push(`notice ${text}`),
    handle: (line) => out.push(`live ${textOf(line)}`),
    now: () => NOW,
  });
  return { catchUp, cursors, store, out, sent, lines: captured.lines as readonly Record<string, unknown>[] };
}

/** `count` messages from al, a second apart, ending a second ago; ids m0, m1, … */
const history = (count: number): Said[] => Array.from({ length: count }, (_, i) => ({ id: `m${i}`, time: NOW - (count - i) * 1000, nick: 'al', text: `said ${i}` }));

void describe('IRC catch-up plan over CHATHISTORY pages', () => {
  void it('relays the newest maxMessages within maxAge after the cursor, in order; counts the rest; leaves ours out; moves the cursor', async () => {
    await fc.assert(fc.asyncProperty(
      fc.array(fc.record({ ours: fc.boolean(), ageMinutes: fc.integer({ min: 0, max: 120 }) }), { maxLength: 60 }),
      fc.option(fc.nat(), { nil: undefined }),
      fc.integer({ min: 1, max: 20 }),
      fc.integer({ min: 2, max: 13 }),
      fc.constantFrom(undefined, 'msgid,timestamp', 'timestamp', 'msgid'),
      async (spec, cursorAt, maxMessages, limit, refTypes) => {
        const ages = spec.map((s) => s.ageMinutes).sort((a, b) => b - a);
        const said: Said[] = spec.map((s, i) => ({ id: `s${i}`, time: NOW - ages[i]! * MINUTE + i, nick: s.ours ? 'bot' : 'al', text: `t${i}` }));
        // A server that only takes msgids cannot be asked about a msgid it no longer has.
        const gone = cursorAt === undefined || said.length === 0;
        if (gone && refTypes === 'msgid') return;
        const cursor = gone ? { id: 'gone', ts: NOW - 200 * MINUTE } : { id: said[cursorAt % said.length]!.id, ts: said[cursorAt % said.length]!.time };
        const rig = await catchUpRig({ history: said, cursor, maxMessages, limit, ...(refTypes === undefined ? {} : { refTypes }) });
        await rig.catchUp.joined('#chan');
        const afterCursor = said.slice(said.findIndex((s) => s.id === cursor.id) + 1);
        const theirs = afterCursor.filter((s) => s.nick !== 'bot');
        const recent = theirs.filter((s) => s.time >= NOW - 60 * MINUTE);
        const relayed = recent.slice(-maxMessages);
        const skipped = theirs.length - relayed.length;
        assert.deepEqual(rig.out, [
          ...(skipped > 0 ? [`notice ${skipped} earlier ${skipped === 1 ? 'message' : 'messages'} from while the bridge was away not relayed (only the last ${maxMessages} from the last 60 minutes are)`] : []),
          ...relayed.map((s) => `replay ${s.text}`),
        ]);
        await rig.cursors.settled('#chan');
        assert.equal((await rig.cursors.get('#chan'))?.id, afterCursor.at(-1)?.id ?? cursor.id);
        assert.ok(rig.sent.every((line) => /^CHATHISTORY (LATEST|BEFORE) #chan (timestamp=\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z|msgid=\S+) \d+$/.test(line)), rig.sent.join('\n'));
      },
    ), { numRuns: 150 });
  });

  void it('asks LATEST after the cursor time (less 10 minutes), then BEFORE the oldest msgid, as the server allows', async () => {
    const rig = await catchUpRig({ history: history(250), cursor: { id: 'm10', ts: NOW - 240_000 }, limit: 100, refTypes: 'msgid,timestamp' });
    await rig.catchUp.joined('#chan');
    assert.deepEqual(rig.sent, [
      `CHATHISTORY LATEST #chan timestamp=${new Date(NOW - 240_000 - 10 * MINUTE).toISOString()} 100`,
      'CHATHISTORY BEFORE #chan msgid=m150 100',
      'CHATHISTORY BEFORE #chan msgid=m50 100',
    ]);
    assert.equal(rig.out[0], 'notice 139 earlier messages from while the bridge was away not relayed (only the last 100 from the last 60 minutes are)');
    assert.equal(rig.out.length, 101);
  });

  void it('pages on below a page holding only events (joins and parts with draft/event-playback count towards the limit)', async () => {
    const at = (ms: number): string => new Date(ms).toISOString();
    const answer = (line: string): string[] => {
      if (line.startsWith('CHATHISTORY LATEST')) {
        return [`:${SERVER} BATCH +e1 chathistory #chan`, `@batch=e1;msgid=j1;time=${at(NOW - 2000)} :x!u@h JOIN #chan`, `@batch=e1;msgid=j2;time=${at(NOW - 1000)} :x!u@h PART #chan`, `:${SERVER} BATCH -e1`];
      }
      if (line === 'CHATHISTORY BEFORE #chan msgid=j1 2') return [`:${SERVER} BATCH +e2 chathistory #chan`, saidLine('#chan', { id: 'm0', time: NOW - 3000, nick: 'al', text: 'older' }, 'e2'), `:${SERVER} BATCH -e2`];
      return [`:${SERVER} BATCH +e3 chathistory #chan`, `:${SERVER} BATCH -e3`];
    };
    const rig = await catchUpRig({ history: [], cursor: { id: 'gone', ts: NOW - 5 * MINUTE }, limit: 2, answer });
    await rig.catchUp.joined('#chan');
    assert.deepEqual(rig.out, ['replay older']);
    assert.equal(rig.sent[1], 'CHATHISTORY BEFORE #chan msgid=j1 2');
  });

  void it('with a cursor history no longer has, reads no further back than 10 minutes before the cursor\'s time', async () => {
    // One message a minute for two hours; the cursor (gone) was 30 minutes ago.
    const said: Said[] = Array.from({ length: 120 }, (_, i) => ({ id: `h${i}`, time: NOW - (120 - i) * MINUTE, nick: 'al', text: `h${i}` }));
    const rig = await catchUpRig({ history: said, cursor: { id: 'gone', ts: NOW - 30 * MINUTE }, limit: 7, maxMessages: 5 });
    await rig.catchUp.joined('#chan');
    // From 40 minutes ago (h80, at the floor) to h119: 40 messages, the newest 5 relayed.
    assert.equal(rig.out[0], 'notice 35 earlier messages from while the bridge was away not relayed (only the last 5 from the last 60 minutes are)');
    assert.deepEqual(rig.out.slice(1), ['replay h115', 'replay h116', 'replay h117', 'replay h118', 'replay h119']);
  });

  void it('on the first join relays nothing and takes the newest message as the cursor', async () => {
    const rig = await catchUpRig({ history: history(3) });
    await rig.catchUp.joined('#chan');
    assert.deepEqual(rig.sent, ['CHATHISTORY LATEST #chan * 1']);
    assert.deepEqual(rig.out, []);
    await rig.cursors.settled('#chan');
    assert.deepEqual(await rig.cursors.get('#chan'), { id: 'm2', ts: NOW - 1000 });
  });

  void it('holds live messages until history is relayed, then releases them, leaving out those history had', async () => {
    const said = history(5);
    const late: { catchUp?: IrcCatchUp } = {};
    const rig = await catchUpRig({
      history: said, cursor: { id: 'm1', ts: said[1]!.time },
      answer: (line) => {
        // Live messages arrive while the server prepares its answer; m5 is in history too.
        const live = [{ id: 'm5', time: NOW - 500, nick: 'al', text: 'said live' }, { id: 'm6', time: NOW - 400, nick: 'al', text: 'said later' }];
        for (const s of live) assert.ok(late.catchUp!.hold(parsed(saidLine('#chan', s))));
        return answerHistory([...said, live[0]!], line);
      },
    });
    const catchUp = rig.catchUp;
    late.catchUp = catchUp;
    await catchUp.joined('#chan');
    assert.deepEqual(rig.out, ['replay said 2', 'replay said 3', 'replay said 4', 'live said live', 'live said later']);
    assert.equal(catchUp.hold(parsed(saidLine('#chan', { id: 'm7', time: NOW, nick: 'al', text: 'x' }))), false, 'no longer holding');
  });

  void it('a server that refuses: logged once per channel, live messages released', async () => {
    const rig = await catchUpRig({ history: [], cursor: { id: 'c', ts: NOW }, answer: () => [`:${SERVER} FAIL CHATHISTORY MESSAGE_ERROR LATEST #chan :Messages could not be retrieved`] });
    for (let round = 0; round < 2; round++) {
      const running = rig.catchUp.joined('#chan');
      assert.ok(rig.catchUp.hold(parsed(saidLine('#chan', { id: `l${round}`, time: NOW, nick: 'al', text: `live ${round}` }))));
      await running;
    }
    assert.deepEqual(rig.out, ['live live 0', 'live live 1']);
    assert.equal(rig.lines.filter((l) => String(l.msg).startsWith('could not catch up')).length, 1, 'logged once');
  });

  void it('a server that takes no reference type the hub knows (MSGREFTYPES): no request, logged, live messages released', async () => {
    const rig = await catchUpRig({ history: history(3), cursor: { id: 'm0', ts: NOW }, refTypes: 'uuid' });
    const running = rig.catchUp.joined('#chan');
    assert.ok(rig.catchUp.hold(parsed(saidLine('#chan', { id: 'l', time: NOW, nick: 'al', text: 'live' }))));
    await running;
    assert.deepEqual([rig.sent, rig.out], [[], ['live live']]);
    assert.ok(rig.lines.some((l) => String(l.msg).startsWith('could not catch up') && String((l.err as { message?: string })?.message).includes('MSGREFTYPES=uuid')));
  });

  void it('a server that never answers, or never ends its batch: live messages released after timeoutMs', async () => {
    for (const answer of [() => [], () => [`:${SERVER} BATCH +z chathistory #chan`, saidLine('#chan', { id: 'z1', time: NOW, nick: 'al', text: 'never ends' }, 'z')]]) {
      const rig = await catchUpRig({ history: [], cursor: { id: 'c', ts: NOW }, timeoutMs: 150, answer });
      const running = rig.catchUp.joined('#chan');
      assert.ok(rig.catchUp.hold(parsed(saidLine('#chan', { id: 'l', time: NOW, nick: 'al', text: 'live' }))));
      await running;
      assert.deepEqual(rig.out, ['live live']);
      assert.ok(rig.lines.some((l) => String(l.msg).startsWith('could not catch up')));
    }
  });

  void it('a server whose pages never end is read up to the page limit ("more than")', async () => {
    let n = 0;
    const endless = (line: string): string[] => {
      const limit = Number(line.split(' ').at(-1));
      const batch = `e${++batchCounter}`;
      const page = Array.from({ length: limit }, () => ({ id: `e${n++}`, time: NOW - 1000, nick: 'al', text: `e${n}` })).reverse();
      return [`:${SERVER} BATCH +${batch} chathistory #chan`, ...page.map((s) => saidLine('#chan', s, batch)), `:${SERVER} BATCH -${batch}`];
    };
    const rig = await catchUpRig({ history: [], cursor: { id: 'never', ts: NOW }, maxMessages: 10, limit: 100, answer: endless });
    await rig.catchUp.joined('#chan');
    assert.equal(rig.sent.length, 50);
    assert.match(rig.out[0]!, /^notice More than 4990 earlier messages/);
    assert.equal(rig.out.length, 11);
  });

  void it('ignores lines for another channel and lines without msgid or time; never sends an unusable msgid', async () => {
    const rig = await catchUpRig({
      history: [], cursor: { id: 'c', ts: NOW - 5000 },
      answer: () => [`:${SERVER} BATCH +q chathistory #chan`,
        saidLine('#elsewhere', { id: 'x1', time: NOW - 100, nick: 'al', text: 'elsewhere' }, 'q'),
        '@batch=q;time=2026-01-01T11:59:59.000Z :al!a@h PRIVMSG #chan :no msgid',
        '@batch=q;msgid=has\\sspace;time=2026-01-01T11:59:59.000Z :al!a@h PRIVMSG #chan :bad msgid',
        '@batch=q;msgid=ok1 :al!a@h PRIVMSG #chan :no time',
        saidLine('#chan', { id: 'ok2', time: NOW - 50, nick: 'al', text: 'fine' }, 'q'),
        `:${SERVER} BATCH -q`],
    });
    await rig.catchUp.joined('#chan');
    assert.deepEqual(rig.out, ['replay fine']);
  });
});

void describe('IRC adapter catch-up with recorded Ergo lines', { timeout: 30_000 }, () => {
  const servers: RecordedIrcServer[] = [];
  const networks: IrcNetwork[] = [];
  after(async () => {
    for (const network of networks) await network.disconnect({ deadlineMs: 500 });
    for (const server of servers) await server.stop();
  });

  /** The adapter on a recorded server, its events (handled at once) and its store. */
  async function adapterRig(caps: readonly string[], history: Said[], store = new MemoryStore(), mode: 'relay' | 'puppets' = 'relay', answer = (line: string) => answerHistory(history, line)) {
    const server = new RecordedIrcServer({ caps, isupport: ERGO_ISUPPORT, answer });
    servers.push(server);
    const port = await server.start();
    const events: AnyEventInput[] = [];
    const captured = captureLog('info');
    const network = new IrcNetwork({
      name: 'ergo', log: captured.log, store,
      wantedChannels: () => [{ network: 'ergo', id: '#chan', name: '#chan' }],
      emit: (event) => void events.push(event),
      emitHandled: async (event) => void events.push(event),
      connectionLost: () => undefined,
    }, ircConfigSchema.parse({ host: '127.0.0.1', port, nick: 'relaybot', mode, pingIntervalSec: 0, flood: { burst: 100, intervalMs: 0 } }));
    networks.push(network);
    const messages = (): Message[] => events.filter((e) => e.command === 'MESSAGE').map((e) => (e.args as { message: Message }).message);
    return { server, network, events, messages, store, lines: captured.lines as readonly Record<string, unknown>[] };
  }

  void it('catches up after a reconnect: history before live, delayed, ours left out, nothing twice', async () => {
    // The adapter's clock is the real one: history from half an hour ago is within maxAgeMinutes.
    const base = Date.now() - 30 * MINUTE;
    const later = Date.now();
    const history: Said[] = [{ id: 'a0', time: base, nick: 'alice', text: 'before the hub came' }];
    const rig = await adapterRig(ERGO_CAPS, history);
    await rig.network.connect();
    await waitFor(() => (rig.server.received.includes('CHATHISTORY LATEST #chan * 1') ? true : undefined), { timeoutMs: 5000, what: 'the first-join request' });
    assert.ok(rig.server.received.some((l) => /^CAP REQ :.*draft\/chathistory/.test(l)), 'the capability is requested');
    assert.equal(rig.network.capabilities.replaysHistory, true, 'the relay is told that history comes back after an outage');
    const live: Said = { id: 'a1', time: base + 1000, nick: 'alice', text: 'live before the outage' };
    await waitFor(async () => ((await rig.store.get('catch-up/cursor/#chan')) !== undefined ? true : undefined), { timeoutMs: 5000, what: 'the first cursor' });
    history.push(live);
    rig.server.send(saidLine('#chan', live));
    await waitFor(async () => ((await rig.store.get<{ id: string }>('catch-up/cursor/#chan'))?.id === 'a1' ? true : undefined), { timeoutMs: 5000, what: 'the cursor to follow live messages' });
    assert.deepEqual(rig.messages().map((m) => [m.body, m.delayed]), [[[{ type: 'text', text: 'live before the outage' }], undefined]]);

    // The connection drops; meanwhile people talk, and the hub's own relayed line is in history too.
    rig.server.dropClients();
    history.push(
      { id: 'a2', time: base + 2000, nick: 'alice', text: 'while away' },
      { id: 'a3', time: base + 3000, nick: 'relaybot', text: '<bob@xmpp> relayed by the hub' },
      { id: 'a4', time: base + 4000, nick: 'carol', text: '\x01ACTION waves\x01' },
      { id: 'a5', time: base + 5000, nick: 'carol', text: 'a notice', command: 'NOTICE' },
    );
    await waitFor(async () => {
      try {
        await rig.network.connect();
        return true;
      } catch {
        return undefined;
      }
    }, { timeoutMs: 5000, what: 'the reconnect' });
    await waitFor(() => (rig.messages().length >= 4 ? true : undefined), { timeoutMs: 5000, what: 'the caught-up messages' });
    const a6: Said = { id: 'a6', time: later, nick: 'alice', text: 'live again' };
    history.push(a6);
    rig.server.send(saidLine('#chan', a6));
    await waitFor(() => (rig.messages().length >= 5 ? true : undefined), { timeoutMs: 5000, what: 'the live message' });
    const got = rig.messages().slice(1).map((m) => [m.id, m.kind, m.delayed === true, m.ts]);
    assert.deepEqual(got, [
      ['a2', 'message', true, base + 2000],
      ['a4', 'action', true, base + 4000],
      ['a5', 'notice', true, base + 5000],
      ['a6', 'message', false, later],
    ]);
    assert.ok(rig.server.received.some((l) => l.startsWith(`CHATHISTORY LATEST #chan timestamp=${new Date(base + 1000 - 10 * MINUTE).toISOString()} `)), rig.server.received.join('\n'));
    await waitFor(async () => ((await rig.store.get<{ id: string }>('catch-up/cursor/#chan'))?.id === 'a6' ? true : undefined), { timeoutMs: 5000, what: 'the cursor to reach a6' });

    // A hub restart (a new adapter on the same storage): nothing is relayed twice.
    await rig.network.disconnect({ deadlineMs: 500 });
    const restarted = await adapterRig(ERGO_CAPS, history, rig.store);
    await restarted.network.connect();
    await waitFor(() => (restarted.server.received.some((l) => l.startsWith('CHATHISTORY LATEST #chan timestamp=')) ? true : undefined), { timeoutMs: 5000, what: 'the catch-up request' });
    restarted.server.send(saidLine('#chan', { id: 'a7', time: Date.now(), nick: 'alice', text: 'after the restart' }));
    await waitFor(() => (restarted.messages().length >= 1 ? true : undefined), { timeoutMs: 5000, what: 'the live message after the restart' });
    assert.deepEqual(restarted.messages().map((m) => m.id), ['a7'], 'only the new live message');
  });

  void it('in puppets mode leaves out history lines with the hop marker (puppets of an earlier session)', async () => {
    const store = new MemoryStore();
    const base = Date.now() - 5 * MINUTE;
    await store.set('catch-up/cursor/#chan', { id: 'p0', ts: base });
    const history: Said[] = [{ id: 'p0', time: base, nick: 'alice', text: 'seen' }, { id: 'p2', time: base + 2000, nick: 'alice', text: 'said by alice' }];
    history.splice(1, 0, { id: 'p1', time: base + 1000, nick: 'bob[xmpp]', text: 'relayed by a puppet' });
    // Ergo keeps client tags in history: the puppet's line carries the hub's hop marker.
    const answer = (line: string): string[] => answerHistory(history, line).map((l) => l.replace(/^@batch=(\S+);msgid=p1;/, '@batch=$1;+switchboard.chat/relayed;msgid=p1;'));
    const rig = await adapterRig(ERGO_CAPS, history, store, 'puppets', answer);
    await rig.network.connect();
    await waitFor(() => (rig.messages().length >= 1 ? true : undefined), { timeoutMs: 5000, what: 'the caught-up message' });
    await rig.network.disconnect({ deadlineMs: 500 });
    assert.deepEqual(rig.messages().map((m) => m.id), ['p2']);
  });

  void it('on a server without CHATHISTORY (as Debian\'s ngIRCd and InspIRCd 3): no request, live relay as before, logged once', async () => {
    const caps = ERGO_CAPS.filter((c) => c !== 'draft/chathistory');
    const store = new MemoryStore();
    const rig = await adapterRig(caps, [], store);
    await rig.network.connect();
    rig.server.send(saidLine('#chan', { id: 'n1', time: NOW, nick: 'alice', text: 'plain' }));
    await waitFor(() => (rig.messages().length === 1 ? true : undefined), { timeoutMs: 5000, what: 'the live message' });
    assert.equal(rig.messages()[0]!.delayed, undefined);
    assert.ok(!rig.server.received.some((l) => l.startsWith('CHATHISTORY')), 'no history request');
    assert.ok(!rig.server.received.some((l) => /^CAP REQ :.*chathistory/.test(l)), 'not requested when not offered');
    assert.deepEqual(await store.keys('catch-up/'), [], 'no cursor kept');
    assert.equal(rig.lines.filter((l) => String(l.msg).startsWith('the IRC server offers no CHATHISTORY')).length, 1);
    assert.equal(rig.network.capabilities.replaysHistory, false, 'nothing comes back: the relay sends at once');
  });
});

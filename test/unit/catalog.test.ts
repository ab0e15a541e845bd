import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { COMMANDS, type Command } from '../../src/core/catalog.js';
import { ARGS_SCHEMAS, argsFields, EventValidationError, validateEvent } from '../../src/core/catalog-validate.js';
import { channelOf, orderingKey, stampEvent, type AnyEventInput } from '../../src/core/event.js';
import { richTextArbitrary } from './arbitraries.js';

/**
 * Every command, as a record: the compiler rejects this literal when a key of EventArgsMap
 * is missing or one that is not a command is added, so it is the type-level list the
 * runtime COMMANDS array is compared with.
 */
const EVERY_COMMAND: Record<Command, true> = {
  MESSAGE: true, EDIT: true, DELETE: true, REACT: true, TYPING: true, PRESENCE: true,
  JOIN: true, PART: true, KICK: true, QUIT: true, KILL: true, INVITE: true, KNOCK: true,
  NICK: true, UID: true, AWAY: true, CHGHOST: true, CHGIDENT: true, CHGNAME: true, SAVE: true, SVSNICK: true,
  CLIENT_SERVICES_LOGIN: true, CLIENT_OPERED: true, MODE: true, TOPIC: true,
  SQUIT: true, ENDBURST: true, DISCONNECT: true, VERSION: true, WHOIS: true, CUSTOM_WHOIS: true, NEW_SERVICE: true,
};

const libera = (id: string) => ({ network: 'libera', id });

function partEvent(channelId: string, ts?: number): AnyEventInput {
  return {
    network: 'libera', sender: 'erin', command: 'PART',
    args: { channel: libera(channelId), user: libera('erin'), reason: '' },
    ...(ts === undefined ? {} : { ts }),
  };
}

function awayEvent(network: string): AnyEventInput {
  return { network, sender: 'erin', command: 'AWAY', args: { user: { network, id: 'erin' }, text: 'brb' } };
}

describe('COMMANDS', () => {
  it('lists every command of EventArgsMap exactly once', () => {
    assert.equal(new Set(COMMANDS).size, COMMANDS.length, 'no duplicates');
    assert.deepEqual([...COMMANDS].sort(), Object.keys(EVERY_COMMAND).sort());
  });

  it('has an args schema for every command and no other', () => {
    assert.deepEqual(Object.keys(ARGS_SCHEMAS).sort(), [...COMMANDS].sort());
  });
});

describe('stampEvent', () => {
  it('keeps a ts the producer gave, also 0', () => {
    let calls = 0;
    const now = () => { calls++; return 5; };
    assert.equal(stampEvent(partEvent('#a', 1234), now).ts, 1234);
    assert.equal(stampEvent(partEvent('#a', 0), now).ts, 0);
    assert.equal(calls, 0, 'the clock is not read when ts is given');
  });

  it('stamps the current time when ts is missing, without changing the input', () => {
    const input = partEvent('#a');
    const stamped = stampEvent(input, () => 99);
    assert.equal(stamped.ts, 99);
    assert.ok(!('ts' in input));
    assert.deepEqual({ ...stamped, ts: undefined }, { ...input, ts: undefined });
  });

  it('stamps over a ts that is not a finite number', () => {
    for (const bad of [Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY]) {
      assert.equal(stampEvent(partEvent('#a', bad), () => 7).ts, 7);
    }
  });

  it('does not stamp twice', () => {
    const once = stampEvent(partEvent('#a'), () => 10);
    const twice = stampEvent(once, () => { throw new Error('clock read again'); });
    assert.equal(twice.ts, 10);
  });

  it('uses Date.now by default', () => {
    const before = Date.now();
    const { ts } = stampEvent(partEvent('#a'));
    assert.ok(ts >= before && ts <= Date.now());
  });

  it('property: ts is the given finite ts, else the clock', () => {
    const tsArb = fc.option(fc.oneof(fc.integer(), fc.double()), { nil: undefined });
    fc.assert(fc.property(tsArb, fc.integer(), (ts, clock) => {
      const stamped = stampEvent(partEvent('#a', ts), () => clock);
      const expected = typeof ts === 'number' && Number.isFinite(ts) ? ts : clock;
      assert.ok(Object.is(stamped.ts, expected));
      assert.equal(stamped.command, 'PART');
    }));
  });
});

describe('orderingKey', () => {
  it('gives events in one channel the same key and different channels different keys', () => {
    assert.equal(orderingKey(partEvent('#a')), orderingKey(partEvent('#a', 5)));
    assert.notEqual(orderingKey(partEvent('#a')), orderingKey(partEvent('#b')));
  });

  it('keys channel events by the channel, not by the event network', () => {
    const message: AnyEventInput = {
      network: 'oftc', sender: 'x', command: 'TOPIC',
      args: { channel: libera('#a'), text: 't' },
    };
    assert.equal(orderingKey(message), orderingKey(partEvent('#a')));
    assert.deepEqual(channelOf(message), libera('#a'));
  });

  it('keys events without a channel by network, apart from every channel', () => {
    assert.equal(orderingKey(awayEvent('libera')), orderingKey(awayEvent('libera')));
    assert.notEqual(orderingKey(awayEvent('libera')), orderingKey(awayEvent('oftc')));
    assert.notEqual(orderingKey(awayEvent('libera')), orderingKey(partEvent('#a')));
    assert.equal(channelOf(awayEvent('libera')), undefined);
  });

  it('property: distinct (network, channel) pairs never share a key, nor with a network key', () => {
    // Network names are config keys and never contain NUL; channel ids are never empty.
    const name = fc.string({ minLength: 1, maxLength: 6 }).filter((s) => !s.includes('\0'));
    const channelArb = fc.record({ network: name, id: fc.string({ minLength: 1, maxLength: 6 }) });
    fc.assert(fc.property(channelArb, channelArb, name, (a, b, network) => {
      const ev = (c: { network: string; id: string }): AnyEventInput => ({
        network: c.network, sender: 's', command: 'KNOCK', args: { channel: c, user: { network: c.network, id: 'u' }, text: '' },
      });
      const same = a.network === b.network && a.id === b.id;
      assert.equal(orderingKey(ev(a)) === orderingKey(ev(b)), same);
      assert.notEqual(orderingKey(ev(a)), orderingKey(awayEvent(network)));
    }));
  });
});

describe('validateEvent', () => {
  const alice = { network: 'libera', id: 'alice' };

  function assertInvalid(value: unknown, path: string): void {
    assert.throws(() => validateEvent(value), (err: unknown) => {
      assert.ok(err instanceof EventValidationError, String(err));
      assert.equal(err.path, path);
      assert.ok(err.message.includes(path), err.message);
      return true;
    });
  }

  it('accepts a valid event and returns fresh objects', () => {
    const input = { network: 'libera', sender: 'alice', command: 'AWAY', args: { user: alice, text: '' } };
    const output = validateEvent(input);
    assert.deepEqual(output, input);
    assert.notEqual(output.args, input.args);
  });

  it('rejects a bad envelope, naming the field', () => {
    assertInvalid(null, '$');
    assertInvalid({ network: 'libera', sender: 'a', command: 'SHOUT', args: {} }, '$.command');
    assertInvalid({ network: '', sender: 'a', command: 'AWAY', args: { user: alice, text: '' } }, '$.network');
    assertInvalid({ network: 'l', sender: 'a', command: 'AWAY', args: { user: alice, text: '' }, ts: 'now' }, '$.ts');
    assertInvalid({ network: 'l', sender: 'a', command: 'AWAY', args: { user: alice, text: '' }, extra: 1 }, '$');
  });

  it('rejects bad args, naming the path inside args', () => {
    assertInvalid({ network: 'l', sender: 'a', command: 'AWAY', args: { user: alice } }, '$.args.text');
    assertInvalid({ network: 'l', sender: 'a', command: 'AWAY', args: { user: alice, text: '', mood: 'x' } }, '$.args');
    assertInvalid({ network: 'l', sender: 'a', command: 'JOIN', args: { channel: libera('#a'), users: [alice, { id: 'b' }] } }, '$.args.users[1].network');
    assertInvalid({ network: 'l', sender: 'a', command: 'MODE', args: { channel: libera('#a'), modes: [{ mode: 'o' }] } }, '$.args.modes[0].mode');
    assertInvalid({ network: 'l', sender: 'a', command: 'MODE', args: { modes: [] } }, '$.args');
    assertInvalid({ network: 'l', sender: 'a', command: 'MODE', args: { channel: libera('#a'), user: alice, modes: [] } }, '$.args');
    const message = { id: 'm', author: alice, kind: 'message', body: [{ type: 'bold', children: [{ type: 'txt' }] }], attachments: [], ts: 1 };
    assertInvalid({ network: 'l', sender: 'a', command: 'MESSAGE', args: { message } }, '$.args.message.body[0].children[0].type');
  });

  it('property: MESSAGE events with any valid body survive JSON and validation unchanged', () => {
    fc.assert(fc.property(richTextArbitrary({ maxDepth: 2 }), fc.integer({ min: 0 }), (body, ts) => {
      const event = {
        network: 'libera', sender: 'alice', command: 'MESSAGE',
        args: { message: { id: 'm1', author: alice, kind: 'action', body, attachments: [{ name: 'a.png', size: 3 }], ts } },
        ts,
      };
      assert.deepEqual(validateEvent(JSON.parse(JSON.stringify(event))), event);
    }));
  });
});

// --- docs/events.md -----------------------------------------------------------------------

const DOCS = new URL('../../../docs/events.md', import.meta.url);
const INTRO_SECTIONS = ['The envelope', 'Common types'];

interface DocSection { heading: string; body: string }

function docSections(): DocSection[] {
  const markdown = readFileSync(DOCS, 'utf8');
  return markdown.split(/^## /m).slice(1).map((chunk) => {
    const newline = chunk.indexOf('\n');
    return { heading: chunk.slice(0, newline).trim(), body: chunk.slice(newline + 1) };
  });
}

/** The rows of the first field table: `name` or `name?` in the first column. */
function fieldTable(body: string): { name: string; optional: boolean }[] {
  return [...body.matchAll(/^\| `([A-Za-z]+)(\??)` \|/gm)].map((m) => ({ name: m[1]!, optional: m[2] === '?' }));
}

function jsonExamples(body: string): unknown[] {
  return [...body.matchAll(/```json\n([\s\S]*?)```/g)].map((m) => JSON.parse(m[1]!) as unknown);
}

describe('docs/events.md', () => {
  const sections = docSections();
  const commandSections = sections.filter((s) => !INTRO_SECTIONS.includes(s.heading));

  it('has one section per command, in catalog order, and no other sections', () => {
    assert.deepEqual(sections.map((s) => s.heading).filter((h) => INTRO_SECTIONS.includes(h)), INTRO_SECTIONS);
    assert.deepEqual(commandSections.map((s) => s.heading), [...COMMANDS]);
  });

  for (const { heading, body } of commandSections) {
    const command = heading as Command;

    it(`${heading}: the field table lists exactly the args fields, with the right optionality`, () => {
      const documented = fieldTable(body).sort((a, b) => a.name.localeCompare(b.name));
      const actual = argsFields(command).sort((a, b) => a.name.localeCompare(b.name));
      assert.deepEqual(documented, actual);
    });

    it(`${heading}: says who sends it and has a JSON example that validates`, () => {
      assert.match(body, /^Sent by: /m);
      const examples = jsonExamples(body);
      assert.ok(examples.length > 0, 'at least one example');
      for (const example of examples) {
        const event = validateEvent(example);
        assert.equal(event.command, command);
      }
    });
  }

  it('the overview table lists every command once, and planned ones say so in their section', () => {
    const envelope = sections.find((s) => s.heading === 'The envelope')!;
    const rows = [...envelope.body.matchAll(/^\| ([A-Z_]+) \|(.*)\|$/gm)];
    assert.deepEqual(rows.map((r) => r[1]), [...COMMANDS]);
    for (const [, command, rest] of rows) {
      const section = commandSections.find((s) => s.heading === command)!;
      const planned = rest!.includes('planned: IRC server link');
      assert.equal(/Sent by: \*\*planned: IRC server link\*\*/.test(section.body), planned, `${command} planned status`);
    }
  });
});

/* eslint-disable no-control-regex -- IRC formatting codes and control characters are the subject */
/**
 * Every IRC line the relay emits for a message is attributed to its real author (issue 11,
 * findings 1 and 2): the relay's rendering (render.ts, identity.ts) and the IRC adapter's
 * line cutting (attributed-text.ts, split.ts) composed, each line parsed back with a parser
 * made from the identity template.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { BUILTIN_DEFAULTS, type DeliveryOptions } from '../../src/features/relay/config.js';
import { editFallbackBody, relayedBody, replyFallbackBody, type Attributed } from '../../src/features/relay/render.js';
import { safeName, templateDelimiters, NAME_MAX_BYTES } from '../../src/core/identity-text.js';
import { identityValues } from '../../src/features/relay/identity.js';
import { attributedText } from '../../src/networks/irc/attributed-text.js';
import { limitLines } from '../../src/networks/irc/split.js';
import { fillIdentity } from '../../src/networks/irc/puppet-nick.js';
import type { Message } from '../../src/core/message.js';
import type { UserRef } from '../../src/core/refs.js';
import { chatStringArbitrary, richTextArbitrary, TRICKY_CHARACTERS } from './arbitraries.js';

/** Characters an attacker would put in a nick or a text to fake an identity. */
const HOSTILE = [
  ...TRICKY_CHARACTERS, '<', '>', '@', ' ', '\n', '\r\n', '\u0085', '\u202e', '\u202d', '\u2066', '\u2069', '\u200e', '\u200f', '\u061c',
  '＜', '＞', '﹤', '﹥', '‹', '›', '〈', '〉', '⟨', '⟩', '❮', '❯', '＠', '\u3000', '\u2002', '\u00a0',
  '<bob@jabber> ', '> I approve. <', 'bob@jabber', '\x0304', '\x02', '\x0f',
];
const hostileString = fc.array(fc.oneof(chatStringArbitrary('any'), fc.constantFrom(...HOSTILE)), { maxLength: 8 }).map((p) => p.join(''));

/** Removes IRC formatting codes (what a client hides) from a rendered line. */
function visible(line: string): string {
  return line.replace(/\x03(\d{1,2}(,\d{1,2})?)?|[\x02\x0f\x11\x16\x1d\x1e\x1f]/g, '');
}

const escape = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * A parser for lines starting with an identity rendered from `template`: every placeholder
 * matches as little as it can, so a name holding the following delimiter would cut short.
 */
function identityParser(template: string, lead = ''): (line: string) => Record<string, string> | undefined {
  const names: string[] = [];
  const source = template.split(/(\{[A-Za-z]+\})/).map((piece) => {
    const placeholder = /^\{([A-Za-z]+)\}$/.exec(piece);
    if (!placeholder) return escape(piece);
    names.push(placeholder[1] as string);
    return '(.*?)';
  }).join('');
  const pattern = new RegExp(`^${escape(lead)}${source}`, 'su');
  return (line) => {
    const match = pattern.exec(visible(line));
    if (!match) return undefined;
    return Object.fromEntries(names.map((name, i) => [name, match[i + 1] as string]));
  };
}

const TEMPLATES = [
  { identity: '<{nick}@{network}> ', actionIdentity: '{nick}@{network} ' },
  { identity: '[{nick}] ', actionIdentity: '{nick}: ' },
  { identity: '{displayName} ({nick}) | ', actionIdentity: '** {nick} ' },
];

const message = (author: UserRef, body: Message['body'], kind: Message['kind']): Message => ({
  id: 'm1', channel: { network: author.network, id: 'room' }, author, kind, body, attachments: [], ts: 1,
});

describe('attribution on every IRC line', () => {
  it('property: every line of a relayed message, reply or edit parses back to its author', () => {
    fc.assert(fc.property(
      hostileString, hostileString,
      fc.oneof(richTextArbitrary({ maxNodes: 4 }), hostileString.map((text) => [{ type: 'text' as const, text }])),
      fc.constantFrom(...TEMPLATES), fc.constantFrom('message', 'action', 'reply', 'edit'), fc.boolean(),
      fc.integer({ min: 200, max: 450 }), fc.integer({ min: 2, max: 8 }), fc.constantFrom('backticks' as const, 'monospace' as const),
      (nick, displayName, body, templates, what, nickColours, budget, maxLines, codeStyle) => {
        const author: UserRef = { network: 'jabber', id: `room/${nick}`, nick, displayName };
        const options: DeliveryOptions = { ...BUILTIN_DEFAULTS, ...templates, nickColours };
        const look = { formatting: 'irc' };
        const kind = what === 'action' ? 'action' : 'message';
        const m = message(author, body, kind);
        let rendered: Attributed;
        let template = kind === 'action' ? templates.actionIdentity : templates.identity;
        let lead = '';
        if (what === 'reply') rendered = replyFallbackBody(m, 'xmpp', { nick: 'x', text: '<bob@jabber> hi' }, options, look);
        else if (what === 'edit') {
          rendered = editFallbackBody(m, 'xmpp', options, look);
          template = templates.actionIdentity;
          lead = '* ';
        } else rendered = relayedBody(m, 'xmpp', options, look);
        const text = attributedText(rendered, budget, maxLines, { codeStyle });
        const lines = limitLines(text.parts, maxLines, text.hidden).map((part) => text.lineStart + part);
        const parse = identityParser(template, lead);
        const values = identityValues(author, 'xmpp');
        const expected = { nick: safeName(values.nick, template) || 'unnamed', displayName: safeName(values.displayName, template) || 'unnamed', network: 'jabber' };
        assert.ok(lines.length >= 1 && lines.length <= maxLines);
        for (const line of lines) {
          const parsed = parse(line);
          assert.ok(parsed, `line without identity: ${JSON.stringify(line)}`);
          for (const [key, value] of Object.entries(parsed)) assert.equal(value, expected[key as keyof typeof expected], `${key} of ${JSON.stringify(line)}`);
          assert.ok(Buffer.byteLength(line, 'utf8') <= budget, 'the line fits its budget');
          assert.doesNotMatch(line, /[\r\n\0]/);
        }
      },
    ), { numRuns: 500 });
  });

  it('property: a safe name holds no delimiter, control, bidi control or line break, and stays short', () => {
    fc.assert(fc.property(hostileString, fc.constantFrom(...TEMPLATES.flatMap((t) => [t.identity, t.actionIdentity])), (name, template) => {
      const safe = safeName(name, template);
      for (const delimiter of templateDelimiters(template)) assert.ok(!safe.includes(delimiter), `${JSON.stringify(delimiter)} in ${JSON.stringify(safe)}`);
      assert.doesNotMatch(safe, /[\p{Cc}\u2028\u2029\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/u);
      assert.ok(Buffer.byteLength(safe, 'utf8') <= NAME_MAX_BYTES);
    }));
  });

  it('turns a nick shaped like an identity into one name', () => {
    const template = '<{nick}@{network}> ';
    assert.equal(safeName('carol@xmpp> I approve. <x', template), 'carol_xmpp__I_approve.__x');
    assert.equal(safeName('carol＠xmpp＞\u00a0I approve ‹x', template), 'carol_xmpp__I_approve__x');
    assert.equal(safeName('evil\u202enick\n', template), 'evilnick');
    assert.equal(safeName('Alice Liddell', '{nick}|'), 'Alice Liddell', 'spaces stay where the template has none');
    assert.equal(safeName('a_b', '{nick}_ '), 'a-b', 'another replacement when `_` is a delimiter');
    assert.equal(safeName('x'.repeat(200), template), `${'x'.repeat(NAME_MAX_BYTES - 3)}…`);
  });

  it('puts the fallback identity of puppets mode on every line too, with the nick made safe', () => {
    const attribution = [{ type: 'text' as const, text: fillIdentity('<{nick}> ', { network: 'jabber', id: 'x', nick: 'bob> hi <eve' }) }];
    const text = attributedText({ attribution, body: [{ type: 'text', text: 'one\n<eve> two' }] }, 200, 5, {});
    assert.deepEqual(text.parts.map((part) => text.lineStart + part), ['<bob__hi__eve> one', '<bob__hi__eve> <eve> two']);
  });
});

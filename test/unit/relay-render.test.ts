/**
 * What targets see: identity templates, nick colours, fallbacks, and the declarative rules
 * (ignore users and text, rewrites) the relay applies in beforeSend.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { BUILTIN_DEFAULTS, type DeliveryOptions } from '../../src/features/relay/config.js';
import { cleanName, identityValues, nickColour, renderIdentity } from '../../src/features/relay/identity.js';
import {
  delayedLabel, editFallbackBody, markDelayed, reactionFallbackBody, relayedBody, replyFallbackBody, deleteFallbackBody, wholeText,
} from '../../src/features/relay/render.js';
import { applyRules, globToRegExp, userMatches } from '../../src/features/relay/rules.js';
import { quoteStart, QUOTE_LENGTH } from '../../src/features/relay/jobs.js';
import { plainText } from '../../src/core/richtext-ops.js';
import type { Message } from '../../src/core/message.js';

const author = { network: 'irc', id: 'alice', nick: 'alice', displayName: 'Alice Liddell', account: 'alice_acc' };
const message = (text: string, extra: Partial<Message> = {}): Message => ({
  id: 'm1', channel: { network: 'irc', id: '#lobby' }, author, kind: 'message', body: [{ type: 'text', text }], attachments: [], ts: 1, ...extra,
});
const plainLook = { formatting: 'xmpp-styling' };
const ircLook = { formatting: 'irc' };
const options = (over: Partial<DeliveryOptions> = {}): DeliveryOptions => ({ ...BUILTIN_DEFAULTS, ...over });

describe('relay identity', () => {
  it('fills every placeholder', () => {
    const values = identityValues(author, 'irc');
    const rt = renderIdentity('{nick}|{displayName}|{network}|{protocol}|{id}|{account}|{unknown}', values);
    assert.equal(plainText(rt), 'alice|Alice Liddell|irc|irc|alice|alice_acc|{unknown}');
  });

  it('removes control characters and bidi overrides from names', () => {
    assert.equal(cleanName('ev\u0000il\r\nnick\u202e\u0003'), 'evilnick');
    assert.equal(identityValues({ network: 'irc', id: '\r\n' }, 'irc').nick, '?');
    // eslint-disable-next-line no-control-regex -- the characters that must be gone
    fc.assert(fc.property(fc.string(), (s) => !/[\u0000-\u001f\u007f-\u009f]/.test(cleanName(s))));
  });

  it('colours the nick deterministically on IRC targets only', () => {
    const coloured = wholeText(relayedBody(message('hi'), 'irc', options({ nickColours: true }), ircLook));
    assert.deepEqual(coloured[1], { type: 'colour', fg: nickColour('alice'), children: [{ type: 'text', text: 'alice' }] });
    assert.equal(plainText(coloured), '<alice@irc> hi');
    const plain = wholeText(relayedBody(message('hi'), 'irc', options({ nickColours: true }), plainLook));
    assert.equal(plain.some((n) => n.type === 'colour'), false);
    fc.assert(fc.property(fc.stringMatching(/^[A-Za-z0-9_]{1,16}$/), (nick) =>
      nickColour(nick) === nickColour(nick.toUpperCase()) && /^#[0-9a-f]{6}$/.test(nickColour(nick))));
  });

  it('keeps the body RichText after the prefix, and uses the action identity for /me', () => {
    const body = [{ type: 'bold' as const, children: [{ type: 'text' as const, text: 'loud' }] }];
    assert.deepEqual(relayedBody(message('', { body }), 'irc', options(), plainLook), { attribution: [{ type: 'text', text: '<alice@irc> ' }], body });
    assert.equal(plainText(wholeText(relayedBody(message('waves', { kind: 'action' }), 'irc', options(), plainLook))), 'alice@irc waves');
  });
});

describe('relay fallbacks', () => {
  const quote = { nick: 'bob', text: 'the start of it' };
  it('reply: `<alice@irc> bob: «quote» text`, or just the text without a quote', () => {
    assert.equal(plainText(wholeText(replyFallbackBody(message('yes'), 'irc', quote, options(), plainLook))), '<alice@irc> bob: «the start of it» yes');
    assert.equal(plainText(wholeText(replyFallbackBody(message('yes'), 'irc', undefined, options(), plainLook))), '<alice@irc> yes');
  });
  it('edit, reaction and delete read as events', () => {
    assert.equal(plainText(wholeText(editFallbackBody(message('fixed'), 'irc', options(), plainLook))), '* alice@irc edited: fixed');
    assert.equal(plainText(wholeText(reactionFallbackBody(message(''), 'irc', '👍', false, quote, options(), plainLook))), '* alice@irc reacted 👍 to «the start of it»');
    assert.equal(plainText(wholeText(reactionFallbackBody(message(''), 'irc', '👍', true, undefined, options(), plainLook))), '* alice@irc withdrew 👍 from a message');
    assert.equal(plainText(wholeText(deleteFallbackBody(message(''), 'irc', quote, options(), plainLook))), '* alice@irc deleted «the start of it»');
  });
  it('quotes are single-line and at most QUOTE_LENGTH characters plus an ellipsis', () => {
    fc.assert(fc.property(fc.string({ unit: 'grapheme', maxLength: 200 }), (s) => {
      const q = quoteStart(s);
      return !/[\r\n]/.test(q) && [...q].length <= QUOTE_LENGTH + 1;
    }));
    assert.equal(quoteStart('short\n  text'), 'short text');
  });
});

describe('relay rules (beforeSend)', () => {
  it('globs match network:id, nick or account, case-insensitively', () => {
    assert.equal(globToRegExp('*bot').test('OtherBot'), true);
    assert.equal(globToRegExp('a.b').test('axb'), false);
    assert.equal(userMatches(author, ['irc:ali*']), true);
    assert.equal(userMatches(author, ['ALICE_ACC']), true);
    assert.equal(userMatches(author, ['jabber:*']), false);
    assert.equal(userMatches(author, []), false);
  });

  it('ignores users and text, rewrites text and nicks', () => {
    assert.equal(applyRules(message('hi'), options({ ignoreUsers: ['alice'] })), null);
    assert.equal(applyRules(message('!cmd'), options({ ignoreText: [/^!/u] })), null);
    const rewritten = applyRules(message('colour and colour'), options({
      rewrite: [{ pattern: /colour/gu, replace: 'color' }],
      nickRewrite: [{ pattern: /^(.*)$/gu, replace: '$1_' }],
    }));
    assert.equal(plainText(rewritten!.body), 'color and color');
    assert.equal(rewritten!.author.nick, 'alice_');
  });

  it('leaves code untouched by rewrites and returns the same message when no rule applies', () => {
    const m = message('', { body: [{ type: 'code', text: 'colour' }] });
    const out = applyRules(m, options({ rewrite: [{ pattern: /colour/gu, replace: 'color' }] }));
    assert.deepEqual(out!.body, m.body);
    const untouched = message('x');
    assert.equal(applyRules(untouched, options()), untouched);
  });
});

describe('relay: messages relayed late (caught up after an outage)', () => {
  const ts = Date.UTC(2026, 0, 2, 23, 4, 59);
  it('shows the time they were said, in UTC unless a time zone is set', () => {
    assert.equal(delayedLabel(ts, options()), '[23:04] ');
    assert.equal(delayedLabel(ts, options({ delayedTimeZone: 'Europe/Berlin', delayedPrefix: '({date} {time}) ' })), '(2026-01-03 00:04) ');
    assert.equal(delayedLabel(ts, options({ delayedPrefix: '' })), '');
  });

  it('puts the prefix before the attribution where the target cannot mark a delay, else the original time', () => {
    const outgoing = { attribution: [{ type: 'text' as const, text: '<al@jabber> ' }], body: [] };
    assert.equal(plainText(markDelayed(outgoing, ts, false, options()).attribution), '[23:04] <al@jabber> ');
    const marked = markDelayed(outgoing, ts, true, options());
    assert.deepEqual([marked.sentAt, marked.attribution], [ts, outgoing.attribution]);
  });
});

/**
 * How code reaches IRC (issue 11): between backticks by default, readable in every client, or
 * as the ^Q monospace code with `codeStyle: monospace` (irssi shows that as a stray character).
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { renderIrcLine } from '../../src/networks/irc/format-render.js';
import { splitMessage } from '../../src/networks/irc/split.js';
import { richTextToRuns } from '../../src/networks/irc/runs.js';
import { attributedText } from '../../src/networks/irc/attributed-text.js';
import { ircConfigSchema } from '../../src/networks/irc/config.js';

const body = [{ type: 'text' as const, text: 'run ' }, { type: 'code' as const, text: 'npm test' }, { type: 'text' as const, text: ' now' }];

describe('IRC code style', () => {
  it('defaults to backticks in the network config', () => {
    assert.equal(ircConfigSchema.parse({ host: 'h', nick: 'bot' }).codeStyle, 'backticks');
    assert.equal(ircConfigSchema.parse({ host: 'h', nick: 'bot', codeStyle: 'monospace' }).codeStyle, 'monospace');
    assert.throws(() => ircConfigSchema.parse({ host: 'h', nick: 'bot', codeStyle: 'tt' }));
  });

  it('backticks: inline code between backticks, code blocks between fence lines, no ^Q', () => {
    const text = attributedText({ attribution: [], body }, 400, 5, { codeStyle: 'backticks' });
    assert.deepEqual(text.parts, ['run `npm test` now']);
    const block = attributedText({ attribution: [], body: [{ type: 'pre', text: 'a = 1\nb = 2', language: 'py' }] }, 400, 5, { codeStyle: 'backticks' });
    assert.deepEqual(block.parts, ['```py', 'a = 1', 'b = 2', '```']);
    assert.equal(renderIrcLine(body, { codeStyle: 'backticks' }), 'run `npm test` now');
  });

  it('monospace: the ^Q toggle, as before', () => {
    assert.deepEqual(splitMessage(body, { maxBytes: 400, maxLines: 5 }), ['run \x11npm test\x11 now']);
    assert.deepEqual(richTextToRuns(body, { codeStyle: 'monospace' }).map((run) => run.style.mono), [false, true, false]);
  });
});

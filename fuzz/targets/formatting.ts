/**
 * The formatting converters between the networks: IRC control codes to rich text and back,
 * XEP-0393 styling to rich text and back, and across (IRC in, XMPP out; XMPP in, IRC out).
 * Nothing may throw, and a single IRC line rendered from a single-line input stays one line
 * without CR, LF or NUL.
 */
import fc from 'fast-check';
import { parseIrcFormatting } from '../../src/networks/irc/format-parse.js';
import { renderIrcLine } from '../../src/networks/irc/format-render.js';
import { parseStyling } from '../../src/networks/xmpp/styling-parse.js';
import { renderStyling } from '../../src/networks/xmpp/styling-render.js';
import { chatStringArbitrary } from '../../test/unit/arbitraries.js';
import type { FuzzTarget } from '../harness.js';
import { assertNoLineBreaks } from './irc-output.js';

const IRC_CODES = ['\x02', '\x03', '\x034', '\x034,12', '\x0399,99', '\x04ff0000', '\x04ff0000,00ff00', '\x0f', '\x11', '\x16', '\x1d', '\x1e', '\x1f', ','];
const STYLING = ['*', '_', '~', '`', '```', '> ', '\n', ' '];

const mixed = (codes: readonly string[]): fc.Arbitrary<string> =>
  fc.array(fc.oneof(chatStringArbitrary('any'), fc.constantFrom(...codes), fc.string({ unit: 'binary', maxLength: 6 })), { maxLength: 30 }).map((p) => p.join(''));

export const formatting: FuzzTarget<{ irc: string; styled: string }> = {
  name: 'formatting',
  description: 'IRC formatting <-> rich text <-> XEP-0393 styling, both ways and across',
  input: fc.record({ irc: mixed(IRC_CODES), styled: mixed(STYLING) }),
  check({ irc, styled }) {
    const fromIrc = parseIrcFormatting(irc.replace(/[\r\n\0]/g, ''));
    renderStyling(fromIrc);
    assertNoLineBreaks([renderIrcLine(fromIrc)], 'IRC text rendered from one IRC line');
    const fromXmpp = parseStyling(styled);
    renderStyling(fromXmpp);
    for (const line of styled.split('\n')) assertNoLineBreaks([renderIrcLine(parseStyling(line.replace(/[\r\0]/g, '')))], 'IRC text rendered from one XMPP line');
  },
};

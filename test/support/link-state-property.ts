/**
 * The property every server protocol's unit tests check (irc-link-{ngircd,inspircd,hybrid}.test.ts):
 * any sequence of lines made of the protocol's own words leaves the protocol running and the
 * link state consistent. Each protocol brings its vocabulary and its linked harness.
 */
import assert from 'node:assert/strict';
import fc from 'fast-check';
import type { LinkState } from '../../src/networks/irc-link/state.js';

/** The words random lines for one protocol are made of. */
export interface LineVocabulary {
  /** Line sources worth trying (users, servers, ids); '' for none. */
  readonly sources: readonly string[];
  readonly commands: readonly string[];
  /** Parameters worth trying (names, ids, modes, TS values). */
  readonly words: readonly string[];
  readonly maxParams: number;
}

/** Channels whose members are checked (the burst's and one made up). */
const CHANNELS = ['#lobby', '#x'];

/**
 * Asserts the state is consistent: each user is found by its nick, is a member of every channel
 * it lists, and every member of {@link CHANNELS} is a known user.
 */
export function assertStateConsistent(state: LinkState): void {
  for (const user of state.allUsers()) {
    assert.equal(state.userByNick(user.nick)?.uid, user.uid, `${user.nick} is found by nick`);
    for (const channel of user.channels) assert.ok(state.channel(channel)?.members.has(user.uid), `${user.nick} in ${channel}`);
  }
  for (const name of CHANNELS) {
    for (const member of state.members(name)) assert.ok(state.user(member.user.uid));
  }
}

/** Feeds 300 random sequences of up to 40 lines from `vocabulary` to fresh `linked()` harnesses; the state stays consistent. */
export function checkAnyLinesKeepStateConsistent(linked: () => { readonly state: LinkState; feed(...lines: string[]): void }, vocabulary: LineVocabulary): void {
  const line = fc
    .tuple(fc.constantFrom(...vocabulary.sources), fc.constantFrom(...vocabulary.commands), fc.array(fc.constantFrom(...vocabulary.words), { maxLength: vocabulary.maxParams }))
    .map(([src, cmd, params]) => `${src ? `:${src} ` : ''}${cmd} ${params.join(' ')}`);
  fc.assert(fc.property(fc.array(line, { maxLength: 40 }), (lines) => {
    const h = linked();
    h.feed(...lines);
    assertStateConsistent(h.state);
  }), { numRuns: 300 });
}

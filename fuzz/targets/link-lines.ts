/**
 * Lines from a linked ircd, for each server protocol: the link's line parser, then the protocol
 * on a linked state (a burst with users, a leaf server and a channel). No line may crash either,
 * every event must pass the catalog's validation (the harness validates each), and the state
 * must stay consistent: every channel a user is in has the user as a member.
 */
import fc from 'fast-check';
import type { FuzzTarget } from '../harness.js';
import type { LinkState } from '../../src/networks/irc-link/state.js';

/** What one protocol's target needs: a linked harness and the words its lines are made of. */
export interface LinkLinesSpec {
  readonly name: string;
  readonly description: string;
  /** A protocol harness after its handshake and burst. */
  readonly linked: () => { readonly state: LinkState; readonly events: unknown[]; feed(...lines: string[]): void };
  readonly commands: readonly string[];
  /** Parameters worth trying (names, ids, modes, TS values). */
  readonly words: readonly string[];
  /** Line sources worth trying (users, servers, ids). */
  readonly sources: readonly string[];
  readonly maxParams: number;
}

/** The fuzz target for one protocol. */
export function linkLinesTarget(spec: LinkLinesSpec): FuzzTarget<string[]> {
  const token = fc.oneof(
    { arbitrary: fc.constantFrom(...spec.words), weight: 3 },
    fc.string({ unit: 'grapheme-ascii', minLength: 1, maxLength: 12 }).map((s) => s.replace(/ /g, '') || 'x'),
    fc.string({ unit: 'binary', maxLength: 12 }),
  );
  const structured = fc
    .tuple(
      fc.option(fc.constantFrom(...spec.sources, ':', ''), { nil: undefined }),
      fc.constantFrom(...spec.commands),
      fc.array(token, { maxLength: spec.maxParams }),
      fc.option(fc.string({ unit: 'binary', maxLength: 60 }), { nil: undefined }),
    )
    .map(([prefix, command, params, trailing]) => [
      prefix === undefined ? '' : `:${prefix} `,
      command,
      ...params.map((p) => ` ${p}`),
      trailing === undefined ? '' : ` :${trailing}`,
    ].join(''));
  return {
    name: spec.name,
    description: spec.description,
    input: fc.array(fc.oneof({ arbitrary: structured, weight: 4 }, fc.string({ unit: 'binary', maxLength: 200 })), { minLength: 1, maxLength: 6 }),
    check(lines) {
      const h = spec.linked();
      h.feed(...lines.map((line) => line.replace(/[\r\n]/g, ' ')));
      for (const user of h.state.allUsers()) {
        for (const channel of user.channels) {
          if (!h.state.channel(channel)?.members.has(user.uid)) throw new Error(`${user.nick} lists ${channel} but is not a member`);
        }
      }
      JSON.stringify(h.events);
    },
  };
}

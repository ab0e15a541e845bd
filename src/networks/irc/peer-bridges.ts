/**
 * Who may mark a message as already relayed (the hop marker, `+switchboard.chat/relayed`): only
 * the bridges listed in the network's `peerBridges` option. Anyone else can add the client tag
 * too, so from them it is ignored; otherwise an ordinary user could hide their messages from
 * the other networks.
 *
 * An entry is either `account:<name>` (the services account the server reports for the
 * sender: the `account` tag or account tracking; a glob) or an IRC mask `nick!user@host` (globs,
 * e.g. `relaybot2!*@bridge.example.org`). Nicks and masks compare under the server's
 * CASEMAPPING; accounts compare case-insensitively. Prefer accounts or masks with a host the
 * peer controls: a bare nick (`nick!*@*`) can be taken by anyone while the peer is away.
 */
import { casefold, type CaseMapping } from './casemapping.js';

/** The sender of a line, as far as peer matching cares. */
export interface LineSender {
  readonly nick: string;
  readonly ident: string;
  readonly hostname: string;
  readonly account?: string;
}

/** A glob (`*` any run, `?` one character) as an anchored RegExp over already folded text. */
function globPattern(glob: string): RegExp {
  const body = [...glob].map((c) => (c === '*' ? '.*' : c === '?' ? '.' : c.replace(/[\\^$.+()[\]{}|/-]/g, '\\$&'))).join('');
  return new RegExp(`^${body}$`, 's');
}

/** Checks an entry of `peerBridges`; the reason when it is not one of the two forms. */
export function peerBridgeProblem(entry: string): string | undefined {
  if (/^account:\S+$/.test(entry)) return undefined;
  if (/^[^!@\s]+![^!@\s]+@[^!@\s]+$/.test(entry)) return undefined;
  return 'must be account:<name> or an IRC mask nick!user@host (globs * and ? allowed)';
}

export class PeerBridges {
  private readonly accounts: readonly RegExp[];
  private readonly masks: readonly string[];

  /** @param entries - the `peerBridges` option (already validated by `peerBridgeProblem`). */
  constructor(entries: readonly string[]) {
    this.accounts = entries.filter((e) => e.startsWith('account:')).map((e) => globPattern(e.slice('account:'.length).toLowerCase()));
    this.masks = entries.filter((e) => !e.startsWith('account:'));
  }

  /** true when `sender` is one of the configured peer bridges. */
  includes(sender: LineSender, caseMapping: CaseMapping): boolean {
    const account = sender.account?.toLowerCase();
    if (account !== undefined && this.accounts.some((pattern) => pattern.test(account))) return true;
    if (this.masks.length === 0 || sender.ident === '' || sender.hostname === '') return false;
    const mask = casefold(`${sender.nick}!${sender.ident}@${sender.hostname}`, caseMapping);
    return this.masks.some((entry) => globPattern(casefold(entry, caseMapping)).test(mask));
  }
}

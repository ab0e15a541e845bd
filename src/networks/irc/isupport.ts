/**
 * What the server advertised in RPL_ISUPPORT (005), with the defaults RFC 1459 implies.
 */
import { casefold, parseCaseMapping, type CaseMapping } from './casemapping.js';
import { DEFAULT_LINE_LENGTH } from './split.js';

/** A channel membership prefix, e.g. mode `o` shown as `@`. */
export interface PrefixMode {
  readonly mode: string;
  readonly symbol: string;
}

/** The server's advertised features, updated as 005 lines arrive. */
export class ServerSupport {
  caseMapping: CaseMapping = 'rfc1459';
  chanTypes = '#&';
  prefixes: readonly PrefixMode[] = [{ mode: 'o', symbol: '@' }, { mode: 'v', symbol: '+' }];
  /** CHANMODES groups: A (list, always an argument), B (always), C (only when set), D (never). */
  chanModes: readonly [string, string, string, string] = ['b', 'k', 'l', 'imnpst'];
  nickLen = 9;
  lineLen = DEFAULT_LINE_LENGTH;
  /** MONITOR is offered (its target limit; 0 = no limit given); undefined when not offered. */
  monitor?: number;
  /** Most channels in one JOIN (TARGMAX JOIN:n); undefined when the server states no limit. */
  joinTargets?: number;
  /** STATUSMSG: the prefixes a message target may carry to reach only members with that status (`@#chan`). */
  statusMsg = '';
  /** CHATHISTORY (IRCv3): most messages per request (0 = no limit stated); undefined when not offered. */
  chatHistory?: number;
  /** MSGREFTYPES: the message references CHATHISTORY takes, in the server's order; undefined when not stated (then both). */
  msgRefTypes?: readonly string[];

  /** Applies the tokens of one 005 line (the parameters between the nick and the trailing text). */
  update(tokens: readonly string[]): void {
    for (const token of tokens) {
      const eq = token.indexOf('=');
      const key = (eq === -1 ? token : token.slice(0, eq)).toUpperCase();
      const value = eq === -1 ? '' : token.slice(eq + 1);
      this.apply(key, value);
    }
  }

  private apply(key: string, value: string): void {
    const positive = (fallback: number): number => {
      const n = Number.parseInt(value, 10);
      return Number.isInteger(n) && n > 0 ? n : fallback;
    };
    switch (key) {
      case 'CASEMAPPING': this.caseMapping = parseCaseMapping(value); break;
      case 'CHANTYPES': this.chanTypes = value; break;
      case 'PREFIX': this.prefixes = parsePrefix(value); break;
      case 'CHANMODES': {
        const [a = '', b = '', c = '', d = ''] = value.split(',');
        this.chanModes = [a, b, c, d];
        break;
      }
      case 'NICKLEN': case 'MAXNICKLEN': this.nickLen = positive(this.nickLen); break;
      case 'LINELEN': this.lineLen = positive(this.lineLen); break;
      case 'MONITOR': this.monitor = positive(0); break;
      case 'TARGMAX': this.joinTargets = parseTargMax(value).get('JOIN'); break;
      case 'STATUSMSG': this.statusMsg = value; break;
      case 'CHATHISTORY': this.chatHistory = positive(0); break;
      case 'MSGREFTYPES': this.msgRefTypes = value.split(',').filter((type) => type !== '').slice(0, 16); break;
    }
  }

  /** Folds a nick or channel name per CASEMAPPING. */
  fold(name: string): string {
    return casefold(name, this.caseMapping);
  }

  /** true when `a` and `b` name the same nick or channel. */
  equal(a: string, b: string): boolean {
    return this.fold(a) === this.fold(b);
  }

  /** true when `target` is a channel name (starts with one of CHANTYPES). */
  isChannel(target: string): boolean {
    return target.length > 0 && this.chanTypes.includes(target[0] as string);
  }

  /** The prefix mode a symbol stands for (`@` → `o`), if it is one. */
  modeForSymbol(symbol: string): string | undefined {
    return this.prefixes.find((p) => p.symbol === symbol)?.mode;
  }

  /**
   * The status prefix of a message target (`@` of `@#chan`, `@+` of `@+#chan`): the characters
   * in front of a channel name that are STATUSMSG or membership symbols; '' for a plain target.
   */
  statusPrefix(target: string): string {
    let start = 0;
    while (start < target.length - 1 && !this.isChannel(target.slice(start))
      && (this.statusMsg.includes(target[start] as string) || this.modeForSymbol(target[start] as string) !== undefined)) start++;
    return this.isChannel(target.slice(start)) ? target.slice(0, start) : '';
  }

  /** true when the mode letter is a membership prefix mode (o, v, ...). */
  isPrefixMode(mode: string): boolean {
    return this.prefixes.some((p) => p.mode === mode);
  }

  /** Whether a channel mode takes an argument when set (`adding`) or unset. */
  takesArgument(mode: string, adding: boolean): boolean {
    const [a, b, c] = this.chanModes;
    if (this.isPrefixMode(mode) || a.includes(mode) || b.includes(mode)) return true;
    return adding && c.includes(mode);
  }
}

/** Parses PREFIX, e.g. `(qaohv)~&@%+`. An empty value means no prefixes. */
function parsePrefix(value: string): PrefixMode[] {
  const match = /^\(([^)]*)\)(.*)$/.exec(value);
  if (!match) return [];
  const modes = match[1] ?? '';
  const symbols = match[2] ?? '';
  const out: PrefixMode[] = [];
  for (let i = 0; i < Math.min(modes.length, symbols.length); i++) out.push({ mode: modes[i] as string, symbol: symbols[i] as string });
  return out;
}

/** Parses TARGMAX, e.g. `JOIN:5,PRIVMSG:4,NAMES:` (an empty limit means none), into command → limit. */
export function parseTargMax(value: string): Map<string, number> {
  const limits = new Map<string, number>();
  for (const item of value.split(',')) {
    const [command = '', limit = ''] = item.split(':');
    const n = Number.parseInt(limit, 10);
    if (command && Number.isInteger(n) && n > 0) limits.set(command.toUpperCase(), n);
  }
  return limits;
}

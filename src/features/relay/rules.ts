/**
 * The declarative rules of a bridge (ignore users, ignore text, text and nick rewrites),
 * applied as the relay's own `beforeSend` callback: the same stage third-party modules use.
 */
import type { Message } from '../../core/message.js';
import type { ChannelRef, UserRef } from '../../core/refs.js';
import { mapText, plainText } from '../../core/richtext-ops.js';
import type { DeliveryOptions, RewriteRule } from './config.js';

/** Turns a glob (`*` any run, `?` one character) into an anchored, case-insensitive RegExp. */
export function globToRegExp(glob: string): RegExp {
  const source = [...glob].map((c) => (c === '*' ? '.*' : c === '?' ? '.' : c.replace(/[\\^$.|+()[\]{}]/g, '\\$&'))).join('');
  return new RegExp(`^${source}$`, 'iu');
}

/** true when `user` matches one of the globs (against `network:id`, the nick or the account). */
export function userMatches(user: UserRef, globs: readonly string[]): boolean {
  if (globs.length === 0) return false;
  const names = [`${user.network}:${user.id}`, user.id, user.nick, user.account].filter((n): n is string => n !== undefined && n !== '');
  return globs.some((glob) => {
    const pattern = globToRegExp(glob);
    return names.some((name) => pattern.test(name));
  });
}

/** Applies rewrite rules in order. */
export function rewrite(text: string, rules: readonly RewriteRule[]): string {
  return rules.reduce((current, rule) => current.replace(rule.pattern, rule.replace), text);
}

/**
 * The rules for one delivery: null when the message must not reach `target`, else the message
 * with its text and author's nick rewritten (the same object when no rule changed anything).
 */
export function applyRules(message: Message, options: DeliveryOptions): Message | null {
  if (userMatches(message.author, options.ignoreUsers)) return null;
  if (message.relayed === true && !options.relayRelayed) return null;
  if (options.ignoreText.length > 0) {
    const text = plainText(message.body);
    if (options.ignoreText.some((pattern) => pattern.test(text))) return null;
  }
  let result = message;
  if (options.rewrite.length > 0) result = { ...result, body: mapText(result.body, (t) => rewrite(t, options.rewrite)) };
  if (options.nickRewrite.length > 0) {
    const nick = rewrite(message.author.nick ?? message.author.id, options.nickRewrite);
    result = { ...result, author: { ...result.author, nick } };
  }
  return result;
}

/**
 * The relay's beforeSend: looks up the options for the target's bridge (and the author's
 * network, for `from` overrides) and applies them.
 */
export function rulesCallback(optionsFor: (target: ChannelRef, source: string) => DeliveryOptions | undefined) {
  return (message: Message, target: ChannelRef): Message | null => {
    const options = optionsFor(target, message.author.network);
    return options ? applyRules(message, options) : message;
  };
}

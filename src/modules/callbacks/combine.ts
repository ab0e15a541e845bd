/**
 * The combination rules of rules.ts, as code. Every function takes the callback's entry of
 * the rules table and refuses to run a rule other than its own, so the table stays the one
 * source of truth for how each callback combines and what a throw does.
 */
import type { Logger } from '../../core/log.js';
import type { Registered } from './callback-list.js';
import { ruleOf, type CallbackRule, type CombinationRule } from './rules.js';
import type { Category } from './types.js';
import { NOT_SPAM, PRESENCE_ALL_USERS, RegistrationBehaviour } from './values.js';

/** Which callback is being run, for rules and log lines. */
export interface CallbackSite {
  readonly category: Category;
  /** A callback name of `category` (see rules.ts). */
  readonly name: string;
  readonly log: Logger;
}

/** A callback threw and its failure policy is `fail-operation`: the operation fails with this error. */
export class CallbackFailedError extends Error {
  override readonly name = 'CallbackFailedError';
  constructor(
    readonly module: string,
    readonly callback: string,
    cause: unknown,
  ) {
    super(`module ${module}: ${callback} failed: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
  }
}

/** The result of a first-decides rule: nobody decided, or one module's answer. */
export type Decision<R> =
  | { readonly decided: false }
  | { readonly decided: true; readonly value: R; readonly module: string; readonly threw?: unknown };

function ruleFor(site: CallbackSite, kind: CombinationRule['kind']): CallbackRule {
  const rule = ruleOf(site.category, site.name as never);
  if (rule.rule.kind !== kind) {
    throw new Error(`internal: ${site.category}.${site.name} is "${rule.rule.kind}" in the rules table, not "${kind}"`);
  }
  return rule;
}

function logFailure(site: CallbackSite, module: string, error: unknown, consequence: string): void {
  site.log.error({ module, callback: `${site.category}.${site.name}`, err: error }, `module callback threw; ${consequence}`);
}

/** Handles a throw by policy; returns true when the caller should move on to the next module. */
function onThrow(site: CallbackSite, rule: CallbackRule, module: string, error: unknown): 'skip' | 'refuse' {
  switch (rule.onThrow) {
    case 'skip':
    case 'use-default':
      logFailure(site, module, error, rule.onThrow === 'skip' ? 'its answer is left out' : 'using the default');
      return 'skip';
    case 'refuse':
      logFailure(site, module, error, 'the operation is refused');
      return 'refuse';
    case 'fail-operation':
      throw new CallbackFailedError(module, `${site.category}.${site.name}`, error);
  }
}

function passes(rule: CallbackRule, value: unknown): boolean {
  if (rule.rule.kind !== 'first-decides') return false;
  switch (rule.rule.passes) {
    case 'NOT_SPAM':
      return value === NOT_SPAM;
    case 'ALLOW':
      return value === RegistrationBehaviour.ALLOW;
    case 'null':
      return value === null || value === undefined;
    case 'true':
      return value === true;
    case 'false':
      return value === false;
  }
}

/**
 * "First answer that is not <passes> decides": asks each module in order; `read` turns a raw
 * answer into R (and throws on an answer of the wrong type, which counts as the module
 * failing); `refusal` is the answer used when a module throws and the policy is `refuse`.
 */
export function firstDecides<F, R>(
  site: CallbackSite,
  entries: ReadonlyArray<Registered<F>>,
  call: (fn: F) => unknown,
  read: (answer: unknown) => R,
  refusal: R,
): Promise<Decision<R>> {
  const rule = ruleFor(site, 'first-decides');
  return decide(site, rule, entries, call, read, refusal, (value) => passes(rule, value));
}

/**
 * The auth checkers of one login type: asked in order until one returns a user (null falls
 * through); a throw refuses (authentication denied). Conflicting registrations are refused
 * when they are made (password-auth.ts).
 */
export function firstUser<F, R>(
  site: CallbackSite,
  entries: ReadonlyArray<Registered<F>>,
  call: (fn: F) => unknown,
  read: (answer: unknown) => R | null,
): Promise<Decision<R | null>> {
  const rule = ruleFor(site, 'auth-checkers');
  return decide<F, R | null>(site, rule, entries, call, read, null, (value) => value === null);
}

async function decide<F, R>(
  site: CallbackSite,
  rule: CallbackRule,
  entries: ReadonlyArray<Registered<F>>,
  call: (fn: F) => unknown,
  read: (answer: unknown) => R,
  refusal: R,
  fallsThrough: (value: R) => boolean,
): Promise<Decision<R>> {
  for (const entry of entries) {
    let value: R;
    try {
      value = read(await call(entry.fn));
    } catch (error) {
      if (onThrow(site, rule, entry.module, error) === 'skip') continue;
      return { decided: true, value: refusal, module: entry.module, threw: error };
    }
    if (!fallsThrough(value)) return { decided: true, value, module: entry.module };
  }
  return { decided: false };
}

/** "Run all in order": a throw is logged (policy `skip`) and the others still run. */
export async function runAll<F>(site: CallbackSite, entries: ReadonlyArray<Registered<F>>, call: (fn: F) => unknown): Promise<void> {
  const rule = ruleFor(site, 'run-all');
  for (const entry of entries) {
    try {
      await call(entry.fn);
    } catch (error) {
      onThrow(site, rule, entry.module, error);
    }
  }
}

/** The result of run-until-refused. */
export type Refusal = { readonly refused: false } | { readonly refused: true; readonly module: string; readonly error: unknown };

/** "Run all in order; the first that throws refuses the operation and stops the ones after it." */
export async function runUntilRefused<F>(
  site: CallbackSite,
  entries: ReadonlyArray<Registered<F>>,
  call: (fn: F) => unknown,
): Promise<Refusal> {
  ruleFor(site, 'run-until-refused');
  for (const entry of entries) {
    try {
      await call(entry.fn);
    } catch (error) {
      site.log.info({ module: entry.module, callback: `${site.category}.${site.name}`, reason: describe(error) }, 'operation refused by module');
      return { refused: true, module: entry.module, error };
    }
  }
  return { refused: false };
}

/** "Merge the maps and concatenate the sets of the same key." A module that throws is left out. */
export async function mergeSets<F, V>(
  site: CallbackSite,
  entries: ReadonlyArray<Registered<F>>,
  call: (fn: F) => unknown,
  read: (answer: unknown) => Iterable<readonly [string, Iterable<V>]>,
): Promise<Map<string, Set<V>>> {
  const rule = ruleFor(site, 'merge-sets');
  const merged = new Map<string, Set<V>>();
  for (const entry of entries) {
    let pairs: Array<readonly [string, Iterable<V>]>;
    try {
      pairs = [...read(await call(entry.fn))];
    } catch (error) {
      onThrow(site, rule, entry.module, error);
      continue;
    }
    for (const [key, values] of pairs) {
      const set = merged.get(key) ?? new Set<V>();
      for (const value of values) set.add(value);
      merged.set(key, set);
    }
  }
  return merged;
}

/** "Concatenate the sets; PRESENCE_ALL_USERS short-circuits." A module that throws is left out. */
export async function unionOrAll<F>(
  site: CallbackSite,
  entries: ReadonlyArray<Registered<F>>,
  call: (fn: F) => unknown,
): Promise<Set<string> | typeof PRESENCE_ALL_USERS> {
  const rule = ruleFor(site, 'union-or-all');
  const union = new Set<string>();
  for (const entry of entries) {
    let answer: unknown;
    try {
      answer = await call(entry.fn);
      if (answer === PRESENCE_ALL_USERS) return PRESENCE_ALL_USERS;
      if (!isIterable(answer) || typeof answer === 'string') throw new TypeError('expected a set of user ids or PRESENCE_ALL_USERS');
      for (const id of answer) {
        if (typeof id !== 'string') throw new TypeError('expected user ids to be strings');
      }
    } catch (error) {
      onThrow(site, rule, entry.module, error);
      continue;
    }
    for (const id of answer as Iterable<string>) union.add(id);
  }
  return union;
}

/**
 * "Last registered wins per field; core fields cannot be overridden." Fields named in `core`
 * are dropped (logged once per module and field). A module that throws is left out.
 */
export async function lastWinsPerField<F>(
  site: CallbackSite,
  entries: ReadonlyArray<Registered<F>>,
  call: (fn: F) => unknown,
  core: ReadonlySet<string>,
  warned: Set<string>,
): Promise<Record<string, unknown>> {
  const rule = ruleFor(site, 'last-wins-per-field');
  const fields: Record<string, unknown> = {};
  for (const entry of entries) {
    let answer: unknown;
    try {
      answer = await call(entry.fn);
      if (typeof answer !== 'object' || answer === null || Array.isArray(answer)) throw new TypeError('expected an object of fields');
    } catch (error) {
      onThrow(site, rule, entry.module, error);
      continue;
    }
    for (const [field, value] of Object.entries(answer)) {
      if (core.has(field)) {
        const key = `${entry.module}\0${field}`;
        if (!warned.has(key)) {
          warned.add(key);
          site.log.warn({ module: entry.module, field }, 'module tried to override a core field; ignored');
        }
        continue;
      }
      fields[field] = value;
    }
  }
  return fields;
}

/** The result of a rewrite chain: the final value, or suppressed (by a null answer or a throw). */
export type Rewritten<T> =
  | { readonly suppressed: false; readonly value: T }
  | { readonly suppressed: true; readonly module: string; readonly threw?: unknown };

/**
 * "Run all in order on the previous output; null suppresses and stops the ones after it."
 * Synchronous while the callbacks answer synchronously, a promise from the first one that
 * answers with a promise on: the relay runs it for every delivery, and most callbacks (the
 * relay's own rules) answer at once.
 */
export function rewriteChain<F, T>(
  site: CallbackSite,
  entries: ReadonlyArray<Registered<F>>,
  initial: T,
  call: (fn: F, current: T) => unknown,
  read: (answer: unknown) => T | null,
): Rewritten<T> | Promise<Rewritten<T>> {
  return rewriteFrom({ site, rule: ruleFor(site, 'rewrite-chain'), entries, call, read }, 0, initial);
}

/** One run of a rewrite chain. */
interface RewriteRun<F, T> {
  readonly site: CallbackSite;
  readonly rule: CallbackRule;
  readonly entries: ReadonlyArray<Registered<F>>;
  readonly call: (fn: F, current: T) => unknown;
  readonly read: (answer: unknown) => T | null;
}

/** The chain from entry `start` on, on `current`. */
function rewriteFrom<F, T>(run: RewriteRun<F, T>, start: number, current: T): Rewritten<T> | Promise<Rewritten<T>> {
  for (let index = start; index < run.entries.length; index++) {
    const entry = run.entries[index]!;
    let next: T | null;
    try {
      const answer = run.call(entry.fn, current);
      if (isThenable(answer)) return rewriteAfter(run, index, answer, current);
      next = run.read(answer);
    } catch (error) {
      if (onThrow(run.site, run.rule, entry.module, error) === 'skip') continue;
      return { suppressed: true, module: entry.module, threw: error };
    }
    if (next === null) return { suppressed: true, module: entry.module };
    current = next;
  }
  return { suppressed: false, value: current };
}

/** Entry `index` answered with a promise: the chain goes on once it settles. */
async function rewriteAfter<F, T>(run: RewriteRun<F, T>, index: number, answer: PromiseLike<unknown>, current: T): Promise<Rewritten<T>> {
  const entry = run.entries[index]!;
  let next: T | null;
  try {
    next = run.read(await answer);
  } catch (error) {
    if (onThrow(run.site, run.rule, entry.module, error) === 'skip') return rewriteFrom(run, index + 1, current);
    return { suppressed: true, module: entry.module, threw: error };
  }
  if (next === null) return { suppressed: true, module: entry.module };
  return rewriteFrom(run, index + 1, next);
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return typeof (value as PromiseLike<unknown> | undefined)?.then === 'function';
}

function isIterable(value: unknown): value is Iterable<unknown> {
  return value !== null && value !== undefined && typeof (value as Iterable<unknown>)[Symbol.iterator] === 'function';
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * A query built with Kysely once and run many times with different arguments.
 *
 * Building and compiling a query with Kysely costs far more than running it on a kept prepared
 * statement (tens of microseconds against a few). A template is built once with a unique token
 * in place of each argument; `bind` then copies the compiled SQL and puts the arguments where
 * the tokens were. The SQL stays Kysely's, so every dialect gets its own (`?` or `$1`).
 */
import type { Compilable, CompiledQuery, Kysely } from 'kysely';
import type { Database } from './schema.js';

/** Named arguments: strings and numbers, as the store's queries take them. */
export type TemplateArgs = Record<string, string | number>;

export class QueryTemplate<A extends TemplateArgs, R = unknown> {
  readonly #compiled: CompiledQuery<R>;
  /** For each parameter of the compiled query: the argument's name, or undefined for a constant. */
  readonly #slots: ReadonlyArray<keyof A | undefined>;

  /**
   * `build` gets a placeholder for each name in `names` (use it wherever the argument goes;
   * its type is a lie: it is a token). Throws when an argument is not used, or is used where
   * Kysely does not pass it as a parameter.
   */
  constructor(db: Kysely<Database>, names: ReadonlyArray<keyof A & string>, build: (db: Kysely<Database>, args: A) => Compilable<R>) {
    const token = (name: string): string => `\u0000template-argument:${name}\u0000`;
    const placeholders = Object.fromEntries(names.map((name) => [name, token(name)])) as unknown as A;
    this.#compiled = build(db, placeholders).compile();
    const byToken = new Map(names.map((name) => [token(name), name]));
    this.#slots = this.#compiled.parameters.map((value) => (typeof value === 'string' ? byToken.get(value) : undefined));
    for (const name of names) {
      if (!this.#slots.includes(name)) throw new Error(`query template: argument ${name} is not a parameter of: ${this.#compiled.sql}`);
    }
    if (names.some((name) => this.#compiled.sql.includes(token(name)))) {
      throw new Error(`query template: an argument was written into the SQL instead of passed: ${this.#compiled.sql}`);
    }
  }

  /** The compiled query with `args` in place. */
  bind(args: A): CompiledQuery<R> {
    const compiled = this.#compiled;
    const slots = this.#slots;
    const parameters: unknown[] = new Array(slots.length);
    for (let index = 0; index < slots.length; index++) {
      const name = slots[index];
      parameters[index] = name === undefined ? compiled.parameters[index] : args[name];
    }
    // The same shape every time (no spread): one small object per query run.
    return { query: compiled.query, queryId: compiled.queryId, sql: compiled.sql, parameters };
  }
}

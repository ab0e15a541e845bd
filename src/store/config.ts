/**
 * The storage settings (`storage:` in the config), as the store opens them.
 */

/** Where state is kept: a SQLite file (default) or a PostgreSQL URL. */
export type StorageConfig =
  | { readonly kind: 'sqlite'; readonly path: string }
  | { readonly kind: 'postgres'; readonly url: string };

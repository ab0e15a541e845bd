/**
 * What a schema migration is. Migrations live in this directory as `NNNN-name.ts` and are
 * listed, in order, in `index.ts`.
 */
import type { AnyKysely, ColumnTypes, StoreKind } from '../dialect.js';

/** What a migration's `up` gets: the open transaction and the dialect's column types. */
export interface MigrationContext {
  /** The transaction the migration runs in; everything it does commits or rolls back together. */
  readonly db: AnyKysely;
  readonly types: ColumnTypes;
  readonly kind: StoreKind;
}

export interface Migration {
  /** 1, 2, 3, ...: each migration is one more than the one before. */
  readonly version: number;
  /** Short name, recorded next to the version (matches the file name). */
  readonly name: string;
  up(context: MigrationContext): Promise<void>;
}

/**
 * Undoing a registration: every `register…`/`on…` call of the hub returns one.
 */

/** Undoes a registration. */
export type Disposer = () => void;

/**
 * The part of docs/modules.md generated from the rules table (`renderRulesTable()`), between
 * two markers; `scripts/gen-callback-docs.mjs` rewrites it and a unit test checks it.
 */
import { renderRulesTable } from './rules.js';

export const GENERATED_BEGIN = '<!-- generated: callback table (npm run build && node scripts/gen-callback-docs.mjs); do not edit by hand -->';
export const GENERATED_END = '<!-- end of generated callback table -->';

/** `markdown` with the text between the markers replaced by the current table; throws when a marker is missing. */
export function withGeneratedCallbackTable(markdown: string): string {
  const begin = markdown.indexOf(GENERATED_BEGIN);
  const end = markdown.indexOf(GENERATED_END);
  if (begin === -1 || end < begin) throw new Error(`the document lacks the markers ${GENERATED_BEGIN} ... ${GENERATED_END}`);
  return `${markdown.slice(0, begin + GENERATED_BEGIN.length)}\n\n${renderRulesTable()}\n\n${markdown.slice(end)}`;
}

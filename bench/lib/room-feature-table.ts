/**
 * The group-chat feature table: for each feature, what Switchboard and Biboumi do, from what
 * the run observed (room-features.ts) where it could, and how each cell was checked.
 */
import type { FeatureObservations } from './room-features.js';

export interface FeatureRow {
  readonly feature: string;
  readonly switchboard: string;
  readonly biboumi: string;
  readonly checked: string;
}

type Pick = (o: FeatureObservations) => string;

const NOT_RUN = 'not checked (did not run)';

function cell(o: FeatureObservations | undefined, pick: Pick): string {
  return o === undefined ? NOT_RUN : pick(o);
}

function quoted(lines: readonly string[]): string {
  return lines.length === 0 ? 'nothing reached IRC' : `IRC got ${lines.map((l) => JSON.stringify(l.length > 80 ? `${l.slice(0, 80)}…` : l)).join(', ')}`;
}

function announced(o: FeatureObservations, prefix: string): boolean {
  return o.discoFeatures.some((f) => f.startsWith(prefix));
}

const ROWS: ReadonlyArray<{ feature: string; pick: Pick; checked: string }> = [
  {
    feature: 'corrections (XEP-0308) XMPP→IRC',
    pick: (o) => `${quoted(o.correction)}${announced(o, 'urn:xmpp:message-correct') ? '; announced in disco#info' : ''}`,
    checked: 'behaviour in the run: sam corrects his room message (<replace/>), olive\'s IRC lines; disco#info of the room',
  },
  {
    feature: 'styling (IRC bold/italics → XMPP: XEP-0393 in the body, or XHTML-IM)',
    pick: (o) => (o.styling.body === undefined ? 'no message arrived' : `body ${JSON.stringify(o.styling.body)}${o.styling.xhtml ? ' with XHTML-IM' : ', no XHTML-IM'}`),
    checked: 'behaviour in the run: alice sends \\x02bold\\x02 and \\x1ditalic\\x1d to the channel, what sam gets',
  },
  {
    feature: 'word-boundary splitting (XMPP→IRC, 1,208 characters)',
    pick: (o) => (o.longMessage.lines === 0 ? 'nothing reached IRC' : `${o.longMessage.lines} IRC lines (${o.longMessage.lengths.join(', ')} bytes of text), ${o.longMessage.wholeWords ? 'every line whole words' : 'words cut across lines'}`),
    checked: 'behaviour in the run: sam sends 200 numbered words after a token, olive\'s lines',
  },
  {
    feature: 'reactions (XEP-0444) XMPP→IRC',
    pick: (o) => quoted(o.reaction),
    checked: 'behaviour in the run: sam reacts 🎉 to his room message, olive\'s IRC lines',
  },
  {
    feature: 'retractions (XEP-0424) XMPP→IRC',
    pick: (o) => `${quoted(o.retraction.lines)}; ${o.retraction.error === undefined ? 'no error to the sender' : `the sender got an error: ${JSON.stringify(o.retraction.error.slice(0, 120))}`}`,
    checked: 'behaviour in the run: sam retracts his room message (<retract/>), olive\'s IRC lines and sam\'s stanzas',
  },
  {
    feature: 'MAM (XEP-0313) on the room',
    pick: (o) => (announced(o, 'urn:xmpp:mam') ? `announced (${o.discoFeatures.filter((f) => f.startsWith('urn:xmpp:mam')).join(', ')})` : 'not announced'),
    checked: 'disco#info of the room in the run (Switchboard\'s MAM queries are covered by its e2e tests; Biboumi\'s not queried here, its docs describe MAM on the channel JID)',
  },
];

/** The table's rows and one note per row for the results' README. */
export function featureTable(observed: { readonly switchboard?: FeatureObservations; readonly biboumi?: FeatureObservations }): { rows: FeatureRow[]; notes: string[] } {
  const rows: FeatureRow[] = ROWS.map((r) => ({ feature: r.feature, switchboard: cell(observed.switchboard, r.pick), biboumi: cell(observed.biboumi, r.pick), checked: r.checked }));
  rows.push({
    feature: 'bookmarks (XEP-0402)',
    switchboard: 'the client\'s own bookmarks of room JIDs work (kept by the XMPP server); the gateway writes none yet (needs XEP-0356 privileges, docs/gateway.md "Bookmarks"); "List rooms" as the fallback',
    biboumi: 'not checked (a client\'s own bookmarks are the XMPP server\'s; no gateway-written bookmarks found in its docs)',
    checked: 'static: Switchboard from docs/gateway.md and its e2e tests; Biboumi not checked in the run',
  });
  return { rows, notes: rows.map((r) => `Feature — ${r.feature}: Switchboard: ${r.switchboard}. Biboumi 9.0: ${r.biboumi}. (How: ${r.checked}.)`) };
}

/**
 * The feature table's checks in the run, the same for each gateway: the room's disco#info
 * features, and what the other side gets for a correction, a reaction, a retraction, a long message (split at
 * word boundaries or not) and IRC formatting (styling). Each check records what it saw, as text.
 */
import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { xml, type XmlElement } from '../../test/support/clients.js';
import type { GatewayRig } from './gateway-rig.js';
import { CHANNEL, type RoomGateway, type RoomRig } from './room-rig.js';

const SETTLE_MS = 1_500;
const NS_DISCO_INFO = 'http://jabber.org/protocol/disco#info';

/** What one gateway showed for each checked feature. */
export interface FeatureObservations {
  readonly discoFeatures: readonly string[];
  /** The IRC lines olive got for a correction (XEP-0308) of sam's message. */
  readonly correction: readonly string[];
  /** The IRC lines olive got for a reaction (XEP-0444) to sam's message. */
  readonly reaction: readonly string[];
  /** A retraction (XEP-0424) of sam's message: the IRC lines olive got for it, and the error sam got (undefined: none). */
  readonly retraction: { readonly lines: readonly string[]; readonly error: string | undefined };
  /** A 1,208-character message of 200 words XMPP→IRC: how many lines, and whether every line holds whole words. */
  readonly longMessage: { readonly lines: number; readonly wholeWords: boolean; readonly lengths: readonly number[] };
  /** IRC bold and italics IRC→XMPP: the body sam got, and whether it came with XHTML-IM. */
  readonly styling: { readonly body: string | undefined; readonly xhtml: boolean };
}

function token(): string {
  return randomBytes(4).toString('hex');
}

/** The text of the PRIVMSGs to the channel olive got since `from` that contain `needle`. */
function linesWith(room: RoomRig, from: number, needle: string): string[] {
  return room.oliveLines.slice(from).filter((l) => l.line.includes(needle)).map((l) => l.line.replace(/^.*? PRIVMSG \S+ :/, ''));
}

/** Runs every check against `gateway`, where sam has joined the room. */
export async function observeFeatures(rig: GatewayRig, room: RoomRig, gateway: RoomGateway): Promise<FeatureObservations> {
  const disco = await rig.sam.xmpp.iqCaller.request(xml('iq', { to: gateway.room, type: 'get' }, xml('query', { xmlns: NS_DISCO_INFO })), 10_000).catch((error: unknown) => error as Error);
  const discoFeatures = disco instanceof Error ? [`error: ${disco.message}`] : (disco.getChild('query', NS_DISCO_INFO)?.getChildren('feature').map((f) => String(f.attrs.var)) ?? []);

  const say = (body: string, id: string, ...extra: XmlElement[]) => rig.sam.send(xml('message', { to: gateway.room, type: 'groupchat', id }, xml('body', {}, body), ...extra));
  const tok = token();
  const originalId = `orig-${tok}`;
  const mark = room.oliveLines.length;
  await say(`feature original ${tok}`, originalId);
  await sleep(SETTLE_MS);
  await say(`feature corrected ${tok}`, `fix-${tok}`, xml('replace', { xmlns: 'urn:xmpp:message-correct:0', id: originalId }));
  await rig.sam.send(xml('message', { to: gateway.room, type: 'groupchat', id: `react-${tok}` }, xml('reactions', { xmlns: 'urn:xmpp:reactions:0', id: originalId }, xml('reaction', {}, '🎉'))));
  const words = Array.from({ length: 200 }, (_, i) => `w${String(i).padStart(4, '0')}`).join(' ');
  await say(`${tok} ${words}`, `long-${tok}`);
  await sleep(SETTLE_MS);
  const longLines = linesWith(room, mark, '').filter((l) => /\bw\d{4}\b/.test(l));
  const wholeWords = longLines.length > 0 && longLines.every((l) => l.split(' ').every((w) => w === tok || /^w\d{4}$/.test(w)));

  const retractMark = room.oliveLines.length;
  const retractId = `retract-${tok}`;
  await rig.sam.send(xml('message', { to: gateway.room, type: 'groupchat', id: retractId }, xml('retract', { xmlns: 'urn:xmpp:message-retract:1', id: originalId })));
  await say(`after retract ${tok}`, `after-${tok}`);
  await sleep(SETTLE_MS);
  const retractError = rig.sam.stanzas.find((s) => s.attrs.type === 'error' && s.attrs.id === retractId);

  const stylingMark = rig.sam.stanzas.length;
  rig.alice.send(`PRIVMSG ${CHANNEL} :\x02bold${tok}\x02 and \x1ditalic\x1d`);
  await sleep(SETTLE_MS);
  const styled = rig.sam.stanzas.slice(stylingMark).find((s) => s.is('message') && s.attrs.from === `${gateway.room}/alice` && (s.getChildText('body') ?? '').includes(tok));
  return {
    discoFeatures,
    correction: linesWith(room, mark, `corrected ${tok}`),
    reaction: linesWith(room, mark, '🎉'),
    retraction: {
      lines: linesWith(room, retractMark, tok).filter((l) => !l.includes(`after retract ${tok}`)),
      error: retractError === undefined ? undefined : (retractError.getChild('error')?.getChildText('text', 'urn:ietf:params:xml:ns:xmpp-stanzas') ?? retractError.getChild('error')?.toString() ?? 'an error'),
    },
    longMessage: { lines: longLines.length, wholeWords, lengths: longLines.map((l) => Buffer.byteLength(l)) },
    styling: { body: styled?.getChildText('body') ?? undefined, xhtml: styled?.getChild('html', 'http://jabber.org/protocol/xhtml-im') !== undefined },
  };
}

/**
 * What a room tells about itself in its service discovery (XEP-0030) that the adapter relies on:
 * whether it assigns its own stanza-ids (XEP-0359). Only a room that says so strips ids a sender
 * put in claiming to be the room's; in any other room a `<stanza-id by="room">` may be forged.
 */
import xml from '@xmpp/xml';
import type { IqCaller } from '@xmpp/iq/caller.js';
import { NS } from './namespaces.js';

/** true when `room` advertises `urn:xmpp:sid:0`; rejects when it does not answer in `timeoutMs`. */
export async function roomAssignsStanzaIds(iqCaller: IqCaller, room: string, timeoutMs: number): Promise<boolean> {
  const answer = await iqCaller.request(xml('iq', { type: 'get', to: room }, xml('query', { xmlns: NS.discoInfo })), timeoutMs);
  const features = answer.getChild('query', NS.discoInfo)?.getChildren('feature') ?? [];
  return features.some((feature) => feature.attrs.var === NS.sid);
}

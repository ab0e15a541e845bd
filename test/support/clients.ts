/**
 * Independent clients for e2e tests (not our adapters): a raw IRC client over node:net and an
 * XMPP client on `@xmpp/client`.
 */
export { connectRawIrc, type RawIrcClient, type RawIrcOptions } from './irc-client.js';
export {
  connectXmppClient,
  xml,
  NS_MUC,
  NS_MUC_USER,
  type TestXmppClient,
  type XmppClientOptions,
  type XmlElement,
  type XmlAttrs,
  type XmlChild,
  type XmppEntity,
} from './xmpp-client.js';

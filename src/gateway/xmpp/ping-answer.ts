/**
 * Whether a ping (XEP-0199) to a person's full JID shows the resource online, from how the request
 * ended. A result does. So does an error the client itself sends for an IQ it does not handle
 * (slixmpp and others answer `feature-not-implemented`): only the client can send it. The errors
 * the server sends for a resource that is gone (RFC 6121 §8.5.3.2.1: `service-unavailable`; also
 * the routing ones below) and a timeout do not: `service-unavailable` is also what a client
 * without XEP-0199 must answer (XEP-0199 §6), but it cannot be told from the server's.
 */

/** Conditions that may come from the server, not the resource: the resource counts as gone. */
const NOT_FROM_THE_RESOURCE: ReadonlySet<string> = new Set([
  'service-unavailable', 'recipient-unavailable', 'item-not-found', 'remote-server-not-found', 'remote-server-timeout', 'gone', 'redirect', 'internal-server-error',
]);

/** A ping's rejection (an XMPP stanza error carries its `condition`; a timeout none): whether the resource answered it. */
export function pingErrorShowsOnline(error: unknown): boolean {
  const condition = typeof error === 'object' && error !== null ? (error as { readonly condition?: unknown }).condition : undefined;
  return typeof condition === 'string' && condition !== '' && !NOT_FROM_THE_RESOURCE.has(condition);
}

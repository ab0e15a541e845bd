/**
 * The server protocols a link can speak, by the config's `ircd` value. A new protocol is one
 * file here implementing ServerProtocol (server-protocol.ts) and one entry below.
 */
import type { LinkProtocolName } from '../config.js';
import type { ServerProtocolFactory } from '../server-protocol.js';
import { HybridProtocol } from './hybrid.js';
import { InspircdProtocol } from './inspircd.js';
import { NgircdProtocol } from './ngircd.js';

/** ircd name → the protocol for one connection. */
export const SERVER_PROTOCOLS: Readonly<Record<LinkProtocolName, ServerProtocolFactory>> = {
  ngircd: (session) => new NgircdProtocol(session),
  hybrid: (session) => new HybridProtocol(session),
  inspircd: (session) => new InspircdProtocol(session),
};

/**
 * Real chat servers for e2e tests, started on random loopback ports in temp dirs and stopped by PID.
 *
 * ```ts
 * const server = await startNgircd();
 * t.after(() => server.stop());
 * ```
 * A process-exit safety net SIGKILLs any server a test forgot to stop.
 */
export type { RunningServer } from './server-base.js';
export { READY_TIMEOUT_MS, StartError } from './server-base.js';
export { startNgircd, startInspircd, type IrcServer, type IrcLinkBlock, type InspircdOptions } from './irc-servers.js';
export { DEBIAN_CONNECT_CLASS } from './configs/inspircd.js';
export { startHybrid, type HybridOptions } from './hybrid-server.js';
export { startErgo, ergoSkip, ergoBinary, type ErgoOptions } from './ergo-server.js';
export { startProsody, UPLOAD_SIZE_LIMIT, type XmppServer, type ProsodyOptions } from './prosody-server.js';
export { startEjabberd, type EjabberdOptions } from './ejabberd-server.js';
export { startXmppServer, xmppServerLabel, XMPP_SERVERS, type XmppServerKind, type XmppServerOptions } from './xmpp-servers.js';
export { freePort, freePorts, LOOPBACK } from './ports.js';

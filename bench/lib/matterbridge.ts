/**
 * Matterbridge as a peer in the side-by-side benchmark: the generated config (one IRC and one
 * XMPP account, one gateway over the pair, tuned as issue 13 measured it: `MessageDelay = 1`,
 * `MessageQueue = 10000`) and its start. The binary is never in the repository; its path is
 * given with `--peer matterbridge=PATH` (bench/README.md says how to build it).
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { IrcServer, XmppServer } from '../../test/support/servers.js';
import { startPeerProcess, type RunningBridge } from './peer-process.js';
import type { BridgedPair } from './relay-rig.js';

/** `matterbridge.toml` bridging `pair` between the two servers, PLAIN over plaintext loopback. */
export function matterbridgeConfig(irc: IrcServer, xmpp: XmppServer, pair: BridgedPair): string {
  return `[irc.bench]
Server = "${irc.host}:${irc.port}"
Nick = "${pair.ircNick}"
UseTLS = false
MessageDelay = 1
MessageQueue = 10000
RemoteNickFormat = "<{NICK}> "

[xmpp.bench]
Server = "${xmpp.host}:${xmpp.port}"
Jid = "${pair.xmppUser}@${xmpp.domain}"
Password = "botpass"
Muc = "${xmpp.mucDomain}"
Nick = "${pair.mucNick}"
NoTLS = true
RemoteNickFormat = "<{NICK}> "

[[gateway]]
name = "bench"
enable = true

[[gateway.inout]]
account = "irc.bench"
channel = "${pair.channel}"

[[gateway.inout]]
account = "xmpp.bench"
channel = "${pair.room}"
`;
}

/** Writes the config to `<dir>/matterbridge.toml` and starts `binary -conf <it>`. */
export function startMatterbridge(binary: string, dir: string, irc: IrcServer, xmpp: XmppServer, pair: BridgedPair): RunningBridge {
  const path = join(dir, 'matterbridge.toml');
  writeFileSync(path, matterbridgeConfig(irc, xmpp, pair));
  return startPeerProcess(binary, ['-conf', path], dir);
}

/**
 * The hub reads every received line itself (the connection's `message` event: InboundMapper,
 * registration, puppets); irc-framework's own handlers for PRIVMSG, NOTICE and TAGMSG only build
 * events for listeners the adapter does not have (`privmsg`, `message`, `action`, `notice`,
 * `tagmsg`, `ctcp request`/`response`): per relayed message a command object, two or three event
 * objects, a reply closure and the library's middleware passes, all garbage at once. Those lines
 * are withheld from the library's handlers by a raw middleware (its documented hook); every other
 * line (registration, numerics, JOIN/PART/NICK/MODE, PING/PONG, CAP, SASL, BATCH) is handled by
 * the library as before.
 *
 * The library restarts its ping-timeout timer on every line it handles; for withheld lines it is
 * restarted at most once a second (the timeout is counted in tens of seconds), so a connection
 * that only receives messages is not timed out either.
 */
import type { Client } from 'irc-framework';

/** The commands whose library handlers only emit events nobody listens to. */
const WITHHELD = new Set(['PRIVMSG', 'NOTICE', 'TAGMSG']);

/** Restarts of the ping-timeout timer for withheld lines: at most one per this many ms. */
const PING_TIMER_RESTART_MS = 1000;

/**
 * Withholds PRIVMSG, NOTICE and TAGMSG lines from `client`'s own handlers (see the module
 * comment). Register before other raw middleware, so that those lines end here.
 */
export function withholdMessages(client: Client, now: () => number = Date.now): void {
  let restartedAt = -Infinity;
  client.use((_client, raw) => raw.use((command, _message, _rawLine, self, next) => {
    if (!WITHHELD.has(command)) {
      next();
      return;
    }
    const at = now();
    if (at - restartedAt >= PING_TIMER_RESTART_MS) {
      restartedAt = at;
      self.resetPingTimeoutTimer();
    }
  }));
}

/**
 * irc-framework's own command handlers trust the server: a malformed line throws out of the
 * socket's data handler and would end the process (a bare `STATUSMSG` token in RPL_ISUPPORT makes
 * its 005 handler call `split` on `true`). Every handler of a client runs through this guard: a
 * throw is logged, at `warn` the first time per command and at `debug` after that, and the line is
 * left to the hub's own mapping (InboundMapper), which does not depend on irc-framework's state.
 */
import type { Client } from 'irc-framework';
import type { Logger } from '../../core/log.js';

/** Makes every command handler of `client` contain its errors (see the module comment). */
export function guardHandlers(client: Client, log: Logger): void {
  const handler = client.command_handler;
  const execute = handler.executeCommand.bind(handler);
  const logged = new Set<string>();
  handler.executeCommand = (command) => {
    try {
      execute(command);
    } catch (error) {
      const first = !logged.has(command.command);
      if (first && logged.size < 100) logged.add(command.command);
      const context = { err: error, command: command.command };
      if (first) log.warn(context, 'the IRC library could not handle a line from the server; ignored by it');
      else log.debug(context, 'the IRC library could not handle a line from the server again');
    }
  };
}

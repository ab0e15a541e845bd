/**
 * A hub in its own process, for tests that kill it (SIGKILL) and start it again:
 * `node relay-hub-child.js <config.json>` starts Hub with the HubConfig in the file (network
 * options already validated), logs JSON lines to stderr, and prints `READY` once ready.
 */
import { readFileSync } from 'node:fs';
import { Hub } from '../../src/app/hub.js';
import { createLogger } from '../../src/core/log.js';
import { builtinProtocols } from '../../src/networks/registry.js';
import type { HubConfig } from '../../src/config/types.js';

const config = JSON.parse(readFileSync(process.argv[2] ?? '', 'utf8')) as HubConfig;
const log = createLogger({ level: 'info', destination: process.stderr });
const hub = await Hub.start({ config, log, protocols: builtinProtocols() });
await hub.ready;
process.stdout.write('READY\n');
const stop = (): void => {
  void hub.stop().then(() => process.exit(0));
};
process.once('SIGTERM', stop);
process.once('SIGINT', stop);

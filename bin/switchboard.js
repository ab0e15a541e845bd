#!/usr/bin/env node
import v8 from 'node:v8';

// Keep V8's young generation at its initial size (1 MB per semi-space) instead of letting it
// grow to 16 MB: start-up promotes nearly everything it allocates (the loaded code), which makes
// V8 grow it at once, and the grown space stays resident, about 16 MB of RSS at idle. Relay
// throughput measured the same (docs/adr/0005-start-up-and-memory.md). A semi-space size given
// with node's own options (NODE_OPTIONS=--max-semi-space-size=16) is left alone.
const nodeOptions = `${process.execArgv.join(' ')} ${process.env.NODE_OPTIONS ?? ''}`;
if (!/semi[-_]space/.test(nodeOptions)) v8.setFlagsFromString('--semi-space-growth-factor=1');

const { main } = await import('../dist/src/cli/main.js');
process.exitCode = await main(process.argv.slice(2));

#!/usr/bin/env node
import v8 from 'node:v8';

// Keep V8's young generation at its initial size (1 MB per semi-space) instead of letting it
// grow to 16 MB: start-up promotes nearly everything it allocates (the loaded code), which makes
// V8 grow it at once, and the grown space stays resident, about 16 MB of RSS at idle. Relay
// throughput measured the same (docs/adr/0005-start-up-and-memory.md). A semi-space size given
// with node's own options (NODE_OPTIONS=--max-semi-space-size=16) is left alone.
const nodeOptions = `${process.execArgv.join(' ')} ${process.env.NODE_OPTIONS ?? ''}`;
if (!/semi[-_]space/.test(nodeOptions)) v8.setFlagsFromString('--semi-space-growth-factor=1');
// Let the old generation grow to 1.2 × what the last full GC kept before the next one, instead of
// V8's default of up to 4 × for a heap that allocates fast: during a 1,000-message burst the heap
// otherwise grew to about 60 MB of mostly garbage, about 25 MB more peak RSS, for no measured gain
// in throughput or CPU (ADR 0005). Read after each GC, so it applies here too; a value given in
// node's options is left alone.
if (!/heap[-_]growing/.test(nodeOptions)) v8.setFlagsFromString('--heap-growing-percent=20');

// The bundled build (scripts/bundle.mjs): one file per lazily loaded part, not ~1,000 modules.
const { main } = await import('../dist/bundle/cli/main.js');
process.exitCode = await main(process.argv.slice(2));

/**
 * The bundled build (scripts/bundle.mjs, what bin/switchboard.js and `import 'switchboard'`
 * load), read from esbuild's metafile: lazily imported parts stay lazy, and every source file is
 * in exactly one output file, so the hub and a module that imports 'switchboard' share one copy of
 * each class (instanceof across them works).
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';

interface Output {
  readonly entryPoint?: string;
  readonly inputs: Record<string, unknown>;
  readonly imports: ReadonlyArray<{ readonly path: string; readonly kind: string; readonly external?: boolean }>;
}
interface Meta {
  readonly outputs: Record<string, Output>;
}

const meta = JSON.parse(readFileSync(new URL('../../bundle/meta.json', import.meta.url), 'utf8')) as Meta;
const outputs = Object.entries(meta.outputs).filter(([path]) => path.endsWith('.js'));

/** The output file whose entry point is `source` (a path under dist/src). */
function outputOf(source: string): string {
  const found = outputs.find(([, output]) => output.entryPoint === `dist/src/${source}`);
  assert.ok(found, `no output has the entry point ${source}`);
  return found[0];
}

/** The npm packages loaded when `output` is loaded: its static imports, transitively (not dynamic ones). */
function packagesLoadedBy(output: string): string[] {
  const seen = new Set<string>();
  const packages = new Set<string>();
  const pending = [output];
  while (pending.length > 0) {
    const next = pending.pop() as string;
    if (seen.has(next)) continue;
    seen.add(next);
    for (const imported of meta.outputs[next]?.imports ?? []) {
      if (imported.kind !== 'import-statement') continue;
      // Left out of the bundle: native addons (better-sqlite3) and node's own modules.
      if (imported.external === true) {
        if (!imported.path.startsWith('node:')) packages.add(imported.path);
      } else {
        pending.push(imported.path);
      }
    }
  }
  for (const file of seen) {
    for (const input of Object.keys(meta.outputs[file]?.inputs ?? {})) {
      const match = /node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(input);
      if (match) packages.add(match[1] as string);
    }
  }
  return [...packages].sort();
}

function assertNoneOf(loaded: readonly string[], heavy: readonly string[], what: string): void {
  const found = heavy.filter((name) => loaded.includes(name));
  assert.deepEqual(found, [], `${what} loads ${found.join(', ')} (all it loads: ${loaded.join(', ')})`);
}

const ADAPTERS = ['irc-framework', '@xmpp/client-core', '@xmpp/sasl', '@xmpp/xml'];
const DRIVERS = ['pg', 'better-sqlite3'];

describe('bundled build', () => {
  void it('every source file is in exactly one output file (one copy of each class for the hub and for modules)', () => {
    const where = new Map<string, string[]>();
    for (const [path, output] of outputs) {
      for (const input of Object.keys(output.inputs)) where.set(input, [...(where.get(input) ?? []), path]);
    }
    assert.ok(where.has('dist/src/modules/define.js'), 'the metafile lists our sources');
    const twice = [...where].filter(([, paths]) => paths.length > 1);
    assert.deepEqual(twice, []);
  });

  void it('the command line loads commander only; `run` loads no adapter, driver, fastify or prom-client before the config asks', () => {
    const cli = packagesLoadedBy(outputOf('cli/main.js'));
    assert.ok(cli.includes('commander'), `the probe sees packages: ${cli.join(', ')}`);
    assertNoneOf(cli, [...ADAPTERS, ...DRIVERS, 'fastify', 'pino', 'prom-client', 'zod', 'yaml'], 'cli/main.js');
    const run = packagesLoadedBy(outputOf('cli/run.js'));
    assert.ok(run.includes('pino'), `the probe sees packages: ${run.join(', ')}`);
    assertNoneOf(run, [...ADAPTERS, ...DRIVERS, 'fastify', 'prom-client'], 'cli/run.js');
  });

  void it('the probe does see an adapter\'s packages when the adapter is loaded (the test can fail)', () => {
    assert.ok(packagesLoadedBy(outputOf('networks/irc/adapter.js')).includes('irc-framework'));
    assert.ok(packagesLoadedBy(outputOf('store/sqlite.js')).includes('better-sqlite3'));
  });

  void it('code the hub never runs at idle is not in any chunk (its source would sit in the heap): iconv-lite, Fastify\'s schema compilers, light-my-request', () => {
    const bundled = new Set<string>();
    for (const [, output] of outputs) {
      for (const input of Object.keys(output.inputs)) {
        const match = /node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(input);
        if (match) bundled.add(match[1] as string);
      }
    }
    assert.ok(bundled.has('irc-framework') && bundled.has('fastify'), `the probe sees bundled packages: ${[...bundled].join(', ')}`);
    // (fast-json-stringify's small serializer runtime is bundled: Fastify's error replies use it.)
    const found = ['iconv-lite', '@fastify/ajv-compiler', 'ajv', '@fastify/fast-json-stringify-compiler', 'light-my-request'].filter((name) => bundled.has(name));
    assert.deepEqual(found, []);
  });

  void it('the package\'s public API and the command line are separate entry points of the same build', () => {
    assert.ok(outputOf('index.js').endsWith('bundle/index.js'));
    assert.ok(outputOf('cli/main.js').endsWith('bundle/cli/main.js'));
    assert.ok(outputOf('app/testing.js').endsWith('bundle/app/testing.js'));
  });
});

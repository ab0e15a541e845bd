#!/usr/bin/env node
// Bundles the compiled JavaScript (dist/src/, from tsc) with its dependencies into dist/bundle/
// with esbuild: the command line (cli/main.js, what bin/switchboard.js runs), the package's
// public API (index.js: what `import ... from 'switchboard'` loads) and `switchboard/testing`
// (app/testing.js). Every lazily imported part stays a file of its own, loaded when used, and
// code shared by the entries is in shared chunks, so a module importing 'switchboard' gets the
// very classes the hub uses. One file per part instead of ~1,000 ES modules: the hub starts
// faster and holds less code in memory (docs/adr/0008-bundled-build.md). Run by `npm run build`
// after tsc; dist/bundle/meta.json says which source went where (test/unit/bundle.test.ts).
import { build } from 'esbuild';
import { rmSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));

/**
 * Dependencies of dependencies that stay in node_modules, loaded at run time from the package that
 * depends on them (so they resolve wherever npm put them): `[dependent, dependency]`. iconv-lite
 * (required by irc-framework's own transport, for non-UTF-8 IRC encodings; the hub uses its own
 * transport, src/networks/irc/transport.ts) is ~490 KB of mostly code-page tables that iconv-lite
 * itself loads only for an encoding in use; bundled, all of it was one source string kept in the
 * heap and scanned at every start (about 0.8 MiB of idle RSS, bench/results/memory.md).
 * light-my-request is Fastify's `inject()`, which the hub never calls.
 */
const FROM_DEPENDENT = [['irc-framework', 'iconv-lite'], ['fastify', 'light-my-request']];

/** @type {import('esbuild').Plugin} */
const loadFromDependent = {
  name: 'load-from-dependent',
  setup(build) {
    for (const [dependent, dependency] of FROM_DEPENDENT) {
      const filter = new RegExp(`^${dependency.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}$`);
      build.onResolve({ filter }, (args) =>
        args.importer.includes(`/node_modules/${dependent}/`) ? { path: dependency, namespace: 'from-dependent', pluginData: dependent } : undefined,
      );
    }
    // The chunk's `require` (the banner's) finds the dependent, whose own require finds the dependency.
    build.onLoad({ filter: /.*/, namespace: 'from-dependent' }, (args) => ({
      contents: `module.exports = require('node:module').createRequire(require.resolve(${JSON.stringify(args.pluginData)}))(${JSON.stringify(args.path)});`,
      loader: 'js',
    }));
  },
};
const src = `${root}dist/src`;
const outdir = `${root}dist/bundle`;
rmSync(outdir, { recursive: true, force: true });
const result = await build({
  entryPoints: [`${src}/cli/main.js`, `${src}/index.js`, `${src}/app/testing.js`],
  outbase: src,
  outdir,
  // Chunks sit as deep as dist/src/cli/, so the few paths resolved from import.meta.url
  // (package.json, the example config) are the same as in dist/src.
  chunkNames: 'chunks/[name]-[hash]',
  metafile: true,
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  // Native addons and optional peers are loaded from node_modules as they are.
  // Fastify's schema compilers (Ajv, fast-json-stringify: ~310 KB) are loaded by src/http/server.ts
  // only for a route with a schema, which none has: left in node_modules (dependencies of ours).
  external: ['better-sqlite3', 'pg-native', 'pino-pretty', '@fastify/ajv-compiler', '@fastify/fast-json-stringify-compiler'],
  plugins: [loadFromDependent],
  // CommonJS dependencies (irc-framework, pino, ...) call require(): give each chunk one.
  banner: { js: "import { createRequire as __sbCreateRequire } from 'node:module'; const require = __sbCreateRequire(import.meta.url);" },
  sourcemap: 'linked',
  minifyWhitespace: true,
  minifySyntax: true,
  logLevel: 'warning',
});
writeFileSync(`${outdir}/meta.json`, JSON.stringify(result.metafile));

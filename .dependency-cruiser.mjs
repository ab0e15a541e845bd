/**
 * The layers of src/ (docs/adr/0006-layers.md), checked by `npm run lint` (depcruise src).
 *
 * Each layer imports only from layers of a lower rank; layers of the same rank do not import
 * each other. Type-only imports count (tsPreCompilationDeps), and so do dynamic imports.
 */

/** Folder under src/ → rank. Lower ranks are further down. */
const LAYERS = {
  core: 0,
  'net/egress': 1,
  store: 1,
  networks: 2,
  config: 2,
  gateway: 3,
  modules: 4,
  features: 5,
  http: 6,
  app: 7,
  cli: 8,
};

/** The public entry points (package exports): files directly in src/; they may import any layer. */
const ENTRY = '^src/[^/]+\\.ts$';

const names = Object.keys(LAYERS);
const escape = (name) => name.replace(/[/.]/g, '\\$&');
const folders = (list) => `^src/(${list.map(escape).join('|')})/`;

/** One rule per layer above core: nothing of the same or a higher rank (other than itself). */
const layerRules = names.filter((layer) => LAYERS[layer] > 0).map((layer) => {
  const above = names.filter((other) => other !== layer && LAYERS[other] >= LAYERS[layer]);
  const below = names.filter((other) => LAYERS[other] < LAYERS[layer]);
  return {
    name: `layer-${layer.replace('/', '-')}`,
    severity: 'error',
    comment: `src/${layer} may import from ${below.map((b) => `src/${b}`).join(', ')} only (docs/adr/0006-layers.md)`,
    from: { path: folders([layer]) },
    to: { path: folders(above) },
  };
});

/** @type {import('dependency-cruiser').IConfiguration} */
export default {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment: 'import cycles make the order of start-up and the layers unclear: break the cycle by moving the shared piece down',
      from: {},
      to: { circular: true },
    },
    {
      name: 'core-imports-no-src',
      severity: 'error',
      comment: 'src/core depends on nothing else in src/ (move the interface it needs into core)',
      from: { path: '^src/core/' },
      to: { path: '^src/', pathNot: '^src/core/' },
    },
    ...layerRules,
    {
      name: 'gateway-framework-knows-no-legacy-protocol',
      severity: 'error',
      comment: 'the gateway framework must not know which legacy network it runs (ADR 0009): only src/gateway/irc/ and the wiring (network.ts, config.ts) import the IRC side',
      from: { path: '^src/gateway/', pathNot: '^src/gateway/(irc/|network\\.ts$|config\\.ts$)' },
      to: { path: '^src/(gateway/irc|networks/irc)/' },
    },
    {
      name: 'in-a-layer',
      severity: 'error',
      comment: `every file under src/ belongs to a layer (${names.map((n) => `src/${n}`).join(', ')}) or is a public entry point (a file directly in src/, like src/index.ts): add a new folder to LAYERS in .dependency-cruiser.mjs and to docs/adr/0006-layers.md`,
      from: { path: '^src/', pathNot: `${folders(names)}|${ENTRY}` },
      to: {},
    },
    {
      name: 'entry-not-imported',
      severity: 'error',
      comment: 'the files directly in src/ (src/index.ts) are public entry points for modules and embedders; code in the layers imports what it needs from where it lives',
      from: { path: folders(names) },
      to: { path: ENTRY },
    },
    {
      name: 'not-to-unresolvable',
      severity: 'error',
      comment: 'an import that resolves to nothing (a typo, or a package that is not installed)',
      from: {},
      to: { couldNotResolve: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
  },
};

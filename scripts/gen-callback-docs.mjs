#!/usr/bin/env node
// Rewrites the callback table in docs/modules.md from src/modules/callbacks/rules.ts (run
// `npm run build` first). test/unit/modules-docs.test.ts fails when the two differ.
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../', import.meta.url));
const { withGeneratedCallbackTable } = await import(`${root}dist/src/modules/callbacks/rules-docs.js`);
const path = `${root}docs/modules.md`;
const before = readFileSync(path, 'utf8');
const after = withGeneratedCallbackTable(before);
if (after === before) {
  console.log('docs/modules.md is up to date');
} else {
  writeFileSync(path, after);
  console.log('docs/modules.md: callback table regenerated');
}

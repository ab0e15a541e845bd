/**
 * Installing Switchboard from git: npm clones the repository (no dist/, it is not committed),
 * installs its dependencies, runs `prepare`, packs it and installs the tarball. This does the
 * same on a copy of the working tree (with the shared node_modules, no registry) and runs the
 * installed command.
 */
import { it } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync, symlinkSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);
const root = fileURLToPath(new URL('../../../', import.meta.url));
/** What a clone has that matters here (dist/ and node_modules are not committed). */
const CLONED = ['package.json', 'package-lock.json', 'tsconfig.json', '.gitignore', 'README.md', 'bin', 'src', 'test', 'bench', 'examples', 'docs', 'scripts'];

it('a git install builds itself: prepare compiles, the packed package has dist/ and its command runs', async (t) => {
  const work = mkdtempSync(join(tmpdir(), 'switchboard-git-install-'));
  t.after(() => rmSync(work, { recursive: true, force: true }));
  const clone = join(work, 'clone');
  for (const entry of CLONED) cpSync(join(root, entry), join(clone, entry), { recursive: true });
  symlinkSync(join(root, 'node_modules'), join(clone, 'node_modules'));

  // `npm pack` runs `prepare` first, as npm does for a git dependency.
  const packed = await run('npm', ['pack', '--json', '--pack-destination', work], { cwd: clone, timeout: 110_000, maxBuffer: 16 * 1024 * 1024 });
  const [tarball] = JSON.parse(packed.stdout.slice(packed.stdout.indexOf('['))) as Array<{ filename: string; files: Array<{ path: string }> }>;
  const files = new Set(tarball!.files.map((file) => file.path));
  for (const needed of ['bin/switchboard.js', 'dist/bundle/cli/main.js', 'dist/bundle/index.js', 'dist/src/index.d.ts', 'examples/switchboard.yaml']) {
    assert.ok(files.has(needed), `${needed} is in the package`);
  }
  assert.ok(![...files].some((path) => path.startsWith('dist/test/') || path.startsWith('test/')), 'tests are not shipped');

  const installed = join(work, 'installed');
  await run('mkdir', ['-p', installed]);
  await run('tar', ['-xzf', join(work, tarball!.filename), '-C', installed]);
  symlinkSync(join(root, 'node_modules'), join(installed, 'package', 'node_modules'));
  const version = await run(process.execPath, [join(installed, 'package', 'bin', 'switchboard.js'), '--version'], { timeout: 30_000 });
  const { version: expected } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string };
  assert.equal(version.stdout, `${expected}\n`);
});

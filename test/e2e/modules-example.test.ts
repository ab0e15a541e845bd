/**
 * Starts a real hub (SQLite in a temp dir, HTTP on loopback, no networks) with the example
 * module from docs/modules.md and uses its web resource over HTTP.
 */
import { hubBase } from '../support/hub-config.js';
import { describe, it, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Hub } from '../../src/app/hub.js';
import { StartupError } from '../../src/app/startup-error.js';
import type { HubConfig } from '../../src/config/types.js';
import { freePorts, LOOPBACK } from '../support/ports.js';
import { captureLog } from '../support/log-capture.js';

const here = fileURLToPath(new URL('.', import.meta.url));
/** dist/test/e2e → the repository root. */
const root = resolve(here, '../../..');
const EXAMPLE = join(root, 'examples/modules/list-spam-checker.mjs');

function config(dir: string, port: number, moduleConfig: unknown, extraModules: HubConfig['modules'] = []): HubConfig {
  return {
    ...hubBase(dir, { reconnect: { initialDelayMs: 100, maxDelayMs: 1000 } }),
    http: { host: LOOPBACK, port },
    networks: [],
    bridges: [],
    modules: [{ module: './examples/modules/list-spam-checker.mjs', specifier: EXAMPLE, config: moduleConfig, line: 3 }, ...extraModules],
  };
}

async function getJson(url: string): Promise<{ status: number; body: unknown }> {
  const response = await fetch(url, { signal: AbortSignal.timeout(5000) });
  return { status: response.status, body: await response.json() };
}

describe('the example module (list spam checker with a web resource) in a real hub', () => {
  const dir = mkdtempSync(join(tmpdir(), 'sb-modules-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('serves its web resource over HTTP and answers from its parsed config', async (t) => {
    const [port] = await freePorts(1);
    const captured = captureLog('info');
    const hub = await Hub.start({ config: config(dir, port!, { evilUsers: ['irc:mallory'] }), log: captured.log, protocols: [] });
    t.after(() => hub.stop());
    await hub.ready;
    const base = `http://${LOOPBACK}:${port}`;
    assert.deepEqual(await getJson(`${base}/list-spam-checker/is-evil?user=irc:mallory`), { status: 200, body: { evil: true } });
    assert.deepEqual(await getJson(`${base}/list-spam-checker/is-evil?user=irc:alice`), { status: 200, body: { evil: false } });
    assert.deepEqual(await getJson(`${base}/list-spam-checker/is-evil`), { status: 400, body: { error: 'give one ?user=network:id' } });
    assert.equal(captured.lines.some((l) => l.module === 'list-spam-checker' && l.msg === 'list spam checker ready'), true);
  });

  it('a bad config stops the start with "module <name>: <field>: <reason>"', async () => {
    const [port] = await freePorts(1);
    await assert.rejects(
      Hub.start({ config: config(dir, port!, { evilUsers: ['mallory'] }), log: captureLog().log, protocols: [] }),
      (error: unknown) => error instanceof StartupError
        && error.message.includes('module list-spam-checker: evilUsers[0]: "mallory" is not network:id, e.g. irc:mallory')
        && error.message.includes('modules[0]'),
    );
  });

  it('a later module registering the same path is ignored with a warning; a core path stops the start', async (t) => {
    const [port] = await freePorts(1);
    const second = join(dir, 'second.mjs');
    const { writeFileSync } = await import('node:fs');
    writeFileSync(second, `export default { name: 'second', setup(api) { api.registerWebResource('/list-spam-checker/is-evil', async () => ({ status: 200, body: 'second' })); } };\n`);
    const captured = captureLog('info');
    const hub = await Hub.start({ config: config(dir, port!, { evilUsers: [] }, [{ module: './second.mjs', specifier: second, config: undefined }]), log: captured.log, protocols: [] });
    t.after(() => hub.stop());
    assert.deepEqual(await getJson(`http://${LOOPBACK}:${port}/list-spam-checker/is-evil?user=irc:x`), { status: 200, body: { evil: false } });
    assert.equal(captured.lines.some((l) => l.module === 'second' && l.owner === 'list-spam-checker' && l.level === 40), true);

    const core = join(dir, 'core.mjs');
    writeFileSync(core, `export default { name: 'core-taker', setup(api) { api.registerWebResource('/_switchboard/admin', async () => ({ status: 200, body: 'x' })); } };\n`);
    const [port2] = await freePorts(1);
    await assert.rejects(
      Hub.start({ config: config(dir, port2!, { evilUsers: [] }, [{ module: './core.mjs', specifier: core, config: undefined }]), log: captureLog().log, protocols: [] }),
      (error: unknown) => error instanceof StartupError && /core-taker.*\/_switchboard\/admin/.test(error.message),
    );
  });
});

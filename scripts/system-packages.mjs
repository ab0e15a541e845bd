// Makes sure the Debian packages of the real servers the demo and the e2e tests start are
// installed: as root they are installed with apt-get (without starting their stock daemons);
// otherwise the missing ones are named with the command to install them.
import { spawnSync } from 'node:child_process';
import { existsSync, rmSync, writeFileSync, chmodSync } from 'node:fs';

/** Command → Debian package, for every server the tests use. */
export const TEST_SERVERS = [
  { command: 'ngircd', pkg: 'ngircd' },
  { command: 'inspircd', pkg: 'inspircd' },
  { command: 'prosody', pkg: 'prosody' },
  { command: '/usr/sbin/ejabberdctl', pkg: 'ejabberd' },
  { command: '/usr/lib/postgresql', pkg: 'postgresql' },
  { command: '/usr/sbin/dnsmasq', pkg: 'dnsmasq-base' },
];

/** The servers `npm run demo` needs. */
export const DEMO_SERVERS = TEST_SERVERS.filter((s) => s.pkg === 'ngircd' || s.pkg === 'prosody');

function present(command) {
  if (command.startsWith('/')) return existsSync(command);
  return spawnSync('sh', ['-c', `command -v ${command}`], { stdio: 'ignore' }).status === 0;
}

/** Installs what is missing (as root) or exits with code 2 and the command to run. */
export function ensurePackages(servers, who) {
  const missing = servers.filter((s) => !present(s.command)).map((s) => s.pkg);
  if (missing.length === 0) return;
  if (process.getuid?.() !== 0) {
    console.error(`${who}: missing ${missing.join(', ')}; install with: sudo apt-get install -y ${missing.join(' ')}`);
    process.exit(2);
  }
  console.log(`${who}: installing ${missing.join(' ')} with apt-get ...`);
  // Keep the packages' scripts from starting their stock daemons on the default ports.
  const policy = '/usr/sbin/policy-rc.d';
  const addPolicy = !existsSync(policy);
  if (addPolicy) {
    writeFileSync(policy, '#!/bin/sh\nexit 101\n');
    chmodSync(policy, 0o755);
  }
  try {
    const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
    for (const args of [['update', '-qq'], ['install', '-y', '-qq', ...missing]]) {
      const result = spawnSync('apt-get', args, { stdio: 'inherit', env });
      if (result.status !== 0) {
        console.error(`${who}: apt-get ${args.join(' ')} failed`);
        process.exit(2);
      }
    }
  } finally {
    if (addPolicy) rmSync(policy, { force: true });
  }
}

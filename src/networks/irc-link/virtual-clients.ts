/**
 * Virtual clients: the IRC users a link introduces for remote people (PyLink's relay clones).
 * One per remote person (network + id), named by the nick template (PyLink's tagging: `nick|net`,
 * invalid characters replaced, the nick shortened to NICKLEN so the tag survives, a growing
 * separator and number on collision: irc/puppet-nick.ts), with an ident and host derived from
 * the person and their network.
 */
import type { UserRef } from '../../core/refs.js';
import { puppetNick } from '../irc/puppet-nick.js';

/** Collision attempts before giving up on a nick (each attempt gives a different nick). */
const MAX_NICK_ATTEMPTS = 50;

/**
 * The first nick from `template` for `remote` that `inUse` does not refuse, always valid for
 * IRC and at most `maxLength` long; undefined when every attempt collides. `slash`: the ircd
 * takes `/` in nicks (it is kept, else it becomes `|`).
 */
export function allocateNick(template: string, remote: UserRef, maxLength: number, inUse: (nick: string) => boolean, slash = false): string | undefined {
  const values = { nick: remote.nick ?? remote.displayName ?? remote.id, network: remote.network };
  for (let attempt = 0; attempt < MAX_NICK_ATTEMPTS; attempt++) {
    const nick = puppetNick(template, values, maxLength, attempt, slash ? '/' : '');
    if (!inUse(nick)) return nick;
  }
  return undefined;
}

/** An ident from a nick's letters and digits (at most 10 characters, as ircds accept). */
export function identFor(remote: UserRef): string {
  return (remote.nick ?? remote.id).normalize('NFKD').replace(/[^A-Za-z0-9]/g, '').slice(0, 10) || 'remote';
}

/** Hosts by network and server name (a few per process): made once, not for every client. */
const hosts = new Map<string, string>();
const HOSTS_MAX = 256;

/** A host naming the person's network under our server name (`jabber.bridge.example`), at most 63 characters. */
export function hostFor(remote: UserRef, serverName: string): string {
  const key = `${remote.network}\u0000${serverName}`;
  const known = hosts.get(key);
  if (known !== undefined) return known;
  const label = remote.network.normalize('NFKD').replace(/[^A-Za-z0-9-]/g, '').replace(/^-+|-+$/g, '').slice(0, 20) || 'remote';
  const host = `${label}.${serverName}`.slice(0, 63).replace(/[.-]+$/, '');
  if (hosts.size >= HOSTS_MAX) hosts.clear();
  hosts.set(key, host);
  return host;
}

/** A real name: the person's display name or nick, without control characters. */
export function realNameFor(remote: UserRef): string {
  // eslint-disable-next-line no-control-regex -- control characters never go into a line
  const name = (remote.displayName ?? remote.nick ?? remote.id).replace(/[\x00-\x1f\x7f]/g, '').trim().slice(0, 100);
  return `${name || 'remote user'} (${remote.network})`;
}

/** Which remote person each virtual client stands for. */
export class VirtualClients {
  private readonly byRemote = new Map<string, string>();
  private readonly byUid = new Map<string, UserRef>();

  private static key(user: UserRef): string {
    return `${user.network}\u0000${user.id}`;
  }

  /** The uid of `remote`'s virtual client, if there is one. */
  uidOf(remote: UserRef): string | undefined {
    return this.byRemote.get(VirtualClients.key(remote));
  }

  /** The remote person a uid stands for. */
  remoteOf(uid: string): UserRef | undefined {
    return this.byUid.get(uid);
  }

  add(remote: UserRef, uid: string): void {
    this.byRemote.set(VirtualClients.key(remote), uid);
    this.byUid.set(uid, remote);
  }

  /** Forgets one client (it quit or was killed). */
  remove(uid: string): void {
    const remote = this.byUid.get(uid);
    if (remote) this.byRemote.delete(VirtualClients.key(remote));
    this.byUid.delete(uid);
  }

  /** Every (remote, uid) pair. */
  entries(): Array<[UserRef, string]> {
    return [...this.byUid].map(([uid, remote]) => [remote, uid]);
  }

  get size(): number {
    return this.byUid.size;
  }

  clear(): void {
    this.byRemote.clear();
    this.byUid.clear();
  }
}

/**
 * A config for Ergo (v2.11) in tests, trimmed from its default.yaml: one plain-text listener on
 * loopback, history in memory with CHATHISTORY (IRCv3 `draft/chathistory`), no TLS, accounts
 * off unless asked for, no fake lag or connection limits (tests connect and talk in bursts),
 * data files in the server's temp dir.
 */

/** What {@link ergoConfig} needs. */
export interface ErgoConfigOptions {
  readonly serverName: string;
  readonly port: number;
  /** The server's temp dir (datastore, lock file, MOTD). */
  readonly dir: string;
  readonly operName: string;
  /** The operator password as a bcrypt hash (`ergo genpasswd`). */
  readonly operPasswordHash: string;
  /** Account registration and SASL (default false: any nick may connect). */
  readonly accounts?: boolean;
  /** CHATHISTORY's most messages per request (ISUPPORT CHATHISTORY). */
  readonly chathistoryMax?: number;
}

/** The YAML (JSON is YAML: every value is quoted by JSON.stringify). */
export function ergoConfig(o: ErgoConfigOptions): string {
  const accounts = o.accounts === true;
  const config = {
    network: { name: 'ErgoTest' },
    server: {
      name: o.serverName,
      listeners: { [`127.0.0.1:${o.port}`]: {} },
      casemapping: 'ascii',
      'enforce-utf8': true,
      'lookup-hostnames': false,
      'check-ident': false,
      'coerce-ident': '~u',
      motd: `${o.dir}/ergo.motd`,
      'max-sendq': '96k',
      compatibility: { 'force-trailing': true, 'send-unprefixed-sasl': true, 'allow-truncation': false },
      'ip-limits': { count: false, throttle: false },
      'ip-cloaking': { enabled: false },
    },
    accounts: {
      'authentication-enabled': accounts,
      registration: { enabled: accounts, 'allow-before-connect': true, throttling: { enabled: false }, 'bcrypt-cost': 4 },
      'login-throttling': { enabled: false },
      'nick-reservation': { enabled: accounts, method: 'strict', 'force-nick-equals-account': false },
      multiclient: { enabled: false },
      'default-user-modes': '',
    },
    channels: {
      'default-modes': '+nt',
      'max-channels-per-client': 100,
      registration: { enabled: accounts },
    },
    'oper-classes': {
      'server-admin': { title: 'Server Admin', capabilities: ['kill', 'ban', 'nofakelag', 'samode', 'sajoin', 'history', 'chanreg', 'accreg'] },
    },
    opers: { [o.operName]: { class: 'server-admin', password: o.operPasswordHash } },
    logging: [{ method: 'stderr', type: '* -userinput -useroutput', level: 'info' }],
    'lock-file': `${o.dir}/ircd.lock`,
    datastore: { path: `${o.dir}/ircd.db`, autoupgrade: true },
    languages: { enabled: false },
    limits: {
      nicklen: 32, identlen: 20, channellen: 64, awaylen: 390, kicklen: 390, topiclen: 390,
      'monitor-entries': 100, 'whowas-entries': 100, 'chan-list-modes': 60, 'registration-messages': 1024,
      multiline: { 'max-bytes': 4096, 'max-lines': 100 },
    },
    fakelag: { enabled: false },
    history: {
      enabled: true,
      'channel-length': 2048,
      'client-length': 256,
      'autoresize-window': '3d',
      'autoreplay-on-join': 0,
      'chathistory-maxmessages': o.chathistoryMax ?? 1000,
      'znc-maxmessages': 2048,
      restrictions: { 'expire-time': '1w', 'query-cutoff': 'none', 'grace-period': '1h' },
      persistent: { enabled: false },
    },
  };
  return `${JSON.stringify(config, null, 2)}\n`;
}

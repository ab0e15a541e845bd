/**
 * The gateway as a hub network (`protocol: gateway`): the hub's supervisor connects the
 * component (and reconnects it with its policy), and the gateway logs every registered person
 * in on the first connection. It bridges no channels: `send` refuses, `join` is refused.
 */
import { ALLOW_ALL_ACCOUNT_HOOKS } from '../core/account-hooks.js';
import type { Network, NetworkCapabilities, NetworkContext, OutgoingMessage, SendResult } from '../core/network.js';
import { SendRefusedError } from '../core/network.js';
import type { ChannelRef, UserRef } from '../core/refs.js';
import { loadSecretKey, SecretBox } from '../store/secret-box.js';
import { Accounts } from './accounts.js';
import { RoomHistory } from './room-history.js';
import type { GatewayConfig } from './config.js';
import { DisabledUsers } from './disabled-users.js';
import { WatchedContacts } from './watched-contacts.js';
import { KeptRooms, MAX_KEPT_ROOMS } from './kept-rooms.js';
import { Gateway } from './gateway.js';
import type { IrcLegacyConfig } from './irc/config.js';
import { IrcLegacyNetwork } from './irc/legacy.js';
import { findLegacyNetwork } from './legacy-networks.js';
import { LoginPacer } from './login-pacer.js';
import { XmppComponentLink } from './xmpp/component-link.js';
import type { ComponentEndpoint } from '../networks/xmpp-component/connection.js';

export class GatewayNetwork implements Network {
  readonly protocol = 'gateway';
  readonly capabilities: NetworkCapabilities = {
    edits: false, deletes: false, reactions: false, replies: false, threads: false, attachments: false, typing: false, formatting: 'plain',
  };

  #gateway: Gateway | undefined;
  readonly #config: GatewayConfig;
  readonly #accounts: Accounts;
  /** Seals the IRC passwords and the kept rooms' keys. */
  readonly #box: SecretBox;
  readonly #pacer: LoginPacer;
  readonly #endpoint: ComponentEndpoint;
  #link: XmppComponentLink | undefined;

  constructor(
    private readonly ctx: NetworkContext,
    config: GatewayConfig,
  ) {
    if (ctx.accounts === undefined) throw new Error(`${ctx.name}: a gateway needs the hub's storage for its accounts`);
    this.#config = config;
    this.#box = new SecretBox(loadSecretKey(config.secretKey));
    this.#accounts = new Accounts(ctx.accounts, this.#box);
    this.#pacer = new LoginPacer(config.loginIntervalMs);
    this.#endpoint = {
      domain: config.domain, host: config.host, port: config.port, password: config.password, tls: config.tls,
      ...(config.tlsCa === undefined ? {} : { tlsCa: config.tlsCa }), tlsInsecure: config.tlsInsecure,
      connectTimeoutMs: config.connectTimeoutMs, handshakeTimeoutMs: config.handshakeTimeoutMs, maxStanzaChars: config.maxStanzaChars,
    };
  }

  get name(): string {
    return this.ctx.name;
  }

  /**
   * The gateway, made at the first connect: a legacy network a module adds is registered during
   * the modules' setup, after the networks are created.
   */
  get gateway(): Gateway {
    this.#gateway ??= this.#createGateway();
    return this.#gateway;
  }

  #createGateway(): Gateway {
    const { ctx } = this;
    const config = this.#config;
    const legacy = config.legacy.protocol === 'irc'
      ? new IrcLegacyNetwork(config.legacy as IrcLegacyConfig, config.name)
      : findLegacyNetwork(ctx.plugins, config.legacy.protocol)(config.legacy, { gatewayName: config.name });
    return new Gateway({
      domain: config.domain,
      network: ctx.name,
      hooks: ctx.accountHooks ?? ALLOW_ALL_ACCOUNT_HOOKS,
      ...(ctx.roomHooks === undefined ? {} : { roomHooks: ctx.roomHooks }),
      log: ctx.log,
      legacy,
      accounts: this.#accounts,
      pacer: this.#pacer,
      retry: { initialDelayMs: config.retryInitialMs, maxDelayMs: config.retryMaxMs, factor: 2, jitter: 0.3, stableAfterMs: 60_000 },
      loginTimeoutMs: config.loginTimeoutMs,
      maxContacts: config.maxContactsPerUser,
      maxBodyChars: config.maxBodyChars,
      maxConcurrentRegistrations: config.maxConcurrentRegistrations,
      allowedDomains: config.allowedDomains,
      admins: config.admins,
      disabled: new DisabledUsers(ctx.store),
      watched: new WatchedContacts(ctx.store, ctx.log),
      rooms: new KeptRooms(ctx.store, ctx.log, MAX_KEPT_ROOMS, this.#box),
      stepTimeoutMs: config.registrationStepTimeoutMs,
      ...(config.accessPassword === undefined ? {} : { accessPassword: config.accessPassword }),
      ...(ctx.roomArchive === undefined ? {} : { history: new RoomHistory(ctx.roomArchive, ctx.log, config.history) }),
      ...(ctx.unsignedFields === undefined ? {} : { unsignedFields: ctx.unsignedFields }),
    });
  }

  async connect(): Promise<void> {
    const gateway = this.gateway; // a legacy network that cannot be made fails here, before the link
    await this.#closeLink();
    // The link's events may come before `open` resolves (a stanza, or a close right after the
    // handshake): they are matched against the attempt, not the variable.
    const attempt: { link?: XmppComponentLink; lost?: string } = {};
    const link = await XmppComponentLink.open(this.#endpoint, {
      stanza: (el) => {
        if (attempt.link !== undefined && this.#link === attempt.link) gateway.handle(el);
      },
      lost: (reason) => {
        attempt.lost = reason;
        if (attempt.link === undefined || this.#link !== attempt.link) return;
        this.#link = undefined;
        this.gateway.detach();
        this.ctx.connectionLost({ wasSuccessful: true, reason });
      },
    });
    attempt.link = link;
    if (attempt.lost !== undefined) throw new Error(`the component connection closed right after the handshake: ${attempt.lost}`);
    this.#link = link;
    await this.gateway.attach(link);
    this.ctx.log.info({ domain: this.#endpoint.domain }, 'gateway online');
    this.ctx.emit({ network: this.name, sender: this.name, command: 'ENDBURST', args: { server: this.name } });
  }

  async disconnect(): Promise<void> {
    this.#pacer.stop();
    await this.#gateway?.close('the gateway is shutting down');
    await this.#closeLink();
  }

  send(_message: OutgoingMessage): Promise<SendResult> {
    return Promise.reject(new SendRefusedError('a gateway network bridges no channels'));
  }

  queueDepth(): number {
    return 0;
  }

  join(_channel: ChannelRef): Promise<void> {
    return Promise.reject(new Error('a gateway network bridges no channels'));
  }

  async part(_channel: ChannelRef): Promise<void> {}

  members(_channel: ChannelRef): readonly UserRef[] {
    return [];
  }

  async #closeLink(): Promise<void> {
    const link = this.#link;
    this.#link = undefined;
    this.#gateway?.detach();
    await link?.close();
  }
}

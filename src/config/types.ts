/**
 * The validated configuration the hub runs with (the result of loading switchboard.yaml).
 * docs/configuration.md documents the file format.
 */
import type { ChannelRef } from '../core/refs.js';
import type { EgressConfig } from '../net/egress/config.js';
import type { ReconnectConfig } from '../core/reconnect.js';
import type { StorageConfig } from '../store/config.js';

export interface HttpConfig {
  readonly host: string;
  readonly port: number;
  /**
   * `http.hosts`: names besides the listen address that requests may carry in `Host` (a
   * reverse proxy's public name); other `Host` headers are refused (DNS rebinding).
   */
  readonly allowedHosts?: readonly string[];
}

/** One configured network; `options` has been validated by its protocol's schema. */
export interface NetworkConfig {
  readonly name: string;
  readonly protocol: string;
  readonly options: unknown;
}

/** One bridge: the linked channels and its options (interpreted by the relay module). */
export interface BridgeConfig {
  readonly name: string;
  readonly channels: readonly ChannelRef[];
  readonly options: Readonly<Record<string, unknown>>;
}

/** One entry of `modules:`, in priority order. */
export interface ModuleConfig {
  /** As written in the file: a path (relative to the config file) or a package name. */
  readonly module: string;
  /** What to import: an absolute file path or a package name. */
  readonly specifier: string;
  /** The module's raw config, handed to its parseConfig. */
  readonly config: unknown;
  /** Where the entry is in the config file, for error messages. */
  readonly line?: number;
  /**
   * A module definition given in-process by an embedder (switchboard/testing), used instead of
   * importing `specifier`; never read from a config file. Such a module is not a built-in.
   */
  readonly definition?: unknown;
}

export interface HubConfig {
  /** The absolute path of the config file. */
  readonly file: string;
  readonly storage: StorageConfig;
  /** The HTTP server, or undefined when disabled (`http: false`). */
  readonly http?: HttpConfig;
  /** `format`: `auto` (the default: pretty on a terminal, JSON otherwise), `pretty` or `json`. */
  readonly log: { readonly level: string; readonly format?: 'auto' | 'pretty' | 'json' };
  readonly reconnect: ReconnectConfig;
  readonly shutdown: { readonly deadlineMs: number };
  /** What the hub may fetch over HTTP (absent: the defaults, DEFAULT_EGRESS_CONFIG). */
  readonly egress?: EgressConfig;
  readonly networks: readonly NetworkConfig[];
  readonly bridges: readonly BridgeConfig[];
  readonly modules: readonly ModuleConfig[];
}

/**
 * The values every test ircd config (configs/ngircd.ts, inspircd.ts, hybrid.ts) takes: its name,
 * client port, an operator and the server link block for our hub.
 */

/** Our server link as the ircd's config names it: its name, the password it sends and the one the ircd answers with. */
export interface LinkBlockValues {
  readonly peerName: string;
  readonly peerSends: string;
  readonly serverSends: string;
}

/** Values substituted into any test ircd config. */
export interface IrcdConfigValues {
  readonly serverName: string;
  readonly port: number;
  readonly operName: string;
  readonly operPassword: string;
  /** The server link for our hub (a pseudo-server). */
  readonly link: LinkBlockValues;
  /** Appended verbatim at the end. */
  readonly extraConfig?: string;
}

/** Values of an ircd that takes server links on a listener of their own, with a temp dir for its files. */
export interface ListeningIrcdConfigValues extends IrcdConfigValues {
  /** Temp dir for the ircd's files (MOTD, logs, data). */
  readonly dir: string;
  /** The port for server links. */
  readonly linkPort: number;
}

/**
 * The link-network interface: what one server protocol (ngIRCd's RFC 2813, InspIRCd's
 * spanningtree, TS6, ...) implements, and what the link adapter hands it. A new protocol is one
 * file under protocols/ implementing {@link ServerProtocol}, plus its name in config.ts and
 * protocols/index.ts; state tracking (state.ts), events (events.ts), virtual clients, the socket,
 * PING timeouts and the hub's lifecycle are shared.
 */
import type { Logger } from '../../core/log.js';
import type { IrcLinkConfig } from './config.js';
import type { LinkEvents } from './events.js';
import type { LinkLine } from './line.js';
import type { LinkState, LinkUser } from './state.js';

/** What the adapter gives a protocol for one connection. */
export interface LinkSession {
  readonly config: IrcLinkConfig;
  readonly log: Logger;
  /** This connection's view of the network (replaced on every connect). */
  readonly state: LinkState;
  readonly events: LinkEvents;
  /** Writes protocol lines (built with line.ts's buildLine). */
  send(...lines: string[]): void;
  /**
   * The uplink finished its burst: the adapter sends ours (the service client and the virtual
   * clients, in their channels) and reports the network ready.
   */
  uplinkBurstDone(uplink: string): void;
  /**
   * One of our clients was killed (it is already out of the state; `user.channels` still names
   * the channels it was in): the adapter introduces it again and rejoins those channels (PyLink:
   * a killed clone comes back), within a bound per person against kill loops.
   */
  ownClientKilled(user: LinkUser): void;
  /**
   * One of our clients may not keep its nick: a nick collision (a remote user introduced or
   * renamed to it: call this BEFORE adding theirs, the nick is free once it returns), a SAVE
   * (put the nick the ircd forced, e.g. the uid, into the state first), or an SVSNICK. PyLink's
   * rule: the client is never renamed to what the ircd asked for; the adapter force-tags it — it
   * sends the protocol's `nick()` for the next tagged nick of its person (`alice|1|net`) and
   * updates the state — so that the link and the ircd agree on its nick (no desync).
   * `lostNick`: the nick the client just lost when it is no longer in the state (after a SAVE):
   * never chosen again, since the remote user who won it may not be introduced yet.
   */
  forceTag(user: LinkUser, why: 'collision' | 'save' | 'svsnick', lostNick?: string): void;
  /** One of our clients was kicked from `channel` (it is already out of it in the state). */
  ownClientKicked(user: LinkUser, channel: string): void;
  /** Ends the link: `fatal` when retrying cannot help (a wrong password). */
  fail(reason: string, fatal: boolean): void;
  /**
   * A line the protocol cannot use (malformed, unknown command, unknown user): logged once per
   * `kind`, counted, and otherwise ignored.
   */
  ignored(kind: string, line: LinkLine, detail?: string): void;
}

/** One server protocol, for one connection. */
export interface ServerProtocol {
  /**
   * true when the ircd accepts `/` in the nicks a server introduces (InspIRCd): virtual clients
   * keep PyLink's `nick/net`. Otherwise `/` in a nick becomes `|`.
   */
  readonly slashInNicks?: boolean;
  /** The lines that open the link (PASS, SERVER, CAPAB, ...), sent once the socket is open. */
  handshake(): string[];
  /** Handles one line from the uplink: updates the state and emits events through the session. */
  handle(line: LinkLine): void;
  /** A new uid for one of our clients. */
  newUid(): string;
  /** The lines that introduce one of our clients (already added to the state). */
  introduce(user: LinkUser): string[];
  /** The lines that put one of our clients in a channel (the state is updated by the caller). */
  join(user: LinkUser, channel: string): string[];
  /**
   * The lines that put several of our clients in a channel at once (fewer lines than one
   * `join` each), when the protocol has such a line. With it, the adapter joins the clients
   * it put in a channel within one turn together (see IrcLinkNetwork's pending joins).
   */
  joinMany?(users: readonly LinkUser[], channel: string): string[];
  part(user: LinkUser, channel: string, reason: string): string[];
  quit(user: LinkUser, reason: string): string[];
  /** The line that renames one of our clients from its current nick (before the state changes). */
  nick(user: LinkUser, newNick: string): string[];
  /**
   * The lines by which `source` (one of our clients) removes `target` (anyone in the channel) from
   * `channel`. The caller updates the state (the target leaves the channel).
   */
  kick(source: LinkUser, channel: string, target: LinkUser, reason: string): string[];
  /** The lines by which `source` (one of our clients) sets `channel`'s topic to `text` (the caller updates the state). */
  topic(source: LinkUser, channel: string, text: string): string[];
  /**
   * The lines that change `channel`'s modes (`modes` as `+o-v`, with `params` for the letters that
   * take one, in order), set by `source` (one of our clients) or, when undefined, by our server
   * (used to revert changes that fail the channel's claim). The caller updates the state.
   */
  mode(source: LinkUser | undefined, channel: string, modes: string, params: string[]): string[];
  /** One PRIVMSG/NOTICE line from one of our clients. */
  message(user: LinkUser, target: string, notice: boolean, text: string): string;
  /** A keep-alive PING to the uplink. */
  ping(): string;
  /** The lines that close the link on purpose. */
  goodbye(reason: string): string[];
}

/** Creates a protocol for one connection. */
export type ServerProtocolFactory = (session: LinkSession) => ServerProtocol;

/**
 * How the adapter logs what the inbound mapper reports about received messages (inbound.ts):
 * a STATUSMSG line always at debug; the first cut text (warning) and the first ignored hop
 * marker (info) once, later ones at debug.
 */
import type { Logger } from '../../core/log.js';
import type { InboundIssue } from './inbound.js';

/** Logs inbound issues, each kind at its level once and at debug after that. */
export class InboundIssueLog {
  /** Issues logged at their first level already (later ones go to debug). */
  private readonly seen = new Set<InboundIssue>();

  constructor(private readonly log: Logger) {}

  /** Logs one reported issue with its context. */
  report(issue: InboundIssue, context: Readonly<Record<string, unknown>>): void {
    const first = !this.seen.has(issue);
    this.seen.add(issue);
    switch (issue) {
      case 'status-message':
        return this.log.debug(context, 'a message to channel members with a status (STATUSMSG) is not relayed');
      case 'truncated':
        if (first) return this.log.warn(context, 'a received message is longer than maxBodyBytes: cut, with a marker (further ones are logged at debug)');
        return this.log.debug(context, 'a received message is longer than maxBodyBytes: cut');
      case 'untrusted-hop-marker':
        if (first) return this.log.info(context, 'a message carries the hop marker but its sender is not in peerBridges: treated as an ordinary message (further ones are logged at debug)');
        return this.log.debug(context, 'hop marker from someone not in peerBridges ignored');
    }
  }
}

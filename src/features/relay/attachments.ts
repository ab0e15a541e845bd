/**
 * Files on relayed messages, fetched only through the hub's egress client (`api.egress`) and
 * within one budget per source message (its deadline and link cap, shared by the spam checks,
 * the size queries and every target's re-upload):
 *
 * - every attachment passes `checkMediaFileForSpam` before it is relayed (refused ones are left
 *   out, logged); `read()` fetches the file within the budget;
 * - before a re-upload, sizes the source did not give are asked of the file's server (HEAD),
 *   so `maxFileBytes` holds for them too;
 * - attachments beyond the message's link cap (`egress.maxLinksPerMessage`) are never fetched:
 *   they are relayed as plain links (and a spam checker that reads one gets an error, which
 *   counts as a refusal).
 */
import type { Attachment } from '../../core/message.js';
import type { ModuleApi } from '../../modules/api.js';
import { operationsOf } from '../../modules/operations.js';
import type { MediaFile } from '../../modules/callbacks/types.js';
import type { EgressBudget } from '../../net/egress/index.js';
import type { MessageLocation } from '../../store/message-map.js';

/** How many messages' budgets are kept (the oldest are forgotten first). */
const MAX_BUDGETS = 1000;

/** The attachments of one delivery: re-uploaded (`native`) or shown as links. */
export interface PreparedAttachments {
  readonly native: Attachment[];
  readonly links: Attachment[];
}

/** The fetches the relay makes for attachments, one budget per source message. */
export class AttachmentFetches {
  private readonly budgets = new Map<string, EgressBudget>();

  constructor(private readonly api: ModuleApi) {}

  /** The budget of the message at `source` (made on first use; a spent one is replaced). */
  budgetFor(source: MessageLocation): EgressBudget {
    const key = `${source.network}\u0000${source.channel}\u0000${source.messageId}`;
    const known = this.budgets.get(key);
    if (known !== undefined && !known.expired) return known;
    this.budgets.delete(key);
    const budget = this.api.egress.budget();
    this.budgets.set(key, budget);
    if (this.budgets.size > MAX_BUDGETS) this.budgets.delete(this.budgets.keys().next().value!);
    return budget;
  }

  /** The attachments the spam checkers allow (the same array when all are allowed). */
  async check(source: MessageLocation, attachments: readonly Attachment[]): Promise<readonly Attachment[]> {
    if (attachments.length === 0) return attachments;
    const budget = this.budgetFor(source);
    const allowed: Attachment[] = [];
    for (const info of attachments) {
      const decision = await operationsOf(this.api).spamChecker.checkMediaFileForSpam(this.mediaFile(info, budget));
      if (decision.allowed) allowed.push(info);
      else this.api.log.info({ file: info.name, module: decision.module, code: decision.code }, 'attachment refused by a spam checker; not relayed');
    }
    return allowed.length === attachments.length ? attachments : allowed;
  }

  /**
   * Splits the attachments of a delivery to a network that takes files: those the budget lets
   * the hub fetch, whose size is known (asked with HEAD when the source did not say) and at most
   * `maxFileBytes`, are `native`; the others are `links`.
   */
  async prepare(budget: EgressBudget, attachments: readonly Attachment[], maxFileBytes: number): Promise<PreparedAttachments> {
    const fetchable: Attachment[] = [];
    const overCap: Attachment[] = [];
    for (const attachment of attachments) (attachment.url !== undefined && budget.claim(attachment.url) ? fetchable : overCap).push(attachment);
    const sized = await Promise.all(fetchable.map((info) => this.withKnownSize(info, budget)));
    const { native, links } = splitAttachments(sized, maxFileBytes);
    return { native, links: [...links, ...splitAttachments(overCap, 'links only').links] };
  }

  private mediaFile(info: Attachment, budget: EgressBudget): MediaFile {
    const { egress } = this.api;
    return {
      info,
      async read(): Promise<Buffer> {
        if (info.url === undefined) throw new Error(`attachment ${info.name} has no URL`);
        const response = await egress.request(info.url, { budget, link: true });
        if (!response.ok) throw new Error(`fetching ${info.name}: HTTP ${response.status}`);
        return response.body;
      },
    };
  }

  /** `info` with `size` from the file server's Content-Length when the source did not give it. */
  private async withKnownSize(info: Attachment, budget: EgressBudget): Promise<Attachment> {
    if (info.size !== undefined || info.url === undefined) return info;
    try {
      const response = await this.api.egress.request(info.url, { method: 'HEAD', budget, link: true });
      const length = Number(response.header('content-length') ?? 'NaN');
      return response.ok && Number.isSafeInteger(length) && length >= 0 ? { ...info, size: length } : info;
    } catch (error) {
      this.api.log.debug({ err: error, file: info.name }, 'relay: the size of an attachment could not be learnt');
      return info;
    }
  }
}

/**
 * Attachments to upload natively, and those sent as links: every one known to be larger than
 * `maxFileBytes`, or all of them for a target without uploads (`'links only'`). URL-less ones
 * are left out: those cannot be relayed.
 */
export function splitAttachments(attachments: readonly Attachment[], maxFileBytes: number | 'links only'): { native: Attachment[]; links: Attachment[] } {
  const native: Attachment[] = [];
  const links: Attachment[] = [];
  for (const attachment of attachments) {
    if (attachment.url === undefined) continue;
    const tooLarge = maxFileBytes === 'links only' || (attachment.size !== undefined && attachment.size > maxFileBytes);
    if (tooLarge) links.push(attachment);
    else native.push(attachment);
  }
  return { native, links };
}

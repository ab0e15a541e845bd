/**
 * Files on relayed messages: every attachment passes `checkMediaFileForSpam` before it is
 * relayed (refused ones are left out, logged); sizes the source did not give are asked of the
 * file's server before a re-upload, so `maxFileBytes` holds for them too.
 */
import type { Attachment } from '../../core/message.js';
import type { ModuleApi } from '../../modules/api.js';
import type { MediaFile } from '../../modules/callbacks/types.js';

/** Largest file `read()` fetches for a spam checker. */
const READ_LIMIT_BYTES = 100 * 1024 * 1024;
const READ_TIMEOUT_MS = 30_000;
/** How long a HEAD request for a file's size may take. */
const SIZE_TIMEOUT_MS = 10_000;

/** The attachments the spam checkers allow (the same array when all are allowed). */
export async function checkAttachments(api: ModuleApi, attachments: readonly Attachment[]): Promise<readonly Attachment[]> {
  if (attachments.length === 0) return attachments;
  const allowed: Attachment[] = [];
  for (const info of attachments) {
    const decision = await api.callbacks.spamChecker.checkMediaFileForSpam(mediaFile(info));
    if (decision.allowed) allowed.push(info);
    else api.log.info({ file: info.name, module: decision.module, code: decision.code }, 'attachment refused by a spam checker; not relayed');
  }
  return allowed.length === attachments.length ? attachments : allowed;
}

function mediaFile(info: Attachment): MediaFile {
  return {
    info,
    async read(): Promise<Buffer> {
      if (info.url === undefined || !/^https?:\/\//i.test(info.url)) throw new Error(`attachment ${info.name} has no http(s) URL`);
      const response = await fetch(info.url, { signal: AbortSignal.timeout(READ_TIMEOUT_MS) });
      if (!response.ok) throw new Error(`fetching ${info.name}: HTTP ${response.status}`);
      const length = Number(response.headers.get('content-length') ?? '0');
      if (length > READ_LIMIT_BYTES) throw new Error(`${info.name} is larger than ${READ_LIMIT_BYTES} bytes`);
      const data = Buffer.from(await response.arrayBuffer());
      if (data.length > READ_LIMIT_BYTES) throw new Error(`${info.name} is larger than ${READ_LIMIT_BYTES} bytes`);
      return data;
    },
  };
}

/**
 * The attachments with `size` filled in from the file server's Content-Length (HEAD request)
 * where the source did not give it. Sizes that cannot be learnt stay unknown.
 */
export async function withKnownSizes(attachments: readonly Attachment[]): Promise<Attachment[]> {
  return Promise.all(attachments.map(async (info) => {
    if (info.size !== undefined || info.url === undefined || !/^https?:\/\//i.test(info.url)) return info;
    const size = await contentLength(info.url);
    return size === undefined ? info : { ...info, size };
  }));
}

async function contentLength(url: string): Promise<number | undefined> {
  try {
    const response = await fetch(url, { method: 'HEAD', signal: AbortSignal.timeout(SIZE_TIMEOUT_MS) });
    const length = Number(response.headers.get('content-length') ?? 'NaN');
    return response.ok && Number.isSafeInteger(length) && length >= 0 ? length : undefined;
  } catch {
    return undefined;
  }
}

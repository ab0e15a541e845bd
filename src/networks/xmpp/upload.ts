/**
 * HTTP File Upload (XEP-0363): finds the server's upload service (disco#items on the account's
 * domain, then disco#info of each item for the upload feature), asks it for a slot, and PUTs the
 * file. Also fetches the file to upload from its source URL, with a size limit. Both go through
 * the hub's egress client, within the message's egress budget.
 */
import type { Element } from '@xmpp/xml';
import xml from '@xmpp/xml';
import type { IqCaller } from '@xmpp/iq/caller.js';
import { NS } from './namespaces.js';
import { buildUploadRequest } from './stanza-build.js';
import type { Egress, EgressBudget } from '../../core/egress.js';

/** A discovered upload service and its size limit. */
export interface UploadService {
  readonly jid: string;
  readonly maxFileSize?: number;
}

/** A file to upload. */
export interface UploadFile {
  readonly name: string;
  readonly data: Uint8Array;
  readonly contentType?: string;
}

/** The most of the upload service's answer to a PUT that is read (it is not used). */
const MAX_PUT_REPLY_BYTES = 64 * 1024;

/** How a file is fetched and uploaded: the hub's egress client and the message's budget. */
export interface UploadHttp {
  readonly egress: Egress;
  readonly budget: EgressBudget;
}

/** Headers a slot may ask the PUT to carry (XEP-0363 §5); others are ignored. */
const ALLOWED_PUT_HEADERS = new Set(['authorization', 'cookie', 'expires']);

/** Asks `iqCaller` for the upload service, checking the configured JID or the domain's items. */
export async function discoverUploadService(iqCaller: IqCaller, domain: string, configured?: string): Promise<UploadService | undefined> {
  const candidates = configured !== undefined ? [configured] : await discoItems(iqCaller, domain);
  for (const jid of candidates) {
    const info = await iqCaller.get(xml('query', { xmlns: NS.discoInfo }), jid).catch(() => undefined);
    if (info === undefined || !hasFeature(info, NS.upload)) continue;
    const max = maxFileSize(info);
    return max === undefined ? { jid } : { jid, maxFileSize: max };
  }
  return undefined;
}

async function discoItems(iqCaller: IqCaller, domain: string): Promise<string[]> {
  const items = await iqCaller.get(xml('query', { xmlns: NS.discoItems }), domain);
  return items.getChildren('item').map((item) => item.attrs.jid ?? '').filter((jid) => jid !== '');
}

function hasFeature(info: Element, feature: string): boolean {
  return info.getChildren('feature').some((f) => f.attrs.var === feature);
}

/** The `max-file-size` field of the upload service's XEP-0128 form, when given. */
export function maxFileSize(info: Element): number | undefined {
  for (const form of info.getChildren('x', 'jabber:x:data')) {
    const fields = form.getChildren('field');
    const formType = fields.find((f) => f.attrs.var === 'FORM_TYPE')?.getChildText('value');
    if (formType !== NS.upload) continue;
    const value = Number(fields.find((f) => f.attrs.var === 'max-file-size')?.getChildText('value'));
    if (Number.isSafeInteger(value) && value > 0) return value;
  }
  return undefined;
}

/** An upload slot: where to PUT, what headers to send, and the URL to share. */
export interface UploadSlot {
  readonly putUrl: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly getUrl: string;
}

/** Reads a slot from the service's reply; throws when it is malformed. */
export function parseSlot(slot: Element | undefined): UploadSlot {
  const put = slot?.getChild('put');
  const putUrl = put?.attrs.url;
  const getUrl = slot?.getChild('get')?.attrs.url;
  if (putUrl === undefined || getUrl === undefined || !/^https?:\/\//i.test(putUrl) || !/^https?:\/\//i.test(getUrl)) {
    throw new Error('the upload service sent a slot without valid put/get URLs');
  }
  const headers: Record<string, string> = {};
  for (const header of put?.getChildren('header') ?? []) {
    const name = (header.attrs.name ?? '').toLowerCase();
    const value = header.text().replace(/[\r\n]/g, '');
    if (ALLOWED_PUT_HEADERS.has(name)) headers[name] = value;
  }
  return { putUrl, headers, getUrl };
}

/** Requests a slot and uploads the file; returns the URL to share. */
export async function uploadFile(iqCaller: IqCaller, http: UploadHttp, service: UploadService, file: UploadFile, timeoutMs = 30_000): Promise<string> {
  if (service.maxFileSize !== undefined && file.data.byteLength > service.maxFileSize) {
    throw new Error(`file is ${file.data.byteLength} bytes; the upload service accepts at most ${service.maxFileSize}`);
  }
  const request = buildUploadRequest({ filename: file.name, size: file.data.byteLength, ...(file.contentType ? { contentType: file.contentType } : {}) });
  const reply = await iqCaller.request(xml('iq', { type: 'get', to: service.jid }, request), timeoutMs);
  const slot = parseSlot(reply.getChild('slot', NS.upload));
  const response = await http.egress.request(slot.putUrl, {
    method: 'PUT',
    body: file.data,
    headers: { ...slot.headers, 'content-type': file.contentType ?? 'application/octet-stream' },
    maxBytes: MAX_PUT_REPLY_BYTES,
    budget: http.budget,
  });
  if (!response.ok) throw new Error(`the upload PUT was refused: HTTP ${response.status}`);
  return slot.getUrl;
}

/**
 * Downloads a file to re-upload, refusing more than `maxBytes` (and more than the egress
 * policy's `maxBodyBytes`). The URL counts as one of the message's links.
 */
export async function downloadFile(http: UploadHttp, url: string, maxBytes: number): Promise<{ data: Uint8Array; contentType?: string }> {
  const response = await http.egress.request(url, { maxBytes, budget: http.budget, link: true });
  if (!response.ok) throw new Error(`could not fetch the file: HTTP ${response.status}`);
  const contentType = response.header('content-type');
  return { data: response.body, ...(contentType ? { contentType } : {}) };
}

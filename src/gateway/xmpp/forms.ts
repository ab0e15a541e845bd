/**
 * Data forms (XEP-0004): building the form the gateway shows and reading what a person submits.
 * Pure. A submitted form is untrusted: unknown fields are ignored, sizes are capped, a required
 * field left empty is refused with a reason.
 */
import xml, { type Element } from '@xmpp/xml';
import type { FormField } from '../api.js';

export const NS_DATA = 'jabber:x:data';
/** The longest value kept from a submitted field (characters). */
export const MAX_FIELD_CHARS = 1024;
/** The most fields read from one submitted form. */
const MAX_FIELDS = 64;

/** A form to fill (`type='form'`) with `fields`, their current values filled in. */
export function buildForm(fields: readonly FormField[], options: { readonly title?: string; readonly instructions?: string; readonly values?: Readonly<Record<string, string>> } = {}): Element {
  return xml('x', { xmlns: NS_DATA, type: 'form' },
    options.title === undefined ? null : xml('title', {}, options.title),
    options.instructions === undefined ? null : xml('instructions', {}, options.instructions),
    fields.map((field) => buildField(field, options.values?.[field.var] ?? field.value)));
}

function buildField(field: FormField, value: string | undefined): Element {
  return xml('field', { var: field.var, type: field.type, label: field.label },
    field.description === undefined ? null : xml('desc', {}, field.description),
    field.required === true ? xml('required') : null,
    (field.options ?? []).map((o) => xml('option', { label: o.label }, xml('value', {}, o.value))),
    value === undefined ? null : xml('value', {}, value));
}

/** A submitted form (`type='submit'`) with `values`, as a client sends it (for tests and tools). */
export function buildSubmission(values: Readonly<Record<string, string>>): Element {
  return xml('x', { xmlns: NS_DATA, type: 'submit' }, Object.entries(values).map(([name, value]) => xml('field', { var: name }, xml('value', {}, value))));
}

/** The outcome of reading a submitted form. */
export type FormResult = { readonly ok: true; readonly values: Readonly<Record<string, string>> } | { readonly ok: false; readonly reason: string; readonly cancelled?: boolean };

/**
 * Reads `form` (an `<x xmlns='jabber:x:data'>`) against `fields`: the values of the known
 * fields (booleans as 'true'/'false', list choices checked), or why it is refused.
 */
export function readSubmission(form: Element | undefined, fields: readonly FormField[]): FormResult {
  if (form === undefined || !form.is('x', NS_DATA)) return { ok: false, reason: 'no data form in the request' };
  if (form.attrs.type === 'cancel') return { ok: false, reason: 'the form was cancelled', cancelled: true };
  if (form.attrs.type !== 'submit') return { ok: false, reason: 'the data form is not a submission' };
  const submitted = new Map<string, string>();
  for (const el of form.getChildren('field').slice(0, MAX_FIELDS)) {
    const name = el.attrs.var;
    if (typeof name !== 'string' || submitted.has(name)) continue;
    submitted.set(name, el.getChildren('value').map((v) => v.text()).join('\n'));
  }
  const values: Record<string, string> = {};
  for (const field of fields) {
    if (field.type === 'fixed') continue;
    const raw = submitted.get(field.var) ?? field.value ?? '';
    if (raw.length > MAX_FIELD_CHARS) return { ok: false, reason: `${field.label} is too long (at most ${MAX_FIELD_CHARS} characters)` };
    const value = field.type === 'text-private' ? raw : raw.trim();
    if (field.required === true && value === '') return { ok: false, reason: `${field.label} is required` };
    if (field.type === 'boolean') {
      if (value !== '' && !['1', '0', 'true', 'false'].includes(value)) return { ok: false, reason: `${field.label} must be true or false` };
      values[field.var] = value === '1' || value === 'true' ? 'true' : 'false';
      continue;
    }
    if (field.type === 'list-single' && value !== '' && !(field.options ?? []).some((o) => o.value === value)) {
      return { ok: false, reason: `${field.label}: ${JSON.stringify(value.slice(0, 40))} is not one of the choices` };
    }
    values[field.var] = value;
  }
  return { ok: true, values };
}

/** A result form (`type='result'`, XEP-0004 §3.4): the `columns` as `<reported>`, one `<item>` per row. */
export function buildResult(
  columns: ReadonlyArray<{ readonly var: string; readonly label: string }>,
  rows: ReadonlyArray<Readonly<Record<string, string>>>,
  title?: string,
): Element {
  return xml('x', { xmlns: NS_DATA, type: 'result' },
    title === undefined ? null : xml('title', {}, title),
    xml('reported', {}, columns.map((c) => xml('field', { var: c.var, label: c.label, type: c.var === 'jid' ? 'jid-single' : 'text-single' }))),
    rows.map((row) => xml('item', {}, columns.map((c) => xml('field', { var: c.var }, xml('value', {}, row[c.var] ?? ''))))));
}

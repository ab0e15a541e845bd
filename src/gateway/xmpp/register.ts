/**
 * In-band registration (XEP-0077) with a data form (XEP-0004), pure: the form a `get` receives,
 * and what a `set` asks for (register with these values, or `<remove/>` = unregister). Clients
 * that do not do data forms may send the fields as plain child elements named after the fields.
 */
import xml, { type Element } from '@xmpp/xml';
import type { FormField, GatewaySettings } from '../api.js';
import { buildForm, MAX_FIELD_CHARS, NS_DATA, readSubmission } from './forms.js';
import { NS } from './namespaces.js';

/** The `<query xmlns='jabber:iq:register'>` of a `get`: instructions and the form (`registered` when they are). */
export function registrationQuery(settings: GatewaySettings, current?: Readonly<Record<string, string>>): Element {
  // XEP-0077 has no second step: a two-step network says where to register instead.
  const instructions = settings.registrationType === 'single-step-form'
    ? settings.registrationInstructions
    : `${settings.registrationInstructions} This network needs a second step (${settings.registrationType === 'qr-code' ? 'a QR code' : 'a code'}): register with the ad-hoc command "Register".`;
  return xml('query', { xmlns: NS.register },
    current === undefined ? null : xml('registered'),
    xml('instructions', {}, instructions),
    buildForm(settings.registrationFields, { title: `Register with ${settings.name}`, instructions: settings.registrationInstructions, ...(current === undefined ? {} : { values: current }) }));
}

/** What a registration `set` asks for. */
export type RegistrationRequest =
  | { readonly kind: 'register'; readonly values: Readonly<Record<string, string>> }
  | { readonly kind: 'remove' }
  | { readonly kind: 'invalid'; readonly reason: string };

/** Reads the `<query>` of a registration `set`. */
export function readRegistrationSet(query: Element, fields: readonly FormField[]): RegistrationRequest {
  if (query.getChild('remove') !== undefined) return { kind: 'remove' };
  const form = query.getChild('x', NS_DATA);
  if (form !== undefined) {
    const result = readSubmission(form, fields);
    return result.ok ? { kind: 'register', values: result.values } : { kind: 'invalid', reason: result.reason };
  }
  // Legacy (non-form) registration: `<nick>alice</nick><password>…</password>`.
  const submitted: Element[] = [];
  for (const field of fields) {
    if (field.type === 'fixed') continue;
    const el = query.getChild(field.var);
    const text = el?.text() ?? field.value;
    if (text !== undefined && text.length > MAX_FIELD_CHARS) return { kind: 'invalid', reason: `${field.label} is too long` };
    if (text !== undefined) submitted.push(xml('field', { var: field.var }, xml('value', {}, text)));
  }
  const result = readSubmission(xml('x', { xmlns: NS_DATA, type: 'submit' }, ...submitted), fields);
  return result.ok ? { kind: 'register', values: result.values } : { kind: 'invalid', reason: result.reason };
}

/**
 * Persistent rooms (docs/gateway.md "Group chats", ADR 0010 "Room configuration, voice, persistent
 * rooms"): the per-person preference `keepRooms` ("Keep my channels joined when my last device
 * leaves", off by default), which the gateway adds to the legacy network's preferences when it
 * offers groups. On, the last device leaving a room keeps the legacy room joined (so its archive
 * keeps filling and the history at the next join or a MAM query shows what was said) and kept
 * across restarts; the `leave <room>` chat command still leaves it for good.
 */
import type { FormField, GatewaySettings } from './api.js';

/** The preference's field (a boolean, stored as 'true'/'false'). */
export const KEEP_ROOMS_FIELD: FormField = {
  var: 'keepRooms',
  label: 'Keep my channels joined when my last device leaves',
  type: 'boolean',
  value: 'false',
  description: 'the gateway stays in the channel (its history keeps filling); "leave <channel>" in a chat with the gateway leaves it',
};

/** `settings` with the rooms' preference added when the network offers groups (and does not name one `keepRooms` itself). */
export function withRoomPreferences(settings: GatewaySettings): GatewaySettings {
  if (!settings.groups || settings.preferences.some((f) => f.var === KEEP_ROOMS_FIELD.var)) return settings;
  return { ...settings, preferences: [...settings.preferences, KEEP_ROOMS_FIELD] };
}

/** Whether stored `preferences` keep the rooms joined. */
export function keepsRooms(preferences: Readonly<Record<string, string>>): boolean {
  return preferences[KEEP_ROOMS_FIELD.var] === 'true';
}

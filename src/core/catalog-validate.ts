/**
 * Runtime validation of events that arrive from outside the type system: from modules
 * written in JavaScript, from JSON (HTTP, a message broker, the store). One zod schema per
 * command in the catalog; the compiler checks that each schema has exactly the fields of
 * the command's args type, so the two cannot drift apart.
 */
import * as z from 'zod';
import { COMMANDS, type Command, type EventArgsMap } from './catalog.js';
import type { AnyEventInput } from './event.js';
import type { Attachment, Message } from './message.js';
import { channelRefSchema, describeIssues, formatPath, richTextSchema, userRefSchema } from './richtext-schema.js';

const user = userRefSchema;
const channel = channelRefSchema;
const text = z.string();
const id = z.string().min(1);

const modeChangeSchema = z.strictObject({
  mode: z.string().regex(/^[+-][A-Za-z]$/, 'expected + or - and one mode letter, e.g. +o'),
  arg: z.string().optional(),
});

const attachmentSchema: z.ZodType<Attachment> = z.strictObject({
  url: z.string().optional(),
  name: z.string(),
  mimeType: z.string().optional(),
  size: z.number().int().nonnegative().optional(),
});

/** A Message (the `message` of MESSAGE and EDIT). */
const messageSchema: z.ZodType<Message> = z.strictObject({
  id,
  channel: channel.optional(),
  recipient: user.optional(),
  author: user,
  kind: z.enum(['message', 'notice', 'action']),
  body: richTextSchema,
  attachments: z.array(attachmentSchema),
  replyTo: z.string().optional(),
  thread: z.string().optional(),
  editOf: z.string().optional(),
  ts: z.number().finite(),
  relayed: z.boolean().optional(),
  delayed: z.boolean().optional(),
});

/** The args schema of every command. */
export const ARGS_SCHEMAS = {
  MESSAGE: z.strictObject({ channel: channel.optional(), message: messageSchema }),
  EDIT: z.strictObject({ channel: channel.optional(), messageId: id, message: messageSchema }),
  DELETE: z.strictObject({ channel: channel.optional(), messageId: id, by: user, reason: text.optional() }),
  REACT: z.strictObject({ channel: channel.optional(), messageId: id, user, reaction: z.string().min(1), removed: z.boolean() }),
  TYPING: z.strictObject({ channel: channel.optional(), user, state: z.enum(['active', 'composing', 'paused', 'inactive', 'gone']) }),
  PRESENCE: z.strictObject({ user, state: z.enum(['online', 'away', 'dnd', 'xa', 'offline']), status: text.optional() }),
  JOIN: z.strictObject({ channel, users: z.array(user), modes: z.array(modeChangeSchema).optional(), ts: z.number().int().nonnegative().optional() }),
  PART: z.strictObject({ channel, user, reason: text }),
  KICK: z.strictObject({ channel, target: user, by: user.optional(), reason: text, ban: z.boolean().optional() }),
  QUIT: z.strictObject({ user, reason: text, channels: z.array(channel) }),
  KILL: z.strictObject({ target: user, by: user.optional(), reason: text }),
  INVITE: z.strictObject({ channel, target: user, by: user }),
  KNOCK: z.strictObject({ channel, user, text }),
  NICK: z.strictObject({ user, oldNick: id, newNick: id, channel: channel.optional() }),
  UID: z.strictObject({
    user,
    signonTs: z.number().finite().optional(),
    ident: text.optional(),
    host: text.optional(),
    realHost: text.optional(),
    ip: text.optional(),
    realName: text.optional(),
  }),
  AWAY: z.strictObject({ user, text }),
  CHGHOST: z.strictObject({ target: user, newHost: id, newIdent: text.optional() }),
  CHGIDENT: z.strictObject({ target: user, newIdent: id }),
  CHGNAME: z.strictObject({ target: user, newName: text }),
  SAVE: z.strictObject({ target: user, oldNick: id }),
  SVSNICK: z.strictObject({ target: user, newNick: id }),
  CLIENT_SERVICES_LOGIN: z.strictObject({ user, account: text }),
  CLIENT_OPERED: z.strictObject({ user, operType: text }),
  MODE: z
    .strictObject({ channel: channel.optional(), user: user.optional(), modes: z.array(modeChangeSchema) })
    .refine((a) => (a.channel === undefined) !== (a.user === undefined), 'MODE needs exactly one of channel and user'),
  TOPIC: z.strictObject({ channel, text, oldText: text.optional(), setter: text.optional(), initial: z.boolean().optional() }),
  SQUIT: z.strictObject({
    server: id,
    uplink: text.optional(),
    users: z.array(user),
    nicksByChannel: z.record(z.string(), z.array(z.string())),
    affectedServers: z.array(z.string()),
  }),
  ENDBURST: z.strictObject({ server: id }),
  DISCONNECT: z.strictObject({ wasSuccessful: z.boolean(), reason: text }),
  VERSION: z.strictObject({ target: text.optional() }),
  WHOIS: z.strictObject({ target: user }),
  CUSTOM_WHOIS: z.strictObject({ target: user, server: id, extraLines: z.array(z.string()) }),
  NEW_SERVICE: z.strictObject({ name: id }),
} satisfies { readonly [C in Command]: z.ZodType<EventArgsMap[C]> };

// Compile-time check: each schema has exactly the keys of its args type. A mismatch makes
// `_schemasMatchTypes` fail to compile, naming the command.
type SameKeys<A, B> = [keyof A] extends [keyof B] ? ([keyof B] extends [keyof A] ? true : false) : false;
type MismatchedCommands = {
  [C in Command]: SameKeys<EventArgsMap[C], z.infer<(typeof ARGS_SCHEMAS)[C]>> extends true ? never : C;
}[Command];
const _schemasMatchTypes: [MismatchedCommands] extends [never] ? true : MismatchedCommands = true;
void _schemasMatchTypes;

/** The field names of each command's args, and whether each is optional (for docs checks). */
export function argsFields(command: Command): { name: string; optional: boolean }[] {
  const shape: Record<string, z.ZodType> = ARGS_SCHEMAS[command].shape;
  return Object.entries(shape).map(([name, field]) => ({ name, optional: field.safeParse(undefined).success }));
}

/** An event that failed validation; `path` names the first bad value, e.g. `$.args.message.body[0].text`. */
export class EventValidationError extends Error {
  constructor(message: string, readonly path: string) {
    super(message);
    this.name = 'EventValidationError';
  }
}

const commandSchema = z.enum(COMMANDS as [Command, ...Command[]]);

const envelopeSchema = z.strictObject({
  network: z.string().min(1),
  sender: z.string().min(1),
  command: commandSchema,
  args: z.unknown(),
  ts: z.number().finite().optional(),
});

/**
 * Validates an event from outside: the envelope, then the args of its command. Returns fresh
 * objects; throws an EventValidationError naming the path of the first bad value.
 */
export function validateEvent(value: unknown): AnyEventInput {
  const envelope = envelopeSchema.safeParse(value);
  if (!envelope.success) throw invalid(envelope.error, []);
  const { command } = envelope.data;
  const args = ARGS_SCHEMAS[command].safeParse(envelope.data.args);
  if (!args.success) throw invalid(args.error, ['args'], command);
  return { ...envelope.data, args: args.data } as AnyEventInput;
}

function invalid(error: z.ZodError, prefix: PropertyKey[], command?: Command): EventValidationError {
  const issues = error.issues.map((issue) => ({ ...issue, path: [...prefix, ...issue.path] }));
  const what = command ? `invalid ${command} event` : 'invalid event';
  const path = formatPath(issues[0]?.path ?? prefix);
  return new EventValidationError(`${what}: ${describeIssues(new z.ZodError(issues))}`, path);
}

/**
 * zod schemas for RichText and the refs it contains, for validating bodies that arrive from
 * outside (JSON, modules, the store). Objects are strict: an unknown key is an error rather
 * than silently dropped, so nothing is lost without notice.
 */
import * as z from 'zod';
import type { ChannelRef, UserRef } from './refs.js';
import type { RichNode, RichText, StyleKind } from './richtext.js';

/** The deepest nesting of nodes fromJSON accepts; deeper input is rejected before parsing. */
export const MAX_RICHTEXT_DEPTH = 64;

/** Every style kind, in a fixed order. */
export const STYLE_KINDS = ['bold', 'italic', 'underline', 'strike', 'spoiler'] as const satisfies readonly StyleKind[];

/** A `#rrggbb` colour (either case). */
const hexColourSchema = z.string().regex(/^#[0-9a-fA-F]{6}$/, 'expected a #rrggbb colour');

export const userRefSchema: z.ZodType<UserRef> = z.strictObject({
  network: z.string().min(1),
  id: z.string().min(1),
  nick: z.string().optional(),
  displayName: z.string().optional(),
  account: z.string().optional(),
  host: z.string().optional(),
  avatarUrl: z.string().optional(),
});

export const channelRefSchema: z.ZodType<ChannelRef> = z.strictObject({
  network: z.string().min(1),
  id: z.string().min(1),
  name: z.string().optional(),
});

const children = z.lazy(() => z.array(richNodeSchema));

/** One RichText node, discriminated by `type`. */
const richNodeSchema: z.ZodType<RichNode> = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('text'), text: z.string() }),
  z.strictObject({ type: z.enum(STYLE_KINDS), children }),
  z.strictObject({ type: z.literal('code'), text: z.string() }),
  z.strictObject({ type: z.literal('pre'), text: z.string(), language: z.string().optional() }),
  z.strictObject({ type: z.literal('link'), url: z.string().min(1), children }),
  z.strictObject({ type: z.literal('mention'), user: userRefSchema, text: z.string() }),
  z.strictObject({
    type: z.literal('colour'),
    fg: hexColourSchema.optional(),
    bg: hexColourSchema.optional(),
    children,
  }),
]);

/** A message body. */
export const richTextSchema: z.ZodType<RichText> = z.array(richNodeSchema);

/** Formats a zod issue path as `$[0].children[1].text`. */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = '$';
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`;
    else if (typeof key === 'string' && /^[A-Za-z_$][\w$]*$/.test(key)) out += `.${key}`;
    else out += `[${JSON.stringify(String(key))}]`;
  }
  return out;
}

/** One line per issue (at most `limit`), each naming the path of the bad value. */
export function describeIssues(error: z.ZodError, limit = 3): string {
  const lines = error.issues.slice(0, limit).map((issue) => `${formatPath(issue.path)}: ${issue.message}`);
  const more = error.issues.length - limit;
  if (more > 0) lines.push(`(${more} more)`);
  return lines.join('; ');
}

/**
 * The path of the first value nested deeper than `maxDepth` containers (objects and arrays),
 * or undefined. Walks without recursion so that hostile input cannot overflow the stack.
 */
export function findTooDeep(value: unknown, maxDepth: number): readonly PropertyKey[] | undefined {
  const stack: { value: unknown; path: PropertyKey[] }[] = [{ value, path: [] }];
  while (stack.length > 0) {
    const { value: current, path } = stack.pop()!;
    if (current === null || typeof current !== 'object') continue;
    if (path.length > maxDepth) return path;
    for (const [key, child] of Object.entries(current)) {
      stack.push({ value: child, path: [...path, Array.isArray(current) ? Number(key) : key] });
    }
  }
  return undefined;
}

import { z } from 'zod';
import { jsonText } from './text.js';

/**
 * Text templates with placeholders, shared by automation messages and notes, macros and canned
 * responses: `Hi {{contact.name | there}}, ticket #{{ticket.number}} is resolved.`
 *
 * - A placeholder is `{{ name }}` or `{{ name | fallback }}`; the fallback (plain text, no `}}`)
 *   is used when the value is empty or unknown for this ticket.
 * - Only the names in TEMPLATE_PLACEHOLDERS exist, plus `contact.attributes.<key>`; a template
 *   naming anything else is refused when saved (templateSchema), so a typo never reaches a
 *   customer as `{{contact.nmae}}`.
 * - The output is plain text: it becomes a message body, which every screen renders as text.
 */
export const TEMPLATE_PLACEHOLDERS = {
  'contact.name': "The customer's name",
  'contact.first_name': "The customer's first name",
  'contact.email': "The customer's email address",
  'ticket.number': 'The ticket number',
  'ticket.subject': 'The ticket subject',
  'ticket.status': 'The ticket status',
  'ticket.priority': 'The ticket priority',
  'agent.name': 'The agent: the assignee for automation, the agent applying a macro or canned response',
  'agent.first_name': "The agent's first name",
  'agent.email': "The agent's email address",
  'team.name': "The ticket's team",
  'inbox.name': "The ticket's inbox",
  'workspace.name': 'The workspace name',
} as const;
export type TemplatePlaceholder = keyof typeof TEMPLATE_PLACEHOLDERS;

/** The prefix of contact attribute placeholders: `{{contact.attributes.plan}}`. */
export const TEMPLATE_ATTRIBUTE_PREFIX = 'contact.attributes.';

/** The values a template is filled with: placeholder name → text. Absent or empty names use their fallback. */
export type TemplateValues = Partial<Record<TemplatePlaceholder, string | number | null | undefined>> & {
  /** Contact attributes by key (`contact.attributes.<key>`). */
  attributes?: Readonly<Record<string, unknown>> | null;
};

const PLACEHOLDER_RE = /\{\{\s*([^{}|]*?)\s*(?:\|\s*([^{}]*?)\s*)?\}\}/g;

function known(name: string): boolean {
  if (Object.prototype.hasOwnProperty.call(TEMPLATE_PLACEHOLDERS, name)) return true;
  return name.startsWith(TEMPLATE_ATTRIBUTE_PREFIX) && name.length > TEMPLATE_ATTRIBUTE_PREFIX.length && name.length <= 120;
}

/** The placeholder names a template uses that do not exist (empty when it is fine). */
export function unknownPlaceholders(template: string): string[] {
  const bad = new Set<string>();
  for (const m of template.matchAll(PLACEHOLDER_RE)) if (!known(m[1]!)) bad.add(m[1]!);
  return [...bad];
}

function valueOf(name: string, values: TemplateValues): string {
  let v: unknown;
  if (name.startsWith(TEMPLATE_ATTRIBUTE_PREFIX)) v = values.attributes?.[name.slice(TEMPLATE_ATTRIBUTE_PREFIX.length)];
  else if (name === 'contact.first_name' || name === 'agent.first_name') {
    const full = values[name] ?? values[name === 'contact.first_name' ? 'contact.name' : 'agent.name'];
    v = typeof full === 'string' ? full.trim().split(/\s+/)[0] : full;
  } else v = values[name as TemplatePlaceholder];
  if (v === null || v === undefined) return '';
  if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') return String(v);
  return '';
}

/**
 * Fills a template. Pure. Unknown placeholders are left as written (they cannot be saved, but a
 * template may predate a rename); a known one with no value becomes its fallback, or nothing.
 */
export function renderTemplate(template: string, values: TemplateValues): string {
  return template.replace(PLACEHOLDER_RE, (whole, name: string, fallback: string | undefined) => {
    if (!known(name)) return whole;
    const v = valueOf(name, values);
    return v.trim() === '' ? (fallback ?? '') : v;
  });
}

/** The most characters of one template (a message body's limit). */
export const TEMPLATE_MAX_LENGTH = 10_000;

/** A template as saved: 1–10,000 characters, naming only known placeholders. */
export const templateSchema = jsonText(
  z
    .string()
    .trim()
    .min(1, 'must not be empty')
    .max(TEMPLATE_MAX_LENGTH, `at most ${TEMPLATE_MAX_LENGTH} characters`),
).superRefine((t, ctx) => {
    const bad = unknownPlaceholders(t);
    if (bad.length > 0) ctx.addIssue({ code: 'custom', message: `unknown placeholder ${bad.map((b) => `{{${b}}}`).join(', ')}` });
  });

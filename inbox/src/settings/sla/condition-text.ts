import {
  CONDITION_OPERATOR_INFO,
  CONTACT_ATTRIBUTE_FIELD,
  CONTACT_ATTRIBUTE_PREFIX,
  conditionField,
  type Condition,
  type ConditionFieldDef,
  type ConditionLeaf,
  type ConditionNode,
  type ConditionScalar,
} from '@support/protocol';

/** Names of what id values point at, by kind: what a condition builder offers and a summary shows. */
export type ConditionChoices = {
  inbox: { id: string; name: string }[];
  team: { id: string; name: string }[];
  user: { id: string; name: string }[];
  calendar: { id: string; name: string }[];
};

export const noChoices = (): ConditionChoices => ({ inbox: [], team: [], user: [], calendar: [] });

/** "low" → "Low", "first_response" → "First response". */
export const humanize = (s: string) => (s ? s.charAt(0).toUpperCase() + s.slice(1).replaceAll('_', ' ') : s);

/** The definition a builder row uses for a field name (attribute fields share one). */
export function fieldDef(field: string): ConditionFieldDef | null {
  if (field === CONTACT_ATTRIBUTE_PREFIX) return CONTACT_ATTRIBUTE_FIELD;
  return conditionField(field);
}

/** A value as people read it: an enum's label, an id's name, "none" for null. */
export function valueLabel(def: ConditionFieldDef, v: ConditionScalar, choices: ConditionChoices): string {
  if (v === null) return def.idKind === 'team' ? 'no team' : def.idKind === 'user' ? 'unassigned' : 'none';
  if (def.type === 'enum' && typeof v === 'string') return humanize(v);
  if (def.type === 'id' && def.idKind && typeof v === 'string') return choices[def.idKind].find((c) => c.id === v)?.name ?? v;
  return String(v);
}

/** One leaf in words ("Priority is Urgent"). */
export function leafText(l: ConditionLeaf, choices: ConditionChoices): string {
  const def = conditionField(l.field);
  if (!def) return l.field;
  const name = l.field.startsWith(CONTACT_ATTRIBUTE_PREFIX) ? `Contact “${l.field.slice(CONTACT_ATTRIBUTE_PREFIX.length)}”` : def.label;
  const op = CONDITION_OPERATOR_INFO[l.op]?.label ?? l.op;
  if (l.value === undefined) return `${name} ${op}`;
  if (l.op === 'within_business_hours' || l.op === 'outside_business_hours')
    return `${name} ${op} of ${choices.calendar.find((c) => c.id === l.value)?.name ?? 'the default calendar'}`;
  const values = Array.isArray(l.value) ? l.value : [l.value];
  return `${name} ${op} ${values.map((v) => valueLabel(def, v, choices)).join(', ')}`;
}

function nodeText(n: ConditionNode, choices: ConditionChoices, nested: boolean): string {
  if ('field' in n) return leafText(n, choices);
  const all = (n.all ?? []).map((c) => nodeText(c, choices, true));
  const any = (n.any ?? []).map((c) => nodeText(c, choices, true));
  const parts = [all.join(' and '), any.length > 1 ? `${all.length ? '(' : ''}${any.join(' or ')}${all.length ? ')' : ''}` : any.join('')].filter(Boolean);
  const text = parts.join(' and ');
  return nested && all.length + any.length > 1 ? `(${text})` : text;
}

/** A condition in one line ("Priority is Urgent and Inbox is Support"); "Every ticket" when it has no constraint. */
export function describeCondition(c: Condition, choices: ConditionChoices): string {
  return nodeText(c, choices, false) || 'Every ticket';
}

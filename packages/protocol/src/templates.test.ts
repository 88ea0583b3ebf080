import { describe, expect, it } from 'vitest';
import { renderTemplate, templateSchema, TEMPLATE_PLACEHOLDERS, unknownPlaceholders } from './templates.js';
import { cannedResponseFieldsSchema } from './canned.js';

describe('renderTemplate', () => {
  const values = {
    'contact.name': 'Ada Lovelace',
    'contact.email': 'ada@example.test',
    'ticket.number': 42,
    'ticket.subject': 'Parcel',
    'agent.name': 'Grace  Hopper',
    'workspace.name': 'Acme',
    attributes: { plan: 'pro', seats: 3, nested: { a: 1 } },
  };

  it('fills placeholders, with or without spaces inside the braces', () => {
    expect(renderTemplate('Hi {{contact.name}}, ticket #{{ ticket.number }} ({{ticket.subject}}) at {{workspace.name}}.', values))
      .toBe('Hi Ada Lovelace, ticket #42 (Parcel) at Acme.');
  });

  it('takes first names from the full names unless given', () => {
    expect(renderTemplate('{{contact.first_name}} / {{agent.first_name}}', values)).toBe('Ada / Grace');
    expect(renderTemplate('{{contact.first_name}}', { ...values, 'contact.first_name': 'Augusta' })).toBe('Augusta');
  });

  it('uses the fallback when a value is missing or blank, and nothing without one', () => {
    expect(renderTemplate('Hi {{contact.name | there}}!', {})).toBe('Hi there!');
    expect(renderTemplate('Hi {{contact.first_name|there}}!', { 'contact.name': '  ' })).toBe('Hi there!');
    expect(renderTemplate('Team: {{team.name}}.', { 'team.name': null })).toBe('Team: .');
    expect(renderTemplate('{{contact.name | dear customer}}', values)).toBe('Ada Lovelace');
  });

  it('reads contact attributes; objects and missing keys fall back', () => {
    expect(renderTemplate('{{contact.attributes.plan}} with {{contact.attributes.seats}} seats', values)).toBe('pro with 3 seats');
    expect(renderTemplate('[{{contact.attributes.nested | n/a}}] [{{contact.attributes.nope | none}}]', values)).toBe('[n/a] [none]');
  });

  it('leaves unknown placeholders as written', () => {
    expect(renderTemplate('Hi {{contact.nmae}} {{ }}', values)).toBe('Hi {{contact.nmae}} {{ }}');
  });
});

describe('templateSchema', () => {
  it('accepts every known placeholder and attributes', () => {
    const all = Object.keys(TEMPLATE_PLACEHOLDERS).map((k) => `{{${k}}}`).join(' ');
    expect(templateSchema.safeParse(`${all} {{contact.attributes.plan | free}}`).success).toBe(true);
  });

  it('refuses unknown placeholders, naming them', () => {
    const r = templateSchema.safeParse('Hi {{contact.nmae}} and {{ticket.owner | x}}');
    expect(r.success).toBe(false);
    expect(r.error!.issues[0]!.message).toBe('unknown placeholder {{contact.nmae}}, {{ticket.owner}}');
    expect(unknownPlaceholders('{{contact.attributes.}}')).toEqual(['contact.attributes.']);
  });

  it('refuses empty and over-long templates', () => {
    expect(templateSchema.safeParse('   ').success).toBe(false);
    expect(templateSchema.safeParse('x'.repeat(10_001)).success).toBe(false);
  });

  it('holds canned response bodies', () => {
    const base = { shortCode: 'hi', title: 'Hi', sharing: 'personal' };
    expect(cannedResponseFieldsSchema.safeParse({ ...base, body: 'Hi {{contact.first_name | there}}' }).success).toBe(true);
    expect(cannedResponseFieldsSchema.safeParse({ ...base, body: 'Hi {{customer.name}}' }).success).toBe(false);
  });
});

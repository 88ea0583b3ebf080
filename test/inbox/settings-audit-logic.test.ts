import { describe, expect, it } from 'vitest';
import { auditListQuerySchema } from '@support/protocol';
import { apiQuery, diffLines, filterErrors, filtersQuery, NO_FILTERS, readFilters } from '../../inbox/src/settings/audit/audit-filters.js';
import { retentionDays, retentionLabel, retentionOptions, retentionValue } from '../../inbox/src/settings/retention.js';

const USER = 'usr_01h2xcejqtf2nbrexx3vqjhp41';
const INBOX = 'inb_01h2xcejqtf2nbrexx3vqjhp41';

describe('audit log filters in the URL', () => {
  it('read back what they wrote, only what is set, unknown keys ignored', () => {
    const f = { ...NO_FILTERS, actor: USER, action: 'auth', from: '2030-03-01' };
    expect(filtersQuery(f)).toBe(`?actor=${USER}&action=auth&from=2030-03-01`);
    expect(readFilters(filtersQuery(f))).toEqual(f);
    expect(filtersQuery(NO_FILTERS)).toBe('');
    expect(readFilters('?bogus=1&objectType=inbox')).toEqual({ ...NO_FILTERS, objectType: 'inbox' });
  });

  it('become a query the server’s schema accepts: the actor as id or type, local days as bounds with the last day included', () => {
    const q = apiQuery({ ...NO_FILTERS, actor: 'system', action: 'member', objectType: 'inbox', objectId: INBOX, from: '2030-03-01', to: '2030-03-02' });
    expect(Object.fromEntries(q)).toEqual({
      actorType: 'system', action: 'member', objectType: 'inbox', objectId: INBOX,
      from: new Date(2030, 2, 1).toISOString(), to: new Date(2030, 2, 3).toISOString(),
    });
    expect(auditListQuerySchema.safeParse(Object.fromEntries(q)).success).toBe(true);
    expect(Object.fromEntries(apiQuery({ ...NO_FILTERS, actor: USER }))).toEqual({ actorId: USER });
  });

  it('name what is wrong and leave it out of the query', () => {
    const bad = { ...NO_FILTERS, objectId: 'nope', from: '2030-03-05', to: '2030-03-01' };
    expect(filterErrors(bad)).toEqual({ objectId: expect.stringMatching(/^Not an id/), to: 'The end is before the start' });
    expect(Object.fromEntries(apiQuery(bad))).toEqual({ from: new Date(2030, 2, 5).toISOString() });
    expect(filterErrors({ ...NO_FILTERS, objectType: 'user', objectId: INBOX }).objectId).toBe('This id is not of a user');
    expect(filterErrors({ ...NO_FILTERS, from: 'yesterday' })).toEqual({ from: 'Not a date' });
  });
});

describe('audit diffs as lines', () => {
  it('a change before → after, nested keys dotted, nothing as none, lists joined, long values cut', () => {
    expect(diffLines({ before: { name: 'Sales', logo: null, settings: { color: '#000' } }, after: { name: 'Support', logo: '/l.png', settings: { color: '#fff' } } })).toEqual([
      'name: “Sales” → “Support”',
      'logo: none → “/l.png”',
      'settings.color: “#000” → “#fff”',
    ]);
    expect(diffLines({ after: { format: 'csv', origins: ['https://a.test', 'https://b.test'], filter: {} } })).toEqual([
      'format: “csv”',
      'origins: https://a.test, https://b.test',
      'filter: none',
    ]);
    expect(diffLines({ before: { reason: 'x'.repeat(200) } })[0]).toHaveLength('reason: '.length + 80);
    expect(diffLines(null)).toEqual([]);
  });
});

describe('audit retention menu', () => {
  it('offers the usual durations and for ever, keeps a custom value, and maps back', () => {
    expect(retentionOptions(365).map((o) => o.label)).toEqual(['30 days', '90 days', '6 months', '1 year', '2 years', '5 years', '7 years', 'Keep for ever']);
    expect(retentionOptions(45).map((o) => o.value)).toContain('45');
    expect(retentionLabel(45)).toBe('45 days');
    expect(retentionLabel(null)).toBe('for ever');
    expect(retentionDays(retentionValue(null))).toBeNull();
    expect(retentionDays(retentionValue(730))).toBe(730);
  });
});

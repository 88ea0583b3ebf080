import { describe, expect, it } from 'vitest';
import { auditDiff, isSecretKey, REDACTED } from './diff.js';

describe('auditDiff', () => {
  it('keeps only the keys that changed', () => {
    expect(auditDiff({ name: 'Sales', color: '#123456', open: true }, { name: 'Support', color: '#123456', open: true })).toEqual({
      before: { name: 'Sales' },
      after: { name: 'Support' },
    });
  });

  it('is null when nothing changed or nothing was given', () => {
    expect(auditDiff({ a: 1, nested: { b: [1, 2] } }, { a: 1, nested: { b: [1, 2] } })).toBeNull();
    expect(auditDiff()).toBeNull();
    expect(auditDiff(undefined, {})).toBeNull();
  });

  it('shows added and removed keys on their side only', () => {
    expect(auditDiff({ a: 1, gone: 'x' }, { a: 1, added: 'y' })).toEqual({ before: { gone: 'x' }, after: { added: 'y' } });
  });

  it('descends into nested objects down to the changed keys', () => {
    const before = { settings: { widget: { color: '#000', title: 'Hi', launcher: { side: 'right' } }, locale: 'en' } };
    const after = { settings: { widget: { color: '#fff', title: 'Hi', launcher: { side: 'left' } }, locale: 'en' } };
    expect(auditDiff(before, after)).toEqual({
      before: { settings: { widget: { color: '#000', launcher: { side: 'right' } } } },
      after: { settings: { widget: { color: '#fff', launcher: { side: 'left' } } } },
    });
  });

  it('keeps a changed array whole, and redacts secrets inside it', () => {
    const before = { origins: ['https://a.test'], hooks: [{ url: 'https://h.test', signingSecret: 'old' }] };
    const after = { origins: ['https://a.test', 'https://b.test'], hooks: [{ url: 'https://h.test', signingSecret: 'new' }] };
    expect(auditDiff(before, after)).toEqual({
      before: { origins: ['https://a.test'], hooks: [{ url: 'https://h.test', signingSecret: REDACTED }] },
      after: { origins: ['https://a.test', 'https://b.test'], hooks: [{ url: 'https://h.test', signingSecret: REDACTED }] },
    });
  });

  it('redacts secrets by key name at any depth: a changed secret shows that it changed, never its value', () => {
    const d = auditDiff(
      { name: 'Mail', smtp: { host: 'smtp.test', password: 'old-pw' }, mailgunSigningKey: 'k1', identity_secret: 's1' },
      { name: 'Mail', smtp: { host: 'smtp.test', password: 'new-pw' }, mailgunSigningKey: 'k2', identity_secret: 's1' },
    );
    expect(d).toEqual({
      before: { smtp: { password: REDACTED }, mailgunSigningKey: REDACTED },
      after: { smtp: { password: REDACTED }, mailgunSigningKey: REDACTED },
    });
    expect(JSON.stringify(d)).not.toMatch(/old-pw|new-pw|k1|k2|s1/);
  });

  it('redacts a whole object under a secret key, and keeps null as "not set"', () => {
    expect(auditDiff(undefined, { credentials: { user: 'u', pass: 'p' }, apiToken: null, name: 'x' })).toEqual({
      after: { credentials: REDACTED, apiToken: null, name: 'x' },
    });
    expect(auditDiff({ basicPassword: null }, { basicPassword: 'set-now' })).toEqual({ before: { basicPassword: null }, after: { basicPassword: REDACTED } });
  });

  it('stores values as JSON does: Dates as ISO strings, undefined members dropped', () => {
    const at = new Date('2030-01-02T03:04:05.678Z');
    expect(auditDiff(undefined, { at, skip: undefined })).toEqual({ after: { at: '2030-01-02T03:04:05.678Z' } });
  });
});

describe('isSecretKey', () => {
  it('matches secret words in camelCase, snake_case and kebab-case keys, not words that merely contain them', () => {
    for (const k of ['password', 'basicPassword', 'mailgun_signing_key', 'tokenHash', 'identitySecret', 'API-KEY', 'apiKey', 'sessionToken', 'Authorization', 'passwordHash', 'salt'])
      expect(isSecretKey(k), k).toBe(true);
    for (const k of ['name', 'monkey', 'keyboardShortcuts', 'signature', 'hashtag', 'tokenizer', 'email', 'address', 'basicUser'])
      expect(isSecretKey(k), k).toBe(false);
  });
});

import { describe, expect, it } from 'vitest';
import { allowedOriginsSchema, inboxUpdateSchema, normalizeOrigin, originAllowedFor } from './inboxes.js';
import { widgetSettingsInputSchema, widgetSettingsSchema } from './widget.js';

describe('site origins', () => {
  it('normalizes what a browser would send, and refuses anything with a path, query or credentials', () => {
    expect(normalizeOrigin(' https://Shop.Example/ ')).toBe('https://shop.example');
    expect(normalizeOrigin('https://shop.example:443')).toBe('https://shop.example');
    expect(normalizeOrigin('http://localhost:3000')).toBe('http://localhost:3000');
    expect(normalizeOrigin('https://*.Shop.example')).toBe('https://*.shop.example');
    expect(normalizeOrigin('https://bücher.example')).toBe('https://xn--bcher-kva.example');
    for (const bad of ['shop.example', 'ftp://shop.example', 'https://shop.example/path', 'https://shop.example/?q', 'https://u:p@shop.example', 'https://shop.example#x', 'https://a.*.example', '*', ''])
      expect(normalizeOrigin(bad), bad).toBeNull();
  });

  it('an empty list allows every origin; a set list allows its entries and their subdomains for *. entries only', () => {
    expect(originAllowedFor([], undefined)).toBe(true);
    expect(originAllowedFor([], 'https://evil.example')).toBe(true);
    const list = ['https://shop.example', 'https://*.acme.example', 'http://localhost:3000'];
    expect(originAllowedFor(list, 'https://shop.example')).toBe(true);
    expect(originAllowedFor(list, 'https://SHOP.example')).toBe(true);
    expect(originAllowedFor(list, 'https://www.acme.example')).toBe(true);
    expect(originAllowedFor(list, 'https://a.b.acme.example')).toBe(true);
    expect(originAllowedFor(list, 'http://localhost:3000')).toBe(true);
    for (const no of ['https://acme.example', 'http://www.acme.example', 'https://evilacme.example', 'https://shop.example:8443', 'http://shop.example', 'http://localhost:3001', 'null', '', undefined, null])
      expect(originAllowedFor(list, no), String(no)).toBe(false);
  });

  it('the list schema normalizes, removes duplicates and names the wrong entry', () => {
    expect(allowedOriginsSchema.parse(['https://Shop.example/', 'https://shop.example'])).toEqual(['https://shop.example']);
    const r = allowedOriginsSchema.safeParse(['https://shop.example', 'https://shop.example/checkout']);
    expect(r.success).toBe(false);
    expect(r.error!.issues[0]).toMatchObject({ path: [1], message: expect.stringContaining('"https://shop.example/checkout" is not a site origin') });
  });
});

describe('widget settings input', () => {
  it('holds every key of the widget settings, so each setting can be set', () => {
    expect(Object.keys(widgetSettingsInputSchema.shape).sort()).toEqual(Object.keys(widgetSettingsSchema.shape).sort());
    // The defaults are valid input.
    expect(widgetSettingsInputSchema.safeParse(widgetSettingsSchema.parse({})).success).toBe(true);
  });

  it('is strict where the stored settings fall back: a wrong value is a field error', () => {
    const r = inboxUpdateSchema.safeParse({ widget: { color: 'red', greeting: '  ', position: 'top' } });
    expect(r.success).toBe(false);
    expect(r.error!.issues.map((i) => i.path.join('.')).sort()).toEqual(['widget.color', 'widget.greeting', 'widget.position']);
    expect(inboxUpdateSchema.parse({ widget: { color: '#ABCDEF', teamName: '' } }).widget).toEqual({ color: '#abcdef', teamName: null });
  });
});

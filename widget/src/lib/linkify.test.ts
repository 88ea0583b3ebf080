import { describe, expect, it } from 'vitest';
import { linkify } from './linkify.js';

describe('linkify', () => {
  it('turns http(s) and www URLs into links and leaves trailing punctuation as text', () => {
    expect(linkify('see https://example.com/a?b=1. or www.example.org!')).toEqual([
      { text: 'see ' },
      { text: 'https://example.com/a?b=1', href: 'https://example.com/a?b=1' },
      { text: '. or ' },
      { text: 'www.example.org', href: 'https://www.example.org/' },
      { text: '!' },
    ]);
  });

  it('never links other schemes and keeps markup as plain text', () => {
    const text = 'javascript:alert(1) <a href="javascript:alert(1)">x</a> data:text/html,<script>';
    expect(linkify(text)).toEqual([{ text }]);
  });

  it('stops a URL at quotes and angle brackets', () => {
    expect(linkify('"https://a.example/x"><img')).toEqual([
      { text: '"' },
      { text: 'https://a.example/x', href: 'https://a.example/x' },
      { text: '"><img' },
    ]);
  });

  it('returns text without links unchanged, and nothing for empty text', () => {
    expect(linkify('hello')).toEqual([{ text: 'hello' }]);
    expect(linkify('')).toEqual([]);
  });
});

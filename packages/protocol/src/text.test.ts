import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { jsonText, noNul, seqSchema, wellFormed } from './text.js';

describe('text rules', () => {
  it('wellFormed accepts pairs and refuses lone surrogates anywhere', () => {
    expect(wellFormed('plain 🙂 text')).toBe(true);
    for (const s of ['\ud800', 'a\ud83d', '\ude42b', 'x\udc00\ud800']) expect(wellFormed(s), JSON.stringify(s)).toBe(false);
  });
  it('noNul, jsonText and seqSchema refuse what Postgres cannot store', () => {
    expect(noNul(z.string()).safeParse('a\u0000b').success).toBe(false);
    expect(jsonText(z.string()).safeParse('a\ud800').success).toBe(false);
    expect(jsonText(z.string()).safeParse('ok 🙂').success).toBe(true);
    expect(seqSchema.safeParse(2 ** 31 - 1).success).toBe(true);
    expect(seqSchema.safeParse(2 ** 31).success).toBe(false);
  });
});

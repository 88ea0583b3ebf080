import { z } from 'zod';
import { LIMITS } from './limits.js';

/** True when every UTF-16 surrogate in `s` is half of a pair (String.prototype.isWellFormed, for older browsers). */
export function wellFormed(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0xd800 || c > 0xdfff) continue;
    if (c > 0xdbff) return false;
    const d = s.charCodeAt(i + 1);
    if (!(d >= 0xdc00 && d <= 0xdfff)) return false;
    i++;
  }
  return true;
}

/**
 * Text a client types is refused (VALIDATION_FAILED), not silently changed, when it holds a
 * character Postgres cannot store: U+0000 in any text or jsonb value.
 */
export const noNul = <S extends z.ZodString>(s: S) => s.refine((v) => !v.includes('\u0000'), 'must not contain NUL characters');

/** Text stored inside jsonb, which also refuses lone UTF-16 surrogates: no NUL, well-formed Unicode. */
export const jsonText = <S extends z.ZodString>(s: S) => noNul(s).refine(wellFormed, 'must be well-formed Unicode (no lone surrogates)');

/** A per-conversation message sequence number; stored in an int column, so 0 to 2^31 − 1. */
export const seqSchema = z.number().int().nonnegative().max(LIMITS.maxSeq, `at most ${LIMITS.maxSeq}`);

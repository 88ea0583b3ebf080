import { RE2JS } from 're2js';

/**
 * Regular expressions of the `matches` operator, run by RE2 (re2js: linear time in the text,
 * no backtracking), so an admin's pattern cannot hang the server on a long message. RE2
 * syntax: no look-around, no back-references. Matching is case-insensitive and finds the
 * pattern anywhere in the text (anchor it with ^ and $ for the whole text).
 */
export type CompiledPattern = { test(text: string): boolean };

/** The most characters of a pattern (as every condition text value). */
export const PATTERN_MAX_LENGTH = 500;

/** Compiles a pattern, or says why it is not one ("missing closing )"). */
export function compilePattern(source: string): { ok: true; pattern: CompiledPattern } | { ok: false; message: string } {
  if (source.length > PATTERN_MAX_LENGTH) return { ok: false, message: `at most ${PATTERN_MAX_LENGTH} characters` };
  try {
    const re = RE2JS.compile(source, RE2JS.CASE_INSENSITIVE);
    return { ok: true, pattern: { test: (text) => re.matcher(text).find() } };
  } catch (err) {
    const raw = err instanceof Error ? err.message : String(err);
    return { ok: false, message: `not a valid regular expression: ${raw.replace(/^error parsing regexp:\s*/, '')}` };
  }
}

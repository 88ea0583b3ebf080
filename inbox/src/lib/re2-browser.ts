/**
 * The inbox's stand-in for `re2js` (vite.config.ts aliases it here), which would add ~45 KB gzip
 * to every settings page only to check `matches` patterns as they are typed. Patterns are
 * checked with the browser's RegExp, refusing what RE2 lacks (look-around, back-references), so
 * the builder still cannot save a pattern the server refuses in the common cases; the server
 * checks with RE2 on save and evaluates with it.
 */
const UNSUPPORTED = /\(\?<?[=!]|\\[1-9]|\\k</;

export const RE2JS = {
  CASE_INSENSITIVE: 1,
  compile(source: string, flags = 0) {
    if (UNSUPPORTED.test(source)) throw new Error('error parsing regexp: look-around and back-references are not supported');
    let re: RegExp;
    try {
      re = new RegExp(source, flags & 1 ? 'iu' : 'u');
    } catch (err) {
      throw new Error(`error parsing regexp: ${err instanceof Error ? err.message.replace(/^Invalid regular expression: /, '') : String(err)}`);
    }
    return { matcher: (text: string) => ({ find: () => re.test(text) }) };
  },
};

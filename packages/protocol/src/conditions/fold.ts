/**
 * Folds text for case-insensitive comparison: NFKC normalization (compatibility forms such as
 * "ﬁ", full-width letters and composed/decomposed accents become one form), then upper- and
 * lower-casing, which approximates Unicode full case folding ("Straße" and "STRASSE" fold
 * alike, as do final and medial sigma), then NFKC again because case mapping can produce
 * unnormalized sequences. Locale-independent: Turkish dotted/dotless i are not merged.
 * Accents are kept: "é" and "e" differ.
 */
export function foldText(s: string): string {
  // ASCII fast path: most emails, domains and tags never need normalization.
  let ascii = true;
  for (let i = 0; i < s.length; i++) {
    if (s.charCodeAt(i) > 0x7f) {
      ascii = false;
      break;
    }
  }
  if (ascii) return s.toLowerCase();
  return s.normalize('NFKC').toUpperCase().toLowerCase().normalize('NFKC');
}
